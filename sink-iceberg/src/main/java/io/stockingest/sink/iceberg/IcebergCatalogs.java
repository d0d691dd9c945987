package io.stockingest.sink.iceberg;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.Secrets;
import io.stockingest.aws.AwsSettings;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.rest.RESTCatalog;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The one place Iceberg catalogs are built: a JDBC catalog (SQLite or PostgreSQL) or a REST catalog, with the
 * warehouse's file access: {@link LocalFileIO} for a directory, Iceberg's {@link S3FileIO} over an S3 client built here
 * for {@code s3://} ({@code S3_ENDPOINT} path-style, {@code S3_MAX_ATTEMPTS} tries, credentials and region of
 * {@link AwsSettings}, as the S3 lake builds its own). No Hadoop {@code FileSystem} is involved.
 */
public final class IcebergCatalogs {
    private IcebergCatalogs() {}

    public static Catalog open(IcebergConfig config, Settings settings) {
        Map<String, String> props = new HashMap<>();
        props.put(CatalogProperties.URI, config.catalogUri());
        props.put(CatalogProperties.WAREHOUSE_LOCATION, config.warehouse());
        try {
            if (config.catalogUri().startsWith("jdbc:")) {
                props.put("jdbc.schema-version", "V1");
                config.user().ifPresent(u -> props.put("jdbc.user", u));
                config.password().ifPresent(p -> props.put("jdbc.password", p));
                if (config.catalogUri().startsWith("jdbc:sqlite:")) {
                    createParent(config.catalogUri().substring("jdbc:sqlite:".length()));
                    // concurrent writers (--shard processes) wait for SQLite's write lock instead of failing at once
                    props.put("jdbc.busy_timeout", "60000");
                    props.put("jdbc.journal_mode", "WAL");
                }
                JdbcCatalog catalog = new JdbcCatalog(p -> fileIo(config, settings), null, true);
                // creating the catalog's tables races between processes on a new SQLite file: one at a time
                return CatalogLock.of(config).around(() -> {
                    catalog.initialize(config.catalogName(), props);
                    return catalog;
                });
            }
            config.credential().ifPresent(c -> props.put("credential", c));
            config.token().ifPresent(t -> props.put("token", t));
            settings.get("ICEBERG_REST_SIGNING_NAME").ifPresent(service -> {
                // AWS catalogs (Glue's Iceberg REST endpoint: glue; S3 Tables: s3tables) sign requests with SigV4
                props.put("rest.sigv4-enabled", "true");
                props.put("rest.signing-name", service);
                props.put("rest.signing-region", AwsSettings.regionName(settings));
            });
            if (config.warehouse().startsWith("s3://")) {
                props.put(CatalogProperties.FILE_IO_IMPL, S3FileIO.class.getName());
                settings.get("S3_ENDPOINT").ifPresent(e -> {
                    props.put("s3.endpoint", e);
                    props.put("s3.path-style-access", "true");
                });
                props.put("client.region", AwsSettings.regionName(settings));
            } else {
                props.put(CatalogProperties.FILE_IO_IMPL, LocalFileIO.class.getName());
            }
            RESTCatalog catalog = new RESTCatalog();
            catalog.initialize(config.catalogName(), props);
            return catalog;
        } catch (IngestException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IngestException(ErrorKind.CONFIG, "Cannot open the Iceberg catalog " + config.name() + ": " + Secrets.redact(reason(e)), e);
        }
    }

    /** {@code e}'s message, with its root cause's when that is another (a driver's "password authentication failed"). */
    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String outer = String.valueOf(e.getMessage());
        return root == e || outer.contains(String.valueOf(root.getMessage())) ? outer : outer + " (" + root.getMessage() + ")";
    }

    private static void createParent(String file) {
        java.nio.file.Path parent = java.nio.file.Path.of(file).toAbsolutePath().getParent();
        try {
            java.nio.file.Files.createDirectories(parent);
        } catch (java.io.IOException e) {
            throw new IngestException(ErrorKind.CONFIG, "Cannot create the directory of the Iceberg catalog " + parent + ": " + e.getMessage(), e);
        }
    }

    /** The warehouse's file access for a JDBC catalog. */
    static FileIO fileIo(IcebergConfig config, Settings settings) {
        if (!config.warehouse().startsWith("s3://")) {
            return new LocalFileIO();
        }
        S3FileIO io = new S3FileIO(() -> s3Client(settings));
        io.initialize(Map.of());
        return io;
    }

    /** An S3 client for the warehouse: {@code S3_ENDPOINT} (path-style), {@code S3_MAX_ATTEMPTS} (default 4), AWS settings. */
    static S3Client s3Client(Settings settings) {
        int attempts;
        try {
            attempts = settings.positiveInt("S3_MAX_ATTEMPTS", 4);
        } catch (IllegalArgumentException e) {
            throw new IngestException(ErrorKind.CONFIG, e.getMessage());
        }
        var builder = S3Client.builder()
                .region(AwsSettings.region(settings))
                .credentialsProvider(AwsSettings.credentials(settings))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(16).connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(attempts).build()));
        settings.get("S3_ENDPOINT").ifPresent(endpoint -> builder.endpointOverride(URI.create(endpoint)).forcePathStyle(true));
        return builder.build();
    }
}

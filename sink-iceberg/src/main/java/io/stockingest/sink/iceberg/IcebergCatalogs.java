package io.stockingest.sink.iceberg;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.Secrets;
import io.stockingest.sink.s3.S3ClientFactory;
import io.stockingest.sink.s3.S3Config;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.rest.RESTCatalog;

/**
 * The one place Iceberg catalogs are built: a JDBC catalog (SQLite or PostgreSQL) or a REST catalog, with the
 * warehouse's file access: {@link LocalFileIO} for a directory, Iceberg's {@link S3FileIO} over the project's one S3
 * client factory ({@link S3ClientFactory}: {@code S3_ENDPOINT}, {@code AWS_REGION}, retries, the default credential
 * chain) for {@code s3://}. No Hadoop {@code FileSystem} is involved.
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
                catalog.initialize(config.catalogName(), props);
                return catalog;
            }
            config.credential().ifPresent(c -> props.put("credential", c));
            config.token().ifPresent(t -> props.put("token", t));
            settings.get("ICEBERG_REST_SIGNING_NAME").ifPresent(service -> {
                // AWS catalogs (Glue's Iceberg REST endpoint: glue; S3 Tables: s3tables) sign requests with SigV4
                props.put("rest.sigv4-enabled", "true");
                props.put("rest.signing-name", service);
                props.put("rest.signing-region", settings.get("AWS_REGION", "us-east-1"));
            });
            if (config.warehouse().startsWith("s3://")) {
                props.put(CatalogProperties.FILE_IO_IMPL, S3FileIO.class.getName());
                settings.get("S3_ENDPOINT").ifPresent(e -> {
                    props.put("s3.endpoint", e);
                    props.put("s3.path-style-access", "true");
                });
                props.put("client.region", settings.get("AWS_REGION", "us-east-1"));
            } else {
                props.put(CatalogProperties.FILE_IO_IMPL, LocalFileIO.class.getName());
            }
            RESTCatalog catalog = new RESTCatalog();
            catalog.initialize(config.catalogName(), props);
            return catalog;
        } catch (IngestException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IngestException(ErrorKind.CONFIG, "Cannot open the Iceberg catalog " + config.name() + ": " + Secrets.redact(String.valueOf(e.getMessage())), e);
        }
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
        S3Config s3 = S3Config.from(bucketUri(config.warehouse()), settings);
        S3FileIO io = new S3FileIO(() -> S3ClientFactory.create(s3, settings));
        io.initialize(Map.of());
        return io;
    }

    private static String bucketUri(String warehouse) {
        String rest = warehouse.substring("s3://".length());
        int slash = rest.indexOf('/');
        return "s3://" + (slash < 0 ? rest : rest.substring(0, slash));
    }
}

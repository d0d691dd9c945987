package io.stockingest.sink.iceberg;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.Secrets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the Iceberg tables live and how to reach their catalog.
 *
 * <ul>
 *   <li>{@code --sink iceberg:DIR}: the embedded default, a JDBC catalog on the SQLite file {@code DIR/catalog.db}
 *       and the warehouse {@code DIR/warehouse}.</li>
 *   <li>{@code --sink iceberg}: {@code ICEBERG_CATALOG_URI} ({@code jdbc:sqlite:FILE}, {@code jdbc:postgresql://...}
 *       or an {@code http(s)://} REST catalog), {@code ICEBERG_WAREHOUSE} (a directory or
 *       {@code s3://BUCKET/PREFIX}, through {@code S3_ENDPOINT} for S3-compatible servers),
 *       {@code ICEBERG_CATALOG_USER} / {@code ICEBERG_CATALOG_PASSWORD} for a JDBC catalog that needs them,
 *       {@code ICEBERG_CATALOG_CREDENTIAL} (OAuth2 {@code id:secret}) or {@code ICEBERG_CATALOG_TOKEN} for a REST
 *       catalog, {@code ICEBERG_REST_SIGNING_NAME} ({@code glue}, {@code s3tables}) for an AWS REST endpoint signed
 *       with SigV4.</li>
 *   <li>{@code ICEBERG_NAMESPACE}: default {@code stock_ingest}.</li>
 *   <li>{@code ICEBERG_CATALOG_NAME}: default {@code stock_ingest}. A JDBC catalog keys its tables by this name (a
 *       column of its {@code iceberg_tables} table), so an engine reading the same catalog database must register the
 *       catalog under the same name (docs/iceberg.md).</li>
 *   <li>{@code ICEBERG_BUFFER_ROWS}: rows held in memory before they are written as data files (committed at
 *       flush), default 250000.</li>
 *   <li>{@code ICEBERG_COMMIT_ATTEMPTS}: tries of a publish that loses to concurrent writers, default 20.</li>
 * </ul>
 * Secrets (the catalog password, credential, token) are registered with {@link Secrets} and appear in no
 * {@link #name()} or message.
 */
public record IcebergConfig(String catalogName, String catalogUri, String warehouse, String namespace, Optional<String> user,
        Optional<String> password, Optional<String> credential, Optional<String> token, int bufferRows, int commitAttempts) {
    public static final String DEFAULT_NAMESPACE = "stock_ingest";
    public static final String DEFAULT_CATALOG_NAME = "stock_ingest";
    public static final int DEFAULT_BUFFER_ROWS = 250_000;
    public static final int DEFAULT_COMMIT_ATTEMPTS = 20;
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public IcebergConfig {
        requireNonNull(catalogName, "catalogName is null");
        requireNonNull(catalogUri, "catalogUri is null");
        requireNonNull(warehouse, "warehouse is null");
        requireNonNull(namespace, "namespace is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        requireNonNull(credential, "credential is null");
        requireNonNull(token, "token is null");
        password.ifPresent(Secrets::register);
        credential.ifPresent(Secrets::register);
        token.ifPresent(Secrets::register);
        if (!IDENTIFIER.matcher(namespace).matches()) {
            throw new IngestException(ErrorKind.CONFIG, "ICEBERG_NAMESPACE '" + namespace + "' is not a plain lower-case identifier ([a-z_][a-z0-9_]*)");
        }
        if (!IDENTIFIER.matcher(catalogName).matches()) {
            throw new IngestException(ErrorKind.CONFIG, "ICEBERG_CATALOG_NAME '" + catalogName + "' is not a plain lower-case identifier ([a-z_][a-z0-9_]*)");
        }
        if (!(catalogUri.startsWith("jdbc:sqlite:") || catalogUri.startsWith("jdbc:postgresql:") || catalogUri.startsWith("http://")
                || catalogUri.startsWith("https://"))) {
            throw new IngestException(ErrorKind.CONFIG, "ICEBERG_CATALOG_URI '" + Secrets.redact(catalogUri)
                    + "' is not jdbc:sqlite:FILE, jdbc:postgresql://... or an http(s):// REST catalog");
        }
        if (bufferRows < 1 || commitAttempts < 1) {
            throw new IngestException(ErrorKind.CONFIG, "ICEBERG_BUFFER_ROWS and ICEBERG_COMMIT_ATTEMPTS must be at least 1");
        }
    }

    /** The catalog named by a sink URI: {@code iceberg:DIR} (embedded) or {@code iceberg} (the settings). */
    public static IcebergConfig from(String uri, Settings settings) {
        String catalogUri;
        String warehouse;
        if (uri.startsWith("iceberg:") && uri.length() > "iceberg:".length()) {
            Path dir = Path.of(uri.substring("iceberg:".length())).toAbsolutePath().normalize();
            catalogUri = "jdbc:sqlite:" + dir.resolve("catalog.db");
            warehouse = dir.resolve("warehouse").toString();
        } else if (uri.equals("iceberg")) {
            catalogUri = settings.get("ICEBERG_CATALOG_URI").orElseThrow(() -> new IngestException(ErrorKind.CONFIG,
                    "ICEBERG_CATALOG_URI is not set: give --sink iceberg:DIR for the embedded catalog, or set ICEBERG_CATALOG_URI and ICEBERG_WAREHOUSE"));
            warehouse = settings.get("ICEBERG_WAREHOUSE").orElseThrow(() -> new IngestException(ErrorKind.CONFIG,
                    "ICEBERG_WAREHOUSE is not set (a directory or s3://BUCKET/PREFIX)"));
        } else {
            throw new IngestException(ErrorKind.USAGE, "Invalid Iceberg sink '" + uri + "': use iceberg:DIR or iceberg (with ICEBERG_CATALOG_URI and ICEBERG_WAREHOUSE)");
        }
        if (!warehouse.startsWith("s3://")) {
            warehouse = LocalFileIO.uri(Path.of(warehouse.startsWith("file:") ? warehouse.substring("file:".length()) : warehouse));
        }
        try {
            return new IcebergConfig(settings.get("ICEBERG_CATALOG_NAME", DEFAULT_CATALOG_NAME), catalogUri, warehouse,
                    settings.get("ICEBERG_NAMESPACE", DEFAULT_NAMESPACE), settings.get("ICEBERG_CATALOG_USER"), settings.get("ICEBERG_CATALOG_PASSWORD"),
                    settings.get("ICEBERG_CATALOG_CREDENTIAL"), settings.get("ICEBERG_CATALOG_TOKEN"),
                    settings.positiveInt("ICEBERG_BUFFER_ROWS", DEFAULT_BUFFER_ROWS), settings.positiveInt("ICEBERG_COMMIT_ATTEMPTS", DEFAULT_COMMIT_ATTEMPTS));
        } catch (IngestException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new IngestException(ErrorKind.CONFIG, e.getMessage());
        }
    }

    /** For messages and metrics: {@code iceberg:<catalog uri>/<namespace>}, without secrets. */
    public String name() {
        return "iceberg:" + Secrets.redact(catalogUri) + "#" + namespace;
    }

    @Override
    public String toString() {
        return name();
    }
}

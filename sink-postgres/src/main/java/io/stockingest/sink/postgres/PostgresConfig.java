package io.stockingest.sink.postgres;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.Secrets;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Where and how the PostgreSQL sink connects.
 *
 * <ul>
 *   <li>{@code DATABASE_URL}: {@code postgresql://user:pass@host:port/db} (also {@code postgres://}) or a
 *       {@code jdbc:postgresql://host:port/db?user=..&password=..} URL. The {@code --sink} value may itself be such a
 *       URL; the word {@code postgres} means "use DATABASE_URL".</li>
 *   <li>{@code PG_SCHEMA} (the app maps {@code --pg-schema}): schema of all tables, default {@code stock_ingest}.</li>
 *   <li>{@code PG_MIGRATE}: run Flyway migrations when the sink starts, default {@code true}.</li>
 *   <li>{@code PG_BUFFER_ROWS}: bars buffered before a load on its own (flush always loads), default 200000;
 *       0 loads every batch as it arrives.</li>
 *   <li>{@code PG_FEATURES}: refresh price_features / price_cumulative_7d after a load, default {@code true}.</li>
 * </ul>
 * The password is registered with {@link Secrets} and never part of {@link #name()} or {@link #toString()}.
 */
public record PostgresConfig(String jdbcUrl, String user, String password, String schema, boolean migrate, int bufferRows, boolean features) {
    public static final String DEFAULT_SCHEMA = "stock_ingest";
    public static final int DEFAULT_BUFFER_ROWS = 200_000;
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public PostgresConfig {
        requireNonNull(jdbcUrl, "jdbcUrl is null");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IngestException(ErrorKind.CONFIG, "Not a PostgreSQL JDBC URL: " + Secrets.redact(jdbcUrl));
        }
        requireNonNull(schema, "schema is null");
        if (!IDENTIFIER.matcher(schema).matches()) {
            throw new IngestException(ErrorKind.CONFIG, "PG_SCHEMA '" + schema + "' is not a plain lower-case identifier ([a-z_][a-z0-9_]*)");
        }
        if (bufferRows < 0) {
            throw new IngestException(ErrorKind.CONFIG, "PG_BUFFER_ROWS must be >= 0, got " + bufferRows);
        }
        if (password != null) {
            Secrets.register(password);
        }
    }

    /** From the {@code --sink} value ({@code postgres}, a {@code postgresql://} or a {@code jdbc:postgresql:} URL) and the settings. */
    public static PostgresConfig from(String sinkUri, Settings settings) {
        String uri = sinkUri == null ? "postgres" : sinkUri.strip();
        String url = uri.equalsIgnoreCase("postgres") || uri.equalsIgnoreCase("postgresql")
                ? settings.get("DATABASE_URL").orElseThrow(() -> new IngestException(ErrorKind.CONFIG,
                        "DATABASE_URL is not set: set it to postgresql://host:5432/db with user:password@ before the host"
                                + " (or pass --sink postgresql://...)"))
                : uri;
        return fromUrl(url, settings);
    }

    public static PostgresConfig from(Settings settings) {
        return from("postgres", settings);
    }

    static PostgresConfig fromUrl(String url, Settings settings) {
        String schema = settings.get("PG_SCHEMA", DEFAULT_SCHEMA).toLowerCase(Locale.ROOT);
        boolean migrate = bool(settings, "PG_MIGRATE", true);
        boolean features = bool(settings, "PG_FEATURES", true);
        int buffer;
        try {
            buffer = Integer.parseInt(settings.get("PG_BUFFER_ROWS", Integer.toString(DEFAULT_BUFFER_ROWS)));
        } catch (NumberFormatException e) {
            throw new IngestException(ErrorKind.CONFIG, "PG_BUFFER_ROWS must be a whole number, got '" + settings.get("PG_BUFFER_ROWS", "") + "'");
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            return fromJdbc(url, schema, migrate, buffer, features);
        }
        if (lower.startsWith("postgresql://") || lower.startsWith("postgres://")) {
            return fromLibpq(url, schema, migrate, buffer, features);
        }
        throw new IngestException(ErrorKind.CONFIG, "Cannot read the database URL '" + Secrets.redact(url)
                + "': expected postgresql://user:password@host:port/db or jdbc:postgresql://host:port/db");
    }

    private static PostgresConfig fromLibpq(String url, String schema, boolean migrate, int buffer, boolean features) {
        URI parsed;
        try {
            parsed = new URI(url);
        } catch (URISyntaxException e) {
            throw new IngestException(ErrorKind.CONFIG, "Cannot read the database URL '" + Secrets.redact(url) + "': " + Secrets.redact(e.getReason()));
        }
        String user = null;
        String password = null;
        String info = parsed.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
            if (password != null) {
                Secrets.register(password);
            }
        }
        if (parsed.getHost() == null) {
            throw new IngestException(ErrorKind.CONFIG, "The database URL '" + Secrets.redact(url) + "' has no host");
        }
        String db = parsed.getRawPath() == null || parsed.getRawPath().length() <= 1 ? "postgres" : parsed.getRawPath().substring(1);
        String jdbc = "jdbc:postgresql://" + parsed.getHost() + (parsed.getPort() > 0 ? ":" + parsed.getPort() : "") + "/" + db
                + (parsed.getRawQuery() == null ? "" : "?" + parsed.getRawQuery());
        return new PostgresConfig(jdbc, user, password, schema, migrate, buffer, features);
    }

    private static PostgresConfig fromJdbc(String url, String schema, boolean migrate, int buffer, boolean features) {
        int q = url.indexOf('?');
        if (q < 0) {
            return new PostgresConfig(url, null, null, schema, migrate, buffer, features);
        }
        String user = null;
        String password = null;
        StringBuilder rest = new StringBuilder();
        for (String pair : url.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (key.equals("user")) {
                user = value;
            } else if (key.equals("password")) {
                password = value;
                Secrets.register(value);
            } else if (!pair.isEmpty()) {
                rest.append(rest.isEmpty() ? "?" : "&").append(pair);
            }
        }
        return new PostgresConfig(url.substring(0, q) + rest, user, password, schema, migrate, buffer, features);
    }

    private static boolean bool(Settings settings, String name, boolean defaultValue) {
        String v = settings.get(name, Boolean.toString(defaultValue)).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IngestException(ErrorKind.CONFIG, name + " must be true or false, got '" + v + "'");
        };
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** Connection properties: user, password, the schema as search path, an application name. */
    Properties connectionProperties() {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("currentSchema", schema);
        props.setProperty("ApplicationName", "stock-ingest");
        return props;
    }

    /** {@code postgres:jdbc:postgresql://host:5432/db (schema stock_ingest, user u)}: no password. */
    public String name() {
        return "postgres:" + Secrets.redact(jdbcUrl) + " (schema " + schema + (user == null ? "" : ", user " + user) + ")";
    }

    @Override
    public String toString() {
        return "PostgresConfig[" + name() + ", migrate=" + migrate + ", bufferRows=" + bufferRows + ", features=" + features + "]";
    }
}

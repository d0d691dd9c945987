package io.stockingest.sink.snowflake;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.Secrets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The Snowflake connection and load settings.
 *
 * @param account {@code SNOWFLAKE_ACCOUNT}: an account identifier ({@code myorg-myaccount}, {@code xy12345.eu-west-1})
 *     or the full host {@code ….snowflakecomputing.com}
 * @param password {@code SNOWFLAKE_PASSWORD}, or null with key-pair auth
 * @param privateKeyFile {@code SNOWFLAKE_PRIVATE_KEY_FILE} (PKCS#8 PEM), or null with password auth
 * @param privateKeyPassphrase {@code SNOWFLAKE_PRIVATE_KEY_PASSPHRASE} for an encrypted key, or null
 * @param role {@code SNOWFLAKE_ROLE}, or null for the user's default role
 * @param schema {@code SNOWFLAKE_SCHEMA}, default {@code STOCK_INGEST}
 * @param externalStage {@code SNOWFLAKE_STAGE}: an external stage over the S3 lake, or null to PUT files to the
 *     schema's internal stage
 * @param rowsPerFile {@code SNOWFLAKE_ROWS_PER_FILE}: rows per staged Parquet file, default 4,000,000 (daily bars
 *     compress to roughly 30–40 bytes a row with ZSTD, so about 120–160 MB, inside Snowflake's 100–250 MB sweet spot)
 */
public record SnowflakeConfig(
        String account,
        String user,
        String password,
        Path privateKeyFile,
        String privateKeyPassphrase,
        String role,
        String warehouse,
        String database,
        String schema,
        String externalStage,
        int rowsPerFile) {

    public static final String DEFAULT_SCHEMA = "STOCK_INGEST";
    public static final int DEFAULT_ROWS_PER_FILE = 4_000_000;
    private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final String HOST_SUFFIX = ".snowflakecomputing.com";

    public SnowflakeConfig {
        requireNonNull(account, "account is null");
        requireNonNull(user, "user is null");
        requireNonNull(warehouse, "warehouse is null");
        requireNonNull(database, "database is null");
        requireNonNull(schema, "schema is null");
        if (!ACCOUNT.matcher(account).matches()) {
            throw new IllegalArgumentException("SNOWFLAKE_ACCOUNT '" + account + "' must be an account identifier such as myorg-myaccount");
        }
        if ((password == null) == (privateKeyFile == null)) {
            throw new IllegalArgumentException("Set exactly one of SNOWFLAKE_PASSWORD and SNOWFLAKE_PRIVATE_KEY_FILE");
        }
        if (rowsPerFile < 1) {
            throw new IllegalArgumentException("SNOWFLAKE_ROWS_PER_FILE must be at least 1, got " + rowsPerFile);
        }
        Secrets.register(password);
        Secrets.register(privateKeyPassphrase);
        // checks the names now rather than at the first statement
        Sql.id(warehouse);
        Sql.id(database);
        Sql.id(schema);
        if (externalStage != null) {
            Sql.parts(externalStage);
        }
        if (role != null) {
            Sql.id(role);
        }
    }

    /**
     * Reads the {@code SNOWFLAKE_*} variables.
     *
     * @throws IngestException {@code CONFIG}, listing every missing or invalid variable at once
     */
    public static SnowflakeConfig from(Settings settings) {
        List<String> missing = new ArrayList<>();
        for (String name : List.of("SNOWFLAKE_ACCOUNT", "SNOWFLAKE_USER", "SNOWFLAKE_WAREHOUSE", "SNOWFLAKE_DATABASE")) {
            if (settings.get(name).isEmpty()) {
                missing.add(name);
            }
        }
        String password = settings.get("SNOWFLAKE_PASSWORD").orElse(null);
        String keyFile = settings.get("SNOWFLAKE_PRIVATE_KEY_FILE").orElse(null);
        if (password == null && keyFile == null) {
            missing.add("SNOWFLAKE_PASSWORD or SNOWFLAKE_PRIVATE_KEY_FILE");
        }
        if (!missing.isEmpty()) {
            throw new IngestException(ErrorKind.CONFIG, "The Snowflake sink needs " + String.join(", ", missing)
                    + " (not set): set them in the environment or .env; see docs/snowflake.md");
        }
        if (password != null && keyFile != null) {
            throw new IngestException(ErrorKind.CONFIG,
                    "Both SNOWFLAKE_PASSWORD and SNOWFLAKE_PRIVATE_KEY_FILE are set: keep the one you authenticate with");
        }
        String rows = settings.get("SNOWFLAKE_ROWS_PER_FILE", Integer.toString(DEFAULT_ROWS_PER_FILE));
        try {
            return new SnowflakeConfig(settings.get("SNOWFLAKE_ACCOUNT").orElseThrow(), settings.get("SNOWFLAKE_USER").orElseThrow(),
                    password, keyFile == null ? null : Path.of(keyFile), settings.get("SNOWFLAKE_PRIVATE_KEY_PASSPHRASE").orElse(null),
                    settings.get("SNOWFLAKE_ROLE").orElse(null), settings.get("SNOWFLAKE_WAREHOUSE").orElseThrow(),
                    settings.get("SNOWFLAKE_DATABASE").orElseThrow(), settings.get("SNOWFLAKE_SCHEMA", DEFAULT_SCHEMA),
                    settings.get("SNOWFLAKE_STAGE").orElse(null), parseRows(rows));
        } catch (IllegalArgumentException e) {
            throw new IngestException(ErrorKind.CONFIG, e.getMessage(), e);
        }
    }

    private static int parseRows(String text) {
        try {
            return Integer.parseInt(text.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SNOWFLAKE_ROWS_PER_FILE '" + text + "' is not a whole number", e);
        }
    }

    /** {@code jdbc:snowflake://<account>.snowflakecomputing.com/}. */
    public String jdbcUrl() {
        String host = account.toLowerCase(java.util.Locale.ROOT).endsWith(HOST_SUFFIX) ? account : account + HOST_SUFFIX;
        return "jdbc:snowflake://" + host + "/";
    }

    /**
     * The connection properties. Cloud platform detection is always disabled: with it the driver probes
     * 169.254.169.254 on connect. Results come back as JSON so the driver's Arrow reader (which needs
     * {@code --add-opens java.base/java.nio}) is not used for our small result sets.
     */
    public Properties connectionProperties() {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        } else {
            p.setProperty("authenticator", "SNOWFLAKE_JWT");
            p.setProperty("private_key_file", privateKeyFile.toString());
            if (privateKeyPassphrase != null) {
                p.setProperty("private_key_file_pwd", privateKeyPassphrase);
            }
        }
        if (role != null) {
            p.setProperty("role", role);
        }
        p.setProperty("warehouse", warehouse);
        p.setProperty("db", database);
        p.setProperty("schema", schema);
        p.setProperty("disablePlatformDetection", "true");
        p.setProperty("JDBC_QUERY_RESULT_FORMAT", "JSON");
        return p;
    }

    /** The properties with the password and passphrase masked, for dry runs and messages. */
    public Properties maskedConnectionProperties() {
        Properties p = connectionProperties();
        for (String secret : List.of("password", "private_key_file_pwd")) {
            if (p.containsKey(secret)) {
                p.setProperty(secret, Secrets.MASK);
            }
        }
        return p;
    }

    /** Where statements run: {@code "DB"."SCHEMA"}. */
    String qualifiedSchema() {
        return Sql.id(database) + "." + Sql.id(schema);
    }

    /** The settings with the password and passphrase masked. */
    @Override
    public String toString() {
        return "SnowflakeConfig[account=" + account + ", user=" + user + ", password=" + (password == null ? null : Secrets.MASK)
                + ", privateKeyFile=" + privateKeyFile + ", privateKeyPassphrase=" + (privateKeyPassphrase == null ? null : Secrets.MASK)
                + ", role=" + role + ", warehouse=" + warehouse + ", database=" + database + ", schema=" + schema
                + ", externalStage=" + externalStage + ", rowsPerFile=" + rowsPerFile + "]";
    }

    /** Secret-free description, e.g. {@code snowflake:myorg-acct/STOCK_INGEST_DB.STOCK_INGEST}. */
    public String describe() {
        return "snowflake:" + account + "/" + database + "." + schema;
    }
}

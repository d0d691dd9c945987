package io.stockingest.sink.snowflake;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.http.Secrets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link SqlExecutor} over the Snowflake JDBC driver. The connection is opened lazily, on the first statement, so
 * creating the sink (and any dry run) never touches the network. Before connecting it sets the system property
 * {@code net.snowflake.jdbc.disablePlatformDetection=true} and the connection carries
 * {@code disablePlatformDetection=true} (see {@link SnowflakeConfig#connectionProperties}): the driver would
 * otherwise probe cloud metadata at 169.254.169.254.
 *
 * <p>Not thread-safe.
 */
public final class JdbcSqlExecutor implements SqlExecutor {
    static final String DISABLE_PLATFORM_DETECTION = "net.snowflake.jdbc.disablePlatformDetection";
    private final SnowflakeConfig config;
    private Connection connection;

    public JdbcSqlExecutor(SnowflakeConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    private Connection connection() {
        if (connection == null) {
            System.setProperty(DISABLE_PLATFORM_DETECTION, "true");
            try {
                connection = DriverManager.getConnection(config.jdbcUrl(), config.connectionProperties());
                connection.setAutoCommit(true);
            } catch (SQLException e) {
                ErrorKind kind = e.getErrorCode() == 390100 || e.getErrorCode() == 390144
                        ? ErrorKind.AUTH : ErrorKind.SINK;
                throw new IngestException(kind, Secrets.redact("Cannot connect to Snowflake " + config.describe() + ": " + e.getMessage()), e);
            }
        }
        return connection;
    }

    @Override
    public void execute(String sql) {
        try (Statement statement = connection().createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw failed(sql, e);
        }
    }

    @Override
    public List<Map<String, Object>> query(String sql) {
        try (Statement statement = connection().createStatement()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            if (!statement.execute(sql)) {
                return rows;
            }
            try (ResultSet results = statement.getResultSet()) {
                ResultSetMetaData meta = results.getMetaData();
                while (results.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.put(meta.getColumnLabel(i).toUpperCase(Locale.ROOT), results.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw failed(sql, e);
        }
    }

    @Override
    public void begin() {
        execute("BEGIN");
    }

    @Override
    public void commit() {
        execute("COMMIT");
    }

    @Override
    public void rollback() {
        execute("ROLLBACK");
    }

    private IngestException failed(String sql, SQLException e) {
        String head = sql.length() > 200 ? sql.substring(0, 200) + "…" : sql;
        return new IngestException(ErrorKind.SINK, Secrets.redact("Snowflake statement failed (" + head.replaceAll("\\s+", " ") + "): "
                + e.getMessage() + " [SQL state " + e.getSQLState() + ", code " + e.getErrorCode() + "]"), e);
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                throw new IngestException(ErrorKind.SINK, "Cannot close the Snowflake connection: " + e.getMessage(), e);
            } finally {
                connection = null;
            }
        }
    }
}

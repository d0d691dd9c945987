package io.stockingest.sink.postgres;

import io.stockingest.core.config.Settings;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.testkit.SinkContract;
import io.stockingest.sink.postgres.testkit.PostgresTestServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The sink contract on PostgreSQL: the JVM's shared test server, a fresh schema per test, read back with SQL. */
class PostgresSinkContractTest extends SinkContract {
    @Override
    protected Target newTarget() {
        String schema = PostgresTestServer.freshSchema();
        PostgresConfig config = PostgresConfig.from(PostgresTestServer.jdbcUrl(), Settings.of(Map.of("PG_SCHEMA", schema)));
        return new Target() {
            @Override
            public Sink open() {
                return new PostgresSink(config);
            }

            @Override
            public List<StoredBar> dailyBars() {
                return query("SELECT symbol, date, open, high, low, close, volume FROM prices_daily", rs -> new StoredBar(rs.getString(1),
                        rs.getObject(2, java.time.LocalDate.class), rs.getDouble(3), rs.getDouble(4), rs.getDouble(5), rs.getDouble(6), rs.getLong(7)));
            }

            @Override
            public List<String> quarantinedRules() {
                return query("SELECT rule FROM quarantine", rs -> rs.getString(1));
            }

            @Override
            public List<String> runIds() {
                return query("SELECT run_id FROM ingest_runs", rs -> rs.getString(1));
            }

            private <T> List<T> query(String sql, Row<T> row) {
                try (Connection c = PostgresTestServer.connect(schema); Statement st = c.createStatement()) {
                    if (!exists(st)) {
                        return List.of(); // nothing flushed yet: the sink creates its schema on its first load
                    }
                    List<T> out = new ArrayList<>();
                    try (ResultSet rs = st.executeQuery(sql)) {
                        while (rs.next()) {
                            out.add(row.read(rs));
                        }
                    }
                    return out;
                } catch (SQLException e) {
                    throw new IllegalStateException("Cannot read " + schema + ": " + e.getMessage(), e);
                }
            }

            private boolean exists(Statement st) throws SQLException {
                try (ResultSet rs = st.executeQuery("SELECT to_regclass('" + schema + ".prices_daily') IS NOT NULL")) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            }
        };
    }

    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }
}

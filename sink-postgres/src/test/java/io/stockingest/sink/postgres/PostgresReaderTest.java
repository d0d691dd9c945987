package io.stockingest.sink.postgres;

import static io.stockingest.sink.postgres.PostgresSinkTest.freshSchema;
import static io.stockingest.sink.postgres.PostgresSinkTest.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.sink.postgres.testkit.PostgresTestServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@code serve}'s PostgreSQL connections against a real server: autocommit, yet every statement read-only. */
class PostgresReaderTest {
    @Test
    void everyStatementOfAReaderConnectionIsReadOnlyThoughInAutocommit() throws Exception {
        String schema = freshSchema();
        new PostgresAdmin(PostgresSinkTest.config(schema, Map.of())).migrate();
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        try (Connection c = PostgresReader.open(PostgresTestServer.jdbcUrl(), props, schema); Statement st = c.createStatement()) {
            assertThat(c.getAutoCommit()).isTrue();
            assertThatThrownBy(() -> st.execute("INSERT INTO prices_daily_months VALUES ('AAPL', '2024-01-01', 1, '2024-01-02', '2024-01-02')"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("read-only transaction");
            assertThatThrownBy(() -> st.execute("DELETE FROM prices_daily"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("read-only transaction");
            try (var rs = st.executeQuery("SHOW statement_timeout")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("30s");
            }
        }
        assertThat(scalar(schema, "SELECT count(*) FROM prices_daily_months")).isZero();
    }
}

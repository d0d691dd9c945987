package io.stockingest.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.rules.RowRule;
import io.stockingest.core.rules.RowRules;
import io.stockingest.core.rules.SqlDialect;
import io.stockingest.sink.postgres.testkit.PostgresTestServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Java form and the SQL form of every value rule agree on the same rows: each row is tested by
 * {@link RowRule#brokenBy} and by the rule's SQL condition on a real PostgreSQL, rendered both the way PostgreSQL's gate
 * spells columns and the way Snowflake's does (quoted upper case; PostgreSQL reads that too, and its NaN ordering is
 * Snowflake's).
 */
class RowRulesSqlTest {
    private static final double[] EDGES = {1, 2, 3, 0, -0.0, -1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-300, 2.5};
    private static final SqlDialect QUOTED_UPPER = new SqlDialect() {
        @Override
        public String column(String snakeCaseName) {
            return "\"" + snakeCaseName.toUpperCase(java.util.Locale.ROOT) + "\"";
        }

        @Override
        public String nan() {
            return "'NaN'::FLOAT";
        }
    };

    @Test
    void javaAndSqlFormsOfEveryBarRuleAgreeOnEdgeAndRandomRows() throws Exception {
        List<Bar> bars = rows();
        String schema = PostgresTestServer.createSchema();
        try (Connection c = PostgresTestServer.connect(schema)) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE bars (id int, open float8, high float8, low float8, close float8, volume bigint,"
                        + " \"OPEN\" float8, \"HIGH\" float8, \"LOW\" float8, \"CLOSE\" float8, \"VOLUME\" bigint)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO bars VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < bars.size(); i++) {
                    Bar b = bars.get(i);
                    ps.setInt(1, i);
                    for (int twice = 0; twice < 2; twice++) {
                        ps.setDouble(2 + 5 * twice, b.open());
                        ps.setDouble(3 + 5 * twice, b.high());
                        ps.setDouble(4 + 5 * twice, b.low());
                        ps.setDouble(5 + 5 * twice, b.close());
                        ps.setLong(6 + 5 * twice, b.volume());
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            int breaking = 0;
            for (SqlDialect dialect : List.of(PostgresGate.DIALECT, QUOTED_UPPER)) {
                StringBuilder sql = new StringBuilder("SELECT id");
                for (RowRule<Bar> rule : RowRules.BAR) {
                    sql.append(", (").append(rule.violationSql(dialect)).append(")");
                }
                sql.append(", (").append(RowRule.brokenSql(RowRules.BAR, dialect)).append(") IS NOT TRUE FROM bars ORDER BY id");
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql.toString())) {
                    int n = 0;
                    while (rs.next()) {
                        Bar bar = bars.get(rs.getInt(1));
                        boolean keptInJava = true;
                        for (int r = 0; r < RowRules.BAR.size(); r++) {
                            RowRule<Bar> rule = RowRules.BAR.get(r);
                            assertThat(rs.getBoolean(2 + r)).as("%s on %s (%s)", rule.name(), bar, rule.violationSql(dialect))
                                    .isEqualTo(rule.brokenBy(bar));
                            assertThat(rs.wasNull()).as("%s on %s is never NULL", rule.name(), bar).isFalse();
                            keptInJava &= !rule.brokenBy(bar);
                        }
                        assertThat(rs.getBoolean(2 + RowRules.BAR.size())).as("all rules kept by %s", bar).isEqualTo(keptInJava);
                        breaking += keptInJava ? 0 : 1;
                        n++;
                    }
                    assertThat(n).as("rows compared").isEqualTo(bars.size());
                }
            }
            assertThat(breaking).as("rows breaking some rule, per dialect").isBetween(bars.size(), 2 * bars.size() - 2);
        }
    }

    @Test
    void strikeAndKeyRulesAgreeWithTheirSqlOnPostgres() throws Exception {
        String schema = PostgresTestServer.createSchema();
        Map<Double, Boolean> strikes = new LinkedHashMap<>();
        for (double strike : EDGES) {
            strikes.put(strike, !(strike > 0));
        }
        try (Connection c = PostgresTestServer.connect(schema); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE options (contract text, underlying text, date date, strike float8)");
            st.execute("INSERT INTO options VALUES ('A', 'AAPL', '2024-01-02', 1), (NULL, 'AAPL', '2024-01-02', 1), ('B', 'AAPL', NULL, NULL)");
            try (ResultSet rs = st.executeQuery("SELECT contract, (" + RowRules.keyPresent(List.of("contract", "underlying", "date"))
                    .violationSql(PostgresGate.DIALECT) + "), (" + RowRules.STRIKE_POSITIVE.violationSql(PostgresGate.DIALECT) + ") FROM options ORDER BY 1")) {
                List<String> seen = new ArrayList<>();
                while (rs.next()) {
                    seen.add(rs.getString(1) + ":" + rs.getBoolean(2) + ":" + rs.getBoolean(3));
                }
                assertThat(seen).as("key_present and strike_positive (a NULL strike breaks it)").containsExactly("A:false:false", "B:true:true", "null:true:false");
            }
            for (var e : strikes.entrySet()) {
                try (ResultSet rs = st.executeQuery("SELECT " + RowRules.STRIKE_POSITIVE.violationSql(PostgresGate.DIALECT).replace("strike", "(" + sqlDouble(e.getKey()) + ")"))) {
                    rs.next();
                    assertThat(rs.getBoolean(1)).as("strike %s", e.getKey()).isEqualTo(e.getValue());
                }
            }
        }
    }

    private static String sqlDouble(double v) {
        return "'" + (Double.isNaN(v) ? "NaN" : Double.isInfinite(v) ? (v > 0 ? "Infinity" : "-Infinity") : Double.toString(v)) + "'::float8";
    }

    /** Every combination of edge prices for open/high/low/close with three volumes, plus random rows. */
    private static List<Bar> rows() {
        List<Bar> out = new ArrayList<>();
        double[] e = EDGES;
        long[] volumes = {0, 5, -1};
        int k = 0;
        for (double o : e) {
            for (double h : e) {
                for (double l : e) {
                    for (double c : e) {
                        out.add(bar(o, h, l, c, volumes[k++ % 3]));
                    }
                }
            }
        }
        Random random = new Random(18);
        for (int i = 0; i < 2_000; i++) {
            out.add(bar(random.nextInt(-2, 10), random.nextInt(-2, 12), random.nextInt(-2, 10), random.nextInt(-2, 10), random.nextLong(-3, 1_000)));
        }
        return out;
    }

    private static Bar bar(double o, double h, double l, double c, long v) {
        LocalDate d = LocalDate.of(2024, 1, 2);
        return new Bar(new Symbol("AAPL"), Interval.D1, d.atStartOfDay().toInstant(ZoneOffset.UTC), d, o, h, l, c, null, v, null, null, "test", Adjustment.NONE);
    }
}

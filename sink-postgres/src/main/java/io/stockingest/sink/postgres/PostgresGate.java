package io.stockingest.sink.postgres;

import io.stockingest.core.rules.RowRule;
import io.stockingest.core.rules.SqlDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The data-quality gate of a load, in SQL over the staged rows: the row rules of ingest-core ({@code RowRules})
 * rendered for PostgreSQL. One cheap pass looks for any breaching row; only when there is one does a second query
 * count the breaches of each rule and name the rows' labels (symbols, underlyings).
 */
final class PostgresGate {
    /** Lake column names are PostgreSQL's; PostgreSQL sorts NaN above every number, as the rules expect. */
    static final SqlDialect DIALECT = new SqlDialect() {
        @Override
        public String column(String snakeCaseName) {
            return snakeCaseName;
        }

        @Override
        public String nan() {
            return "'NaN'::float8";
        }
    };

    /** The rows breaking one clause of a rule (among the rows keeping the rules it presumes). */
    record Count(RowRule<?> rule, RowRule.Clause<?> clause, long rows) {}

    /** What the gate found: a count per clause of every rule (in the order given), and the labels of all breaking rows. */
    record Breaches(List<Count> counts, String labels) {
        /** Each count above zero as {@code each} words it, joined with commas. */
        String describe(Function<Count, String> each) {
            return counts.stream().filter(c -> c.rows() > 0).map(each).collect(Collectors.joining(", "));
        }
    }

    private PostgresGate() {}

    /**
     * A SQL condition true for a row that keeps every rule (the COPY's {@code WHERE}). It is written as
     * {@code (breaches) IS NOT TRUE}, not {@code NOT (breaches)}: PostgreSQL pushes a NOT down into negated comparison
     * operators whose functions COPY's {@code WHERE} never looks up ("cache lookup failed for function 0").
     */
    static String kept(List<? extends RowRule<?>> rules) {
        return "(" + RowRule.brokenSql(rules, DIALECT) + ") IS NOT TRUE";
    }

    /** The breaches of {@code rules} among the rows of {@code table}, or null when every row keeps them. */
    static Breaches check(Connection c, String table, List<? extends RowRule<?>> rules, String label) throws SQLException {
        if (rules.isEmpty()) {
            return null;
        }
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM " + table + " WHERE (" + RowRule.brokenSql(rules, DIALECT) + ") IS NOT FALSE)")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return null;
                }
            }
            List<Count> counted = new ArrayList<>();
            StringBuilder sql = new StringBuilder("SELECT ");
            for (RowRule<?> rule : rules) {
                String presumed = rule.presumes().isEmpty() ? "" : " AND (" + RowRule.brokenSql(rule.presumes(), DIALECT) + ") IS NOT TRUE";
                for (RowRule.Clause<?> clause : rule.clauses()) {
                    sql.append("count(*) FILTER (WHERE (").append(clause.condition().sql(DIALECT)).append(")").append(presumed).append("), ");
                    counted.add(new Count(rule, clause, 0));
                }
            }
            try (ResultSet rs = st.executeQuery(sql + "string_agg(DISTINCT coalesce(" + label + "::text, '(none)'), ', ')"
                    + " FILTER (WHERE (" + RowRule.brokenSql(rules, DIALECT) + ") IS NOT FALSE) FROM " + table)) {
                rs.next();
                List<Count> n = new ArrayList<>();
                for (int i = 0; i < counted.size(); i++) {
                    n.add(new Count(counted.get(i).rule(), counted.get(i).clause(), rs.getLong(i + 1)));
                }
                return new Breaches(n, rs.getString(counted.size() + 1));
            }
        }
    }
}

package io.stockingest.sink.postgres;

import io.stockingest.core.rules.RowRule;
import io.stockingest.core.rules.SqlDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
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

    /** What the gate found: per rule (in the order given) the rows breaking it, and the labels of all breaking rows. */
    record Breaches(List<Long> counts, String labels) {
        /** "n joined rule" for every broken rule, e.g. {@code 2 with a missing or non-positive price}. */
        String describe(List<? extends RowRule<?>> rules, BiFunction<Long, RowRule<?>, String> each) {
            List<String> broken = new ArrayList<>();
            for (int i = 0; i < rules.size(); i++) {
                if (counts.get(i) > 0) {
                    broken.add(each.apply(counts.get(i), rules.get(i)));
                }
            }
            return String.join(", ", broken);
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
            String counts = rules.stream().map(r -> "count(*) FILTER (WHERE " + r.violationSql(DIALECT) + "), ").collect(Collectors.joining());
            try (ResultSet rs = st.executeQuery("SELECT " + counts + "string_agg(DISTINCT coalesce(" + label + "::text, '(none)'), ', ')"
                    + " FILTER (WHERE (" + RowRule.brokenSql(rules, DIALECT) + ") IS NOT FALSE) FROM " + table)) {
                rs.next();
                List<Long> n = new ArrayList<>();
                for (int i = 0; i < rules.size(); i++) {
                    n.add(rs.getLong(i + 1));
                }
                return new Breaches(n, rs.getString(rules.size() + 1));
            }
        }
    }
}

package io.stockingest.core.rules;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One of PRODUCT.md's row rules, defined once: its name (as the quarantine, the metrics and the gates' messages name
 * it), what a breaking row shows ({@code describe}) and the {@link Condition} a breaking row meets. The validator
 * tests the condition in Java; the SQL gates render it for their database, so the two cannot drift apart.
 *
 * @param name the rule's snake_case name, e.g. {@code prices_positive}
 * @param summary what a breaking row has, for a gate's count ("2 with a missing or non-positive price")
 * @param violation the condition a breaking row meets
 * @param describe the detail of one breaking row in the quarantine, e.g. {@code volume -5}
 * @param <T> the record checked
 */
public record RowRule<T>(String name, String summary, Condition<T> violation, Function<T, String> describe) {
    public RowRule {
        requireNonNull(name, "name is null");
        requireNonNull(summary, "summary is null");
        requireNonNull(violation, "violation is null");
        requireNonNull(describe, "describe is null");
    }

    /** True when {@code row} breaks the rule. */
    public boolean brokenBy(T row) {
        return violation.test(row);
    }

    /** The SQL condition a breaking row meets, for {@code dialect}. */
    public String violationSql(SqlDialect dialect) {
        return violation.sql(dialect);
    }

    /** The first of {@code rules} that {@code row} breaks, or null if it keeps them all. */
    public static <T> RowRule<T> firstBroken(List<RowRule<T>> rules, T row) {
        for (RowRule<T> rule : rules) {
            if (rule.brokenBy(row)) {
                return rule;
            }
        }
        return null;
    }

    /**
     * A SQL condition true for a row that breaks any of {@code rules} (the OR of their conditions). Never NULL for a
     * row without NULLs; a caller that must treat NULL one way says so: {@code (broken) IS NOT TRUE} keeps a row,
     * {@code (broken) IS NOT FALSE} flags one.
     */
    public static String brokenSql(List<? extends RowRule<?>> rules, SqlDialect dialect) {
        return rules.stream().map(r -> "(" + r.violationSql(dialect) + ")").collect(Collectors.joining(" OR "));
    }
}

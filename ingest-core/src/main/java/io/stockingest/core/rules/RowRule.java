package io.stockingest.core.rules;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One of PRODUCT.md's row rules, defined once: its name (as the quarantine, the metrics and the gates' messages name
 * it), the {@link Clause}s a breaking row meets one of, the rules it presumes kept, and what a breaking row shows
 * ({@code describe}). The validator tests it in Java; the SQL gates render it for their database, so the two cannot
 * drift apart.
 *
 * @param name the rule's snake_case name, e.g. {@code prices_positive}
 * @param clauses the ways to break it; a row breaks the rule when it meets any
 * @param presumes rules that must hold for this one to mean anything ({@code ohlc_consistent} compares prices only
 *     once they are positive numbers): a gate that counts breaches counts this rule's only among rows keeping them,
 *     as the validator, which checks rules in order, reports a row under the first rule it breaks
 * @param describe the detail of one breaking row in the quarantine, e.g. {@code volume -5}
 * @param <T> the record checked
 */
public record RowRule<T>(String name, List<Clause<T>> clauses, List<RowRule<T>> presumes, Function<T, String> describe) {
    /** One way to break a rule: the condition a breaking row meets, and how a gate's count of such rows reads. */
    public record Clause<T>(String summary, Condition<T> condition) {
        public Clause {
            requireNonNull(summary, "summary is null");
            requireNonNull(condition, "condition is null");
        }
    }

    public RowRule {
        requireNonNull(name, "name is null");
        clauses = List.copyOf(clauses);
        presumes = List.copyOf(presumes);
        requireNonNull(describe, "describe is null");
        if (clauses.isEmpty()) {
            throw new IllegalArgumentException("rule " + name + " has no clause");
        }
    }

    /** A rule with one clause that presumes nothing. */
    public static <T> RowRule<T> of(String name, String summary, Condition<T> violation, Function<T, String> describe) {
        return new RowRule<>(name, List.of(new Clause<>(summary, violation)), List.of(), describe);
    }

    /** True when {@code row} breaks the rule. */
    public boolean brokenBy(T row) {
        for (Clause<T> clause : clauses) {
            if (clause.condition().test(row)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The SQL condition a breaking row meets, for {@code dialect}: the clauses joined with OR (a {@link Condition}
     * renders no AND, so no parentheses are needed).
     */
    public String violationSql(SqlDialect dialect) {
        return clauses.stream().map(c -> c.condition().sql(dialect)).collect(Collectors.joining(" OR "));
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

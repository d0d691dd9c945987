package io.stockingest.core.rules;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The condition a row meets when it breaks a {@link RowRule}: a small expression over named columns that is evaluated
 * in Java (on a record) and rendered to SQL (over the snake_case columns of a staged table), so the validator and the
 * SQL gates check the same thing.
 *
 * <p>Numbers follow SQL's order for doubles, which PostgreSQL and Snowflake share: NaN sorts above every number, so a
 * NaN is never positive yet is the greatest of a set ({@link Double#compare} orders doubles the same way). A missing
 * number is NaN in Java and NULL in SQL; every condition that looks at a number counts a NULL as a breach.
 *
 * @param <T> the record checked
 */
public sealed interface Condition<T> {
    /** True when {@code row} meets the condition (breaks the rule). */
    boolean test(T row);

    /** The same condition as a SQL boolean expression, true for a breaking row and never NULL for a row with no NULLs. */
    String sql(SqlDialect dialect);

    /** A numeric column: its snake_case name and how to read it from the record (NaN for a missing value). */
    record Column<T>(String name, ToDoubleFunction<T> value) {
        public Column {
            requireNonNull(name, "name is null");
            requireNonNull(value, "value is null");
        }
    }

    static <T> Column<T> column(String name, ToDoubleFunction<T> value) {
        return new Column<>(name, value);
    }

    /** Any of the columns is missing, zero, negative or NaN. */
    @SafeVarargs
    static <T> Condition<T> notPositive(Column<T>... columns) {
        return new NotPositive<>(List.of(columns));
    }

    /** {@code column < GREATEST(others)}. */
    @SafeVarargs
    static <T> Condition<T> belowGreatest(Column<T> column, Column<T>... others) {
        return new BelowGreatest<>(column, List.of(others));
    }

    /** {@code column > LEAST(others)}. */
    @SafeVarargs
    static <T> Condition<T> aboveLeast(Column<T> column, Column<T>... others) {
        return new AboveLeast<>(column, List.of(others));
    }

    /** The column is missing or below zero. */
    static <T> Condition<T> negative(Column<T> column) {
        return new Negative<>(column);
    }

    /**
     * Any of the key columns is NULL. Only the SQL gates can meet it: a record refuses a null key in its constructor,
     * so in Java no row does.
     */
    static <T> Condition<T> keyMissing(List<String> columns) {
        return new KeyMissing<>(List.copyOf(columns));
    }

    /** Either condition. */
    default Condition<T> or(Condition<T> other) {
        return new Or<>(this, other);
    }

    record NotPositive<T>(List<Column<T>> columns) implements Condition<T> {
        @Override
        public boolean test(T row) {
            for (Column<T> c : columns) {
                if (!(c.value().applyAsDouble(row) > 0)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String sql(SqlDialect d) {
            return columns.stream().map(c -> "NOT COALESCE(" + d.column(c.name()) + " > 0, FALSE) OR " + d.column(c.name()) + " = " + d.nan())
                    .collect(Collectors.joining(" OR "));
        }
    }

    record BelowGreatest<T>(Column<T> column, List<Column<T>> others) implements Condition<T> {
        @Override
        public boolean test(T row) {
            double greatest = Double.NEGATIVE_INFINITY;
            for (Column<T> c : others) {
                double v = c.value().applyAsDouble(row) + 0.0; // -0.0 becomes 0.0: SQL has one zero
                greatest = Double.compare(v, greatest) > 0 ? v : greatest;
            }
            return Double.compare(column.value().applyAsDouble(row) + 0.0, greatest) < 0;
        }

        @Override
        public String sql(SqlDialect d) {
            return d.column(column.name()) + " < GREATEST(" + names(d, others) + ")";
        }
    }

    record AboveLeast<T>(Column<T> column, List<Column<T>> others) implements Condition<T> {
        @Override
        public boolean test(T row) {
            double least = Double.NaN;
            for (Column<T> c : others) {
                double v = c.value().applyAsDouble(row) + 0.0;
                least = Double.compare(v, least) < 0 ? v : least;
            }
            return Double.compare(column.value().applyAsDouble(row) + 0.0, least) > 0;
        }

        @Override
        public String sql(SqlDialect d) {
            return d.column(column.name()) + " > LEAST(" + names(d, others) + ")";
        }
    }

    record Negative<T>(Column<T> column) implements Condition<T> {
        @Override
        public boolean test(T row) {
            double v = column.value().applyAsDouble(row);
            return Double.isNaN(v) || v < 0;
        }

        @Override
        public String sql(SqlDialect d) {
            return d.column(column.name()) + " IS NULL OR " + d.column(column.name()) + " < 0";
        }
    }

    record KeyMissing<T>(List<String> columns) implements Condition<T> {
        @Override
        public boolean test(T row) {
            return false;
        }

        @Override
        public String sql(SqlDialect d) {
            return columns.stream().map(c -> d.column(c) + " IS NULL").collect(Collectors.joining(" OR "));
        }
    }

    record Or<T>(Condition<T> left, Condition<T> right) implements Condition<T> {
        @Override
        public boolean test(T row) {
            return left.test(row) || right.test(row);
        }

        @Override
        public String sql(SqlDialect d) {
            return left.sql(d) + " OR " + right.sql(d);
        }
    }

    private static <T> String names(SqlDialect d, List<Column<T>> columns) {
        return columns.stream().map(c -> d.column(c.name())).collect(Collectors.joining(", "));
    }
}

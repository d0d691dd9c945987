package io.stockingest.core.rules;

/**
 * What a SQL database needs to render a {@link Condition}: how it spells a column of the lake's snake_case schema and
 * the NaN of its double type. Each SQL sink supplies its own; keywords and functions ({@code COALESCE},
 * {@code GREATEST}, {@code LEAST}) are standard SQL and the same everywhere.
 */
public interface SqlDialect {
    /** The column as an identifier in this database, e.g. {@code open} or {@code "OPEN"}. */
    String column(String snakeCaseName);

    /** A NaN literal of the double type, e.g. {@code 'NaN'::float8}. */
    String nan();
}

package io.stockingest.core.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One financial statement for one fiscal period.
 *
 * @param period {@code FY} or {@code Q1}..{@code Q4}
 * @param lineItems every numeric line item the provider sent, by the provider's field name, so that a field the
 *     provider adds later is kept; sorted by name
 */
public record FinancialStatement(
        Symbol symbol,
        StatementType type,
        String period,
        int fiscalYear,
        LocalDate periodEnd,
        LocalDate filingDate,
        Instant acceptedAt,
        String currency,
        Map<String, Double> lineItems,
        String source) {

    public FinancialStatement {
        requireNonNull(symbol, "symbol is null");
        requireNonNull(type, "type is null");
        requireNonNull(period, "period is null");
        requireNonNull(periodEnd, "periodEnd is null");
        requireNonNull(lineItems, "lineItems is null");
        requireNonNull(source, "source is null");
        lineItems = Collections.unmodifiableSortedMap(new TreeMap<>(lineItems));
    }
}

package io.stockingest.sink.postgres;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stockingest.core.model.FinancialStatement;
import io.stockingest.core.rules.RowRules;
import io.stockingest.core.spi.RunContext;
import java.util.List;
import java.util.Map;

/**
 * Statements into {@code fundamentals}: the header as typed columns, every line item in {@code line_items} (JSONB,
 * provider field name to number; a non-finite number is kept as the text {@code "NaN"} / {@code "Infinity"}, which
 * JSON cannot hold as a number). Key (symbol, statement_type, period, period_end); the gate checks the key is present
 * (PRODUCT.md has no other rule for statements). Thread-safe.
 */
final class FundamentalsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final StagedUpsert TABLE = new StagedUpsert("fundamentals",
            List.of("symbol", "statement_type", "period", "fiscal_year", "period_end", "filing_date", "accepted_at", "currency", "line_items", "source"),
            List.of("symbol", "statement_type", "period", "period_end"), "symbol",
            List.of(RowRules.keyPresent(List.of("symbol", "statement_type", "period", "period_end"))));

    private final PostgresAdmin admin;

    FundamentalsWriter(PostgresAdmin admin) {
        this.admin = requireNonNull(admin, "admin is null");
    }

    /** Stores the statements in one transaction; returns the rows inserted or updated. */
    long write(List<FinancialStatement> statements, RunContext context) {
        List<Object[]> rows = statements.stream().map(FundamentalsWriter::row).toList();
        return TABLE.load(admin, rows, context.ingestTs(), Describe.of(statements.size(), "statements", statements.stream().map(s -> s.symbol().value())));
    }

    static Object[] row(FinancialStatement s) {
        return new Object[] {s.symbol().value(), s.type().code(), s.period(), s.fiscalYear(), s.periodEnd(), s.filingDate(), s.acceptedAt(),
            s.currency(), lineItems(s.lineItems()), s.source()};
    }

    static String lineItems(Map<String, Double> items) {
        ObjectNode node = JSON.createObjectNode();
        items.forEach((name, value) -> {
            if (value == null) {
                node.putNull(name);
            } else if (Double.isFinite(value)) {
                node.put(name, value);
            } else {
                node.put(name, value.toString());
            }
        });
        return node.toString();
    }
}

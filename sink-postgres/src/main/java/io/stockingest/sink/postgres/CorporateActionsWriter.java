package io.stockingest.sink.postgres;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.model.CorporateAction;
import io.stockingest.core.rules.RowRules;
import io.stockingest.core.spi.RunContext;
import java.util.List;

/**
 * Splits and dividends into {@code corporate_actions}, with the lake's columns ({@code type} is {@code split} or
 * {@code dividend}). Key (symbol, type, ex_date); the gate checks the key is present (PRODUCT.md has no other rule
 * for actions). Thread-safe.
 */
final class CorporateActionsWriter {
    static final StagedUpsert TABLE = new StagedUpsert("corporate_actions",
            List.of("symbol", "type", "ex_date", "amount", "numerator", "denominator", "record_date", "pay_date", "declaration_date", "currency", "source"),
            List.of("symbol", "type", "ex_date"), "symbol",
            List.of(RowRules.keyPresent(List.of("symbol", "type", "ex_date"))));

    private final PostgresAdmin admin;

    CorporateActionsWriter(PostgresAdmin admin) {
        this.admin = requireNonNull(admin, "admin is null");
    }

    /** Stores the actions in one transaction; returns the rows inserted or updated. */
    long write(List<CorporateAction> actions, RunContext context) {
        List<Object[]> rows = actions.stream().map(CorporateActionsWriter::row).toList();
        return TABLE.load(admin, rows, context.ingestTs(), Describe.of(actions.size(), "corporate actions", actions.stream().map(a -> a.symbol().value())));
    }

    static Object[] row(CorporateAction a) {
        return new Object[] {a.symbol().value(), a.type().code(), a.exDate(), a.amount(), a.numerator(), a.denominator(), a.recordDate(), a.payDate(),
            a.declarationDate(), a.currency(), a.source()};
    }
}

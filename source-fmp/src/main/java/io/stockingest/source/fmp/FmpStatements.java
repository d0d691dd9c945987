package io.stockingest.source.fmp;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.model.FinancialStatement;
import io.stockingest.core.model.StatementType;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.Source;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Financial Modeling Prep's income, balance-sheet and cash-flow statements.
 *
 * {@code /stable/income-statement}, {@code /stable/balance-sheet-statement}, {@code /stable/cash-flow-statement}
 * with {@code period=annual|quarter} and {@code limit}. The header ({@code date}, {@code symbol},
 * {@code reportedCurrency}, {@code cik}, {@code filingDate}, {@code acceptedDate}, {@code fiscalYear},
 * {@code period}) fills the model; every other numeric field is kept under FMP's own name, so the three statements
 * share one mapping and a field FMP adds later is not lost. {@code acceptedDate} is SEC EDGAR's acceptance time,
 * New York wall time.
 *
 *
 * <p>Thread-safe.
 */
final class FmpStatements {
    private static final Set<String> STATEMENT_HEADER = Set.of("date", "symbol", "reportedCurrency", "cik", "filingDate", "acceptedDate",
            "fiscalYear", "period", "calendarYear", "link", "finalLink");
    private final FmpClient client;

    FmpStatements(FmpClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    List<FinancialStatement> fetch(Symbol symbol, StatementType type, Source.Period period, int limit) {
        if (limit < 1) {
            throw new IngestException(ErrorKind.USAGE, "--limit must be at least 1, not " + limit);
        }
        String path = switch (type) {
            case INCOME -> "/stable/income-statement";
            case BALANCE -> "/stable/balance-sheet-statement";
            case CASHFLOW -> "/stable/cash-flow-statement";
        };
        String what = "Cannot fetch the " + type.code() + " statements of " + symbol + " from fmp";
        Map<String, String> query = new LinkedHashMap<>();
        query.put("symbol", symbol.fmp());
        query.put("period", period == Source.Period.ANNUAL ? "annual" : "quarter");
        query.put("limit", String.valueOf(limit));
        List<FinancialStatement> statements = new ArrayList<>();
        for (JsonNode row : FmpRows.array(client.get(path, query, what), what)) {
            Map<String, Double> items = new LinkedHashMap<>();
            row.properties().forEach(field -> {
                if (!STATEMENT_HEADER.contains(field.getKey()) && field.getValue().isNumber()) {
                    items.put(field.getKey(), field.getValue().asDouble());
                }
            });
            String fiscalPeriod = FmpRows.text(row, "period");
            if (fiscalPeriod == null) {
                throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": a statement has no 'period'");
            }
            statements.add(new FinancialStatement(symbol, type, fiscalPeriod, fiscalYear(row, what), FmpRows.date(row, "date", what),
                    FmpRows.optionalDate(row, "filingDate", what), acceptedAt(row, what), FmpRows.text(row, "reportedCurrency"), items, FmpClient.PROVIDER));
        }
        return List.copyOf(statements);
    }

    private static Instant acceptedAt(JsonNode row, String what) {
        String text = FmpRows.text(row, "acceptedDate");
        if (text == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(text, FmpRows.WALL_TIME).atZone(NyseCalendar.NEW_YORK).toInstant();
        } catch (DateTimeParseException e) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": unreadable acceptedDate '" + text + "'");
        }
    }

    private static int fiscalYear(JsonNode row, String what) {
        String text = FmpRows.text(row, "fiscalYear");
        if (text == null) {
            text = FmpRows.text(row, "calendarYear");
        }
        try {
            return text != null ? Integer.parseInt(text) : FmpRows.date(row, "date", what).getYear();
        } catch (NumberFormatException e) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": unreadable fiscalYear '" + text + "'");
        }
    }
}

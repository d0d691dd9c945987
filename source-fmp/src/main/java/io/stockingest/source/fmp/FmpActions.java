package io.stockingest.source.fmp;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.stockingest.core.model.CorporateAction;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Symbol;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Financial Modeling Prep's dividends and splits.
 *
 * No recorded response was available; the row shapes are those of open-source clients that read these endpoints:
 * {@code /stable/dividends?symbol=} rows hold {@code symbol, date} (the ex-date), {@code recordDate},
 * {@code paymentDate}, {@code declarationDate}, {@code adjDividend}, {@code dividend}, {@code yield},
 * {@code frequency} and sometimes {@code currency} (sorndotdev/fmp4j {@code FmpDividend}, a pydantic
 * {@code FMPDividend} model); {@code /stable/splits?symbol=} rows hold {@code symbol, date, numerator, denominator}
 * and, in some versions, {@code label} (fmp4j {@code FmpSplit}, OpenBB's historical-splits model). Dates that are
 * missing or blank are read as null (fmp4j deserialises blank strings as null). The amount is {@code dividend},
 * the declared cash per share, not {@code adjDividend}, which is adjusted for later splits (a Rust client's tests
 * check the same choice). Both lists are filtered to the requested range by ex-date.
 *
 *
 * <p>Thread-safe.
 */
final class FmpActions {
    private final FmpClient client;

    FmpActions(FmpClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    List<CorporateAction> fetch(Symbol symbol, DateRange range) {
        String what = "Cannot fetch the dividends and splits of " + symbol + " " + range + " from fmp";
        Map<String, String> query = Map.of("symbol", symbol.fmp());
        List<CorporateAction> actions = new ArrayList<>();
        for (JsonNode row : FmpRows.array(client.get("/stable/dividends", query, what), what)) {
            Double amount = row.path("dividend").isNumber() ? Double.valueOf(row.get("dividend").asDouble())
                    : row.path("adjDividend").isNumber() ? Double.valueOf(row.get("adjDividend").asDouble()) : null;
            actions.add(new CorporateAction(symbol, CorporateAction.Type.DIVIDEND, FmpRows.date(row, "date", what), amount, null, null,
                    FmpRows.optionalDate(row, "recordDate", what), FmpRows.optionalDate(row, "paymentDate", what), FmpRows.optionalDate(row, "declarationDate", what),
                    FmpRows.text(row, "currency"), FmpClient.PROVIDER));
        }
        for (JsonNode row : FmpRows.array(client.get("/stable/splits", query, what), what)) {
            actions.add(new CorporateAction(symbol, CorporateAction.Type.SPLIT, FmpRows.date(row, "date", what), null, FmpRows.number(row, "numerator"),
                    FmpRows.number(row, "denominator"), null, null, null, null, FmpClient.PROVIDER));
        }
        return actions.stream()
                .filter(action -> range.contains(action.exDate()))
                .sorted(Comparator.comparing(CorporateAction::exDate).thenComparing(CorporateAction::type))
                .toList();
    }
}

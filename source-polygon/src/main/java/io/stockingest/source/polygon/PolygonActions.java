package io.stockingest.source.polygon;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.stockingest.core.model.CorporateAction;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Symbol;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Polygon.io's splits and dividends.
 *
 * <p>Thread-safe.
 */
final class PolygonActions {
    private final PolygonClient client;

    PolygonActions(PolygonClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /**
     * Splits from {@code /v3/reference/splits?ticker=&execution_date.gte=&execution_date.lte=&limit=1000} (fields
     * {@code execution_date}, {@code split_from}, {@code split_to}, {@code ticker}: polygon-io/client-go
     * {@code rest/models/splits.go}, client-python {@code polygon/rest/models/splits.py}; a 4:1 split is
     * {@code split_from=1, split_to=4}, so numerator = {@code split_to}) and dividends from
     * {@code /v3/reference/dividends?ticker=&ex_dividend_date.gte=&ex_dividend_date.lte=&limit=1000} (fields
     * {@code cash_amount}, {@code currency}, {@code declaration_date}, {@code ex_dividend_date}, {@code pay_date},
     * {@code record_date}, {@code ticker}: client-python {@code test_rest/mocks/v3/reference/dividends.json} @ 3876c3e
     * and the {@code .massive/rest.json} spec), all pages, sorted by ex-date. Splits come first, then dividends.
     *
     * @param range ex-dates to include, or null for the whole history
     */
    List<CorporateAction> fetch(Symbol symbol, DateRange range) {
        requireNonNull(symbol, "symbol is null");
        String what = symbol + (range == null ? "" : " " + range);
        List<CorporateAction> actions = new ArrayList<>();
        String splits = "/v3/reference/splits?ticker=" + PolygonRows.query(symbol.polygon()) + bounds("execution_date", range) + "&limit=" + PolygonRows.REFERENCE_LIMIT;
        for (JsonNode row : client.getAll(splits, what + " splits")) {
            LocalDate exDate = PolygonRows.date(row, "execution_date");
            if (exDate != null && (range == null || range.contains(exDate))) {
                actions.add(new CorporateAction(symbol, CorporateAction.Type.SPLIT, exDate, null,
                        PolygonRows.number(row, "split_to"), PolygonRows.number(row, "split_from"), null, null, null, null, PolygonClient.PROVIDER));
            }
        }
        String dividends = "/v3/reference/dividends?ticker=" + PolygonRows.query(symbol.polygon()) + bounds("ex_dividend_date", range) + "&limit=" + PolygonRows.REFERENCE_LIMIT;
        for (JsonNode row : client.getAll(dividends, what + " dividends")) {
            LocalDate exDate = PolygonRows.date(row, "ex_dividend_date");
            if (exDate != null && (range == null || range.contains(exDate))) {
                actions.add(new CorporateAction(symbol, CorporateAction.Type.DIVIDEND, exDate, PolygonRows.number(row, "cash_amount"),
                        null, null, PolygonRows.date(row, "record_date"), PolygonRows.date(row, "pay_date"), PolygonRows.date(row, "declaration_date"),
                        PolygonRows.text(row, "currency"), PolygonClient.PROVIDER));
            }
        }
        actions.sort(Comparator.comparing(CorporateAction::type).thenComparing(CorporateAction::exDate));
        return List.copyOf(actions);
    }

    private static String bounds(String field, DateRange range) {
        return range == null ? "" : "&" + field + ".gte=" + range.from() + "&" + field + ".lte=" + range.to();
    }
}

package io.stockingest.source.fmp;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.model.EpochTimes;
import io.stockingest.core.model.Quote;
import io.stockingest.core.model.Symbol;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Live quotes from {@code GET /stable/quote?symbol=X}, one call per symbol: that is the endpoint and the shape we
 * have a recording of (OpenBB's FMP cassette; OpenBB also sends one call per symbol), while the many-symbol
 * {@code /stable/batch-quote} is premium-only and unrecorded. Each call counts against the daily budget of
 * {@code FMP_PLAN}. Per row: {@code price}, {@code timestamp} (Unix seconds) as the time, {@code volume},
 * {@code open}/{@code dayHigh}/{@code dayLow}, {@code previousClose}; FMP sends no bid, ask or market state.
 *
 * <p>Refusals: a symbol FMP does not know (404, or an empty array) or does not serve on this plan (402/403
 * "Premium ...") is left out; when the plan refuses every requested symbol the call fails {@code NOT_ENTITLED}
 * with FMP's words (so {@code watch} stops with exit 2 instead of polling a paywall). Any other failure (rejected
 * key, throttling, an unreadable body) fails the whole fetch at once.
 */
final class FmpQuotes {
    static final String PATH = "/stable/quote";
    private final FmpClient client;

    FmpQuotes(FmpClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    List<Quote> fetch(List<Symbol> symbols) {
        List<Symbol> distinct = symbols.stream().distinct().toList();
        List<Quote> quotes = new ArrayList<>();
        IngestException firstRefusal = null;
        int refused = 0;
        for (Symbol symbol : distinct) {
            String what = "Cannot fetch the quote of " + symbol + " from fmp";
            try {
                JsonNode body = client.get(PATH, Map.of("symbol", FmpClient.SPELLING.spell(symbol)), what);
                if (!body.isArray() && !(body.isObject() && body.isEmpty())) {
                    throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": expected a JSON array from FMP, got " + body.getNodeType());
                }
                for (JsonNode row : body) {
                    if (FmpClient.SPELLING.spell(symbol).equals(row.path("symbol").asText(""))) {
                        quote(symbol, row).ifPresent(quotes::add);
                    }
                }
            } catch (IngestException e) {
                if (e.kind() == ErrorKind.NOT_ENTITLED) {
                    refused++;
                    firstRefusal = firstRefusal == null ? e : firstRefusal;
                } else if (e.kind() != ErrorKind.NOT_FOUND) {
                    throw e;
                }
            }
        }
        if (firstRefusal != null && refused == distinct.size()) {
            throw new IngestException(ErrorKind.NOT_ENTITLED, "Cannot fetch the quotes of " + String.join(",", distinct.stream().map(Symbol::value).toList())
                    + " from fmp: the plan (" + FmpConfig.PLAN + "=" + client.config().plan().code() + ") refused every symbol; first answer: "
                    + firstRefusal.getMessage(), firstRefusal);
        }
        return List.copyOf(quotes);
    }

    static java.util.Optional<Quote> quote(Symbol symbol, JsonNode row) {
        JsonNode price = row.path("price");
        JsonNode timestamp = row.path("timestamp");
        java.util.Optional<Instant> time = timestamp.canConvertToLong() && timestamp.asLong() > 0 ? EpochTimes.seconds(timestamp.asLong())
                : java.util.Optional.empty();
        if (!price.isNumber() || time.isEmpty()) {
            return java.util.Optional.empty();
        }
        JsonNode volume = row.path("volume");
        return java.util.Optional.of(new Quote(symbol, time.get(), price.asDouble(), null, null,
                volume.isNumber() ? Long.valueOf(Math.round(volume.asDouble())) : null, number(row, "open"), number(row, "dayHigh"),
                number(row, "dayLow"), number(row, "previousClose"), null, FmpClient.PROVIDER));
    }

    private static Double number(JsonNode row, String field) {
        return row.path(field).isNumber() ? row.path(field).asDouble() : null;
    }
}

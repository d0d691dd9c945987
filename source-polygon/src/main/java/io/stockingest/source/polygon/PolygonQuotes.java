package io.stockingest.source.polygon;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.stockingest.core.model.Quote;
import io.stockingest.core.model.Symbol;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Live quotes from the stocks snapshot {@code GET /v2/snapshot/locale/us/markets/stocks/tickers?tickers=A,B,C}
 * (many tickers per request; the body lists them under {@code tickers}, each as in the single-ticker snapshot).
 * Per ticker:
 * <ul>
 *   <li>{@code price}: {@code lastTrade.p}, else the last minute's close {@code min.c}, else {@code day.c} (the
 *       first that is positive; a ticker with none is left out);</li>
 *   <li>{@code time}: {@code updated}, else {@code lastTrade.t} (nanoseconds; a value in ms, µs or s is read as
 *       such, by its magnitude), truncated to microseconds: the precision of the lake's Parquet timestamps and of
 *       PostgreSQL, so that a quote read back from either has the same key as when it was polled;</li>
 *   <li>{@code bid}/{@code ask}: {@code lastQuote.p}/{@code lastQuote.P} (lower case is the bid, upper case the
 *       ask; only on plans that include quotes);</li>
 *   <li>{@code volume}, {@code dayOpen}/{@code dayHigh}/{@code dayLow}: {@code day.v/o/h/l}; {@code previousClose}:
 *       {@code prevDay.c}. Polygon zeroes {@code day} when it resets the snapshot before the pre-market: zero
 *       prices are null.</li>
 * </ul>
 * The snapshot carries no market state ({@code marketState} is null). A request holds at most
 * {@value #MAX_TICKERS} tickers and {@value #MAX_TICKERS_CHARS} characters of ticker list, so that the URL stays far
 * below the 8 KB proxies and servers commonly accept. Errors map as for every Polygon call ({@link PolygonClient}):
 * a plan without snapshots answers 403 {@code NOT_AUTHORIZED}, which is {@code NOT_ENTITLED} for the whole request.
 */
final class PolygonQuotes {
    static final int MAX_TICKERS = 250;
    static final int MAX_TICKERS_CHARS = 4000;
    static final String PATH = "/v2/snapshot/locale/us/markets/stocks/tickers";

    private final PolygonClient client;

    PolygonQuotes(PolygonClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    List<Quote> fetch(List<Symbol> symbols) {
        List<Quote> quotes = new ArrayList<>();
        for (List<Symbol> batch : batches(symbols)) {
            quotes.addAll(fetchBatch(batch));
        }
        return List.copyOf(quotes);
    }

    /** The symbols (distinct, in order) cut into requests of at most {@value #MAX_TICKERS} tickers and {@value #MAX_TICKERS_CHARS} characters. */
    static List<List<Symbol>> batches(List<Symbol> symbols) {
        List<List<Symbol>> out = new ArrayList<>();
        List<Symbol> current = new ArrayList<>();
        int chars = 0;
        for (Symbol symbol : symbols.stream().distinct().toList()) {
            int length = encode(symbol).length() + 1;
            if (!current.isEmpty() && (current.size() == MAX_TICKERS || chars + length > MAX_TICKERS_CHARS)) {
                out.add(List.copyOf(current));
                current.clear();
                chars = 0;
            }
            current.add(symbol);
            chars += length;
        }
        if (!current.isEmpty()) {
            out.add(List.copyOf(current));
        }
        return out;
    }

    private List<Quote> fetchBatch(List<Symbol> batch) {
        Map<String, Symbol> bySpelling = new LinkedHashMap<>();
        batch.forEach(symbol -> bySpelling.put(PolygonClient.SPELLING.spell(symbol), symbol));
        String tickers = String.join(",", batch.stream().map(PolygonQuotes::encode).toList());
        String what = "quotes of " + String.join(",", bySpelling.keySet());
        JsonNode body = client.getBody(PATH + "?tickers=" + tickers, what);
        List<Quote> quotes = new ArrayList<>();
        for (JsonNode row : body.path("tickers")) {
            Symbol symbol = bySpelling.get(row.path("ticker").asText(""));
            if (symbol != null) {
                quote(symbol, row).ifPresent(quotes::add);
            }
        }
        return quotes;
    }

    static java.util.Optional<Quote> quote(Symbol symbol, JsonNode row) {
        Double price = firstPositive(row.path("lastTrade").path("p"), row.path("min").path("c"), row.path("day").path("c"));
        Instant time = instant(row.path("updated"));
        if (time == null) {
            time = instant(row.path("lastTrade").path("t"));
        }
        if (price == null || time == null) {
            return java.util.Optional.empty();
        }
        time = time.truncatedTo(ChronoUnit.MICROS);
        JsonNode day = row.path("day");
        JsonNode volume = day.path("v");
        return java.util.Optional.of(new Quote(symbol, time, price, positive(row.path("lastQuote").path("p")), positive(row.path("lastQuote").path("P")),
                volume.isNumber() ? Long.valueOf(Math.round(volume.asDouble())) : null, positive(day.path("o")), positive(day.path("h")),
                positive(day.path("l")), positive(row.path("prevDay").path("c")), null, PolygonSource.NAME));
    }

    /** Polygon's snapshot times are nanoseconds; older documents show milliseconds. Read by magnitude. */
    static Instant instant(JsonNode node) {
        if (!node.isNumber() || node.asLong() <= 0) {
            return null;
        }
        long value = node.asLong();
        if (value >= 100_000_000_000_000_000L) {
            return Instant.ofEpochSecond(value / 1_000_000_000L, value % 1_000_000_000L);
        }
        if (value >= 100_000_000_000_000L) {
            return Instant.ofEpochSecond(value / 1_000_000L, value % 1_000_000L * 1_000L);
        }
        if (value >= 100_000_000_000L) {
            return Instant.ofEpochMilli(value);
        }
        return Instant.ofEpochSecond(value);
    }

    private static Double firstPositive(JsonNode... nodes) {
        for (JsonNode node : nodes) {
            Double value = positive(node);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static Double positive(JsonNode node) {
        return node.isNumber() && node.asDouble() > 0 ? node.asDouble() : null;
    }

    private static String encode(Symbol symbol) {
        return URLEncoder.encode(PolygonClient.SPELLING.spell(symbol), StandardCharsets.UTF_8);
    }
}

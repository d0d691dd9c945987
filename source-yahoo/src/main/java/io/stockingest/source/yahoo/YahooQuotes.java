package io.stockingest.source.yahoo;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.http.HttpCall;
import io.stockingest.core.http.HttpResult;
import io.stockingest.core.http.HttpTransport;
import io.stockingest.core.http.ProviderEndpoint;
import io.stockingest.core.model.EpochTimes;
import io.stockingest.core.model.Quote;
import io.stockingest.core.model.Symbol;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Live quotes from {@code /v7/finance/quote}, which needs a cookie and a crumb (providers.md §3.4, the "basic"
 * strategy): a GET of the cookie host ({@code fc.yahoo.com}; its status does not matter) for the cookies, then
 * {@code /v1/test/getcrumb} with them for the crumb, then the quote call with both. The session is cached and
 * renewed once when Yahoo answers 401 (e.g. "Invalid Crumb"). Many symbols go in one request (up to 50).
 *
 * <p>Thread-safe: concurrent callers may both renew a stale session; the last one wins, which is harmless.
 */
final class YahooQuotes {
    static final int SYMBOLS_PER_REQUEST = 50;
    private final ProviderEndpoint endpoint;
    private final URI cookieUrl;
    private final HttpTransport transport;
    private final AtomicReference<Session> session = new AtomicReference<>();

    /** A cookie header value and its crumb. */
    record Session(String cookie, String crumb) {}

    YahooQuotes(ProviderEndpoint endpoint, URI cookieUrl, HttpTransport transport) {
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.cookieUrl = requireNonNull(cookieUrl, "cookieUrl is null");
        this.transport = requireNonNull(transport, "transport is null");
    }

    List<Quote> fetch(List<Symbol> symbols) {
        List<Quote> quotes = new ArrayList<>();
        for (int i = 0; i < symbols.size(); i += SYMBOLS_PER_REQUEST) {
            quotes.addAll(fetchChunk(symbols.subList(i, Math.min(symbols.size(), i + SYMBOLS_PER_REQUEST))));
        }
        return quotes;
    }

    private List<Quote> fetchChunk(List<Symbol> symbols) {
        String what = "Cannot fetch quotes for " + symbols.stream().map(Symbol::value).collect(Collectors.joining(",")) + " from yahoo";
        Map<String, Symbol> bySpelling = new LinkedHashMap<>();
        symbols.forEach(symbol -> bySpelling.put(YahooSource.SPELLING.spell(symbol), symbol));
        HttpResult result = quoteCall(bySpelling.keySet(), session(what, false));
        if (result.status() == 401) {
            result = quoteCall(bySpelling.keySet(), session(what, true));
        }
        if (result.status() == 429) {
            throw new IngestException(ErrorKind.THROTTLED, what + ": throttled by Yahoo (HTTP 429 '" + result.bodySnippet() + "')");
        }
        JsonNode root = YahooChartParser.readTree(result.body(), what);
        JsonNode error = root.path("quoteResponse").path("error");
        if (!result.isSuccess() || (!error.isMissingNode() && !error.isNull())) {
            JsonNode financeError = root.path("finance").path("error");
            JsonNode described = error.isMissingNode() || error.isNull() ? financeError : error;
            throw new IngestException(result.status() >= 500 ? ErrorKind.TRANSIENT : ErrorKind.BAD_RESPONSE, what + ": Yahoo answered HTTP "
                    + result.status() + " (" + described.path("code").asText("") + ": " + described.path("description").asText(result.bodySnippet()) + ")");
        }
        List<Quote> quotes = new ArrayList<>();
        for (JsonNode row : root.path("quoteResponse").path("result")) {
            Symbol symbol = bySpelling.get(row.path("symbol").asText(""));
            Optional<Instant> time = row.path("regularMarketTime").canConvertToLong() ? EpochTimes.seconds(row.path("regularMarketTime").asLong())
                    : Optional.empty();
            if (symbol == null || !row.path("regularMarketPrice").isNumber() || time.isEmpty()) {
                continue; // no price or no usable time: no quote for this symbol in this poll
            }
            quotes.add(new Quote(symbol, time.get(), row.path("regularMarketPrice").asDouble(),
                    number(row, "bid"), number(row, "ask"), row.path("regularMarketVolume").isNumber() ? row.path("regularMarketVolume").asLong() : null,
                    number(row, "regularMarketOpen"), number(row, "regularMarketDayHigh"), number(row, "regularMarketDayLow"),
                    number(row, "regularMarketPreviousClose"), row.path("marketState").asText(null), "yahoo"));
        }
        return quotes;
    }

    private HttpResult quoteCall(Iterable<String> spellings, Session current) {
        String path = "/v7/finance/quote?symbols=" + URLEncoder.encode(String.join(",", spellings), StandardCharsets.UTF_8)
                + "&crumb=" + URLEncoder.encode(current.crumb(), StandardCharsets.UTF_8);
        return transport.execute(HttpCall.get(endpoint.resolve(path)).withHeader("Cookie", current.cookie()));
    }

    private Session session(String what, boolean renew) {
        Session current = session.get();
        if (current != null && !renew) {
            return current;
        }
        HttpResult cookieAnswer = transport.execute(HttpCall.get(cookieUrl));
        String cookie = cookieAnswer.headers().getOrDefault("Set-Cookie", List.of()).stream()
                .map(header -> header.split(";", 2)[0].strip())
                .filter(pair -> pair.contains("="))
                .collect(Collectors.joining("; "));
        HttpResult crumbAnswer = transport.execute(HttpCall.get(endpoint.resolve("/v1/test/getcrumb")).withHeader("Cookie", cookie));
        String crumb = crumbAnswer.bodyText().strip();
        if (crumbAnswer.status() == 429 || crumb.contains("Too Many Requests")) {
            throw new IngestException(ErrorKind.THROTTLED, what + ": throttled by Yahoo while getting a crumb ('" + crumbAnswer.bodySnippet() + "')");
        }
        if (!crumbAnswer.isSuccess() || crumb.isEmpty() || crumb.length() > 64 || crumb.contains("<") || crumb.contains("{")) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": Yahoo gave no crumb (HTTP " + crumbAnswer.status() + " '"
                    + crumbAnswer.bodySnippet() + "')");
        }
        io.stockingest.core.http.Secrets.register(crumb);
        Session fresh = new Session(cookie, crumb);
        session.set(fresh);
        return fresh;
    }

    private static Double number(JsonNode row, String field) {
        return row.path(field).isNumber() ? row.path(field).asDouble() : null;
    }
}

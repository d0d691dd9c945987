package io.stockingest.source.yahoo;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.Calendars;
import io.stockingest.core.http.HttpCall;
import io.stockingest.core.http.HttpResult;
import io.stockingest.core.http.HttpTransport;
import io.stockingest.core.http.ProviderEndpoint;
import io.stockingest.core.http.Ticker;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.Dataset;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.model.SymbolSpelling;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.Source;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Yahoo Finance through the unofficial {@code /v8/finance/chart} endpoint: no key, one symbol per call.
 *
 * <p>Each request asks for the range with a day of margin on both sides (Yahoo's {@code period1}/{@code period2} are
 * UTC seconds, bars are stamped at the exchange's session open) and keeps the bars whose exchange-local date lies in
 * the range. A daily bar dated after the last completed NYSE session is Yahoo's "live" bar of a session still
 * trading, and is dropped. {@code 1m} requests are split into windows of at most 8 days, Yahoo's cap.
 *
 * <p>Thread-safe.
 */
public final class YahooSource implements Source {
    /** What it provides; its factory declares the same without creating one. */
    static final Set<Dataset> DATASETS = Set.of(Dataset.PRICES, Dataset.ACTIONS, Dataset.QUOTES);

    /** How the provider spells symbols: {@code BRK-B}. */
    static final SymbolSpelling SPELLING = SymbolSpelling.DASHED_SHARE_CLASS;
    static final int ONE_MINUTE_WINDOW_DAYS = 8;
    private final java.util.concurrent.atomic.AtomicInteger consecutiveThrottled = new java.util.concurrent.atomic.AtomicInteger();
    private final int breakerThreshold;
    private final YahooQuotes quotes;
    private final ProviderEndpoint endpoint;
    private final HttpTransport transport;
    private final Calendars calendars;
    private final Ticker ticker;

    public YahooSource(ProviderEndpoint endpoint, HttpTransport transport, Calendars calendars, Ticker ticker) {
        this(endpoint, transport, calendars, ticker, YahooConfig.DEFAULT_BREAKER_THRESHOLD, YahooConfig.DEFAULT_COOKIE_URL);
    }

    /**
     * @param breakerThreshold after this many consecutive requests that ended throttled (each after its retries),
     *     Yahoo is not called again for the rest of the run: the remaining requests fail at once as throttled
     */
    public YahooSource(ProviderEndpoint endpoint, HttpTransport transport, Calendars calendars, Ticker ticker, int breakerThreshold,
            java.net.URI cookieUrl) {
        this.breakerThreshold = breakerThreshold;
        this.quotes = new YahooQuotes(endpoint, cookieUrl, transport);
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.transport = requireNonNull(transport, "transport is null");
        this.calendars = requireNonNull(calendars, "calendars is null");
        this.ticker = requireNonNull(ticker, "ticker is null");
    }

    @Override
    public String name() {
        return "yahoo";
    }

    @Override
    public Set<Dataset> datasets() {
        return DATASETS;
    }

    @Override
    public List<BarRequest> planBars(List<Symbol> symbols, Interval interval, DateRange range, BarRequest.Hours hours) {
        List<BarRequest> requests = new ArrayList<>();
        for (Symbol symbol : symbols) {
            List<DateRange> windows = interval == Interval.M1 ? range.chunks(ONE_MINUTE_WINDOW_DAYS) : List.of(range);
            windows.forEach(window -> requests.add(BarRequest.of(symbol, interval, window, hours)));
        }
        return List.copyOf(requests);
    }

    @Override
    public List<Bar> fetchBars(BarRequest request) {
        if (request.symbols().size() != 1) {
            throw new IllegalArgumentException("Yahoo's chart endpoint takes one symbol per request");
        }
        Symbol symbol = request.symbols().getFirst();
        DateRange range = request.range();
        String what = "Cannot fetch " + symbol + " " + request.interval() + " " + range + " from yahoo";
        checkIntradayWindow(request.interval(), range, what);
        JsonNode root = chart(symbol, range, request.interval(), request.hours() == BarRequest.Hours.EXTENDED, what);
        List<Bar> bars = YahooChartParser.parse(root, symbol, request.interval(), what).bars();
        Instant now = ticker.now();
        return bars.stream()
                .filter(bar -> range.contains(bar.date()))
                .filter(bar -> request.interval().isIntraday() || !bar.date().isAfter(calendars.of(bar.venue()).lastCompletedSession(now)))
                .filter(bar -> !request.interval().isIntraday() || request.hours() == BarRequest.Hours.EXTENDED || inRegularHours(bar))
                .toList();
    }

    /**
     * Pre- and post-market bars Yahoo may send anyway are dropped, not quarantined, unless extended hours were asked
     * for; the hours are those of the bar's venue (a bar in a lunch break is left to the row rules).
     */
    private boolean inRegularHours(Bar bar) {
        return calendars.of(bar.venue()).session(bar.date())
                .map(session -> !bar.ts().isBefore(session.open().toInstant()) && bar.ts().isBefore(session.close().toInstant()))
                .orElse(true);
    }

    /** Live quotes through {@code /v7/finance/quote} with a cookie and crumb; many symbols per request. */
    @Override
    public List<io.stockingest.core.model.Quote> fetchQuotes(List<Symbol> symbols) {
        return quotes.fetch(symbols);
    }

    /** Splits and dividends from the chart's {@code events}, for ex-dates in {@code range}. */
    @Override
    public List<io.stockingest.core.model.CorporateAction> fetchActions(Symbol symbol, DateRange range) {
        String what = "Cannot fetch " + symbol + " actions " + range + " from yahoo";
        JsonNode root = chart(symbol, range, Interval.D1, false, what);
        return YahooChartParser.actions(root, symbol, what).stream().filter(a -> range.contains(a.exDate())).toList();
    }

    private JsonNode chart(Symbol symbol, DateRange range, Interval interval, boolean prePost, String what) {
        if (consecutiveThrottled.get() >= breakerThreshold) {
            throw new IngestException(ErrorKind.THROTTLED, what + ": throttled by Yahoo; stopped calling Yahoo for the rest of the run after "
                    + breakerThreshold + " requests in a row were throttled (lower YAHOO_RATE_LIMIT and run again later)");
        }
        long period1 = range.from().minusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        long period2 = range.to().plusDays(2).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        String path = "/v8/finance/chart/" + URLEncoder.encode(SPELLING.spell(symbol), StandardCharsets.UTF_8)
                + "?period1=" + period1 + "&period2=" + period2 + "&interval=" + yahooInterval(interval)
                + "&includePrePost=" + prePost + "&events=div%7Csplit";
        HttpResult result = transport.execute(HttpCall.get(endpoint.resolve(path)));
        if (result.status() == 429) {
            consecutiveThrottled.incrementAndGet();
        } else {
            consecutiveThrottled.set(0);
        }
        return checked(result, what);
    }

    /**
     * Yahoo serves 1m bars only for the last 30 days, 2m-30m for the last 60 and 1h for the last 730, and refuses a
     * window that straddles the limit (HTTP 422). Asking anyway wastes a request of the budget: fail at once.
     */
    private void checkIntradayWindow(Interval interval, DateRange range, String what) {
        int days = switch (interval) {
            case M1 -> 30;
            case M2, M5, M15, M30 -> 60;
            case H1 -> 730;
            default -> -1;
        };
        if (days > 0) {
            LocalDate oldest = ticker.now().atZone(ZoneOffset.UTC).toLocalDate().minusDays(days - 1L);
            if (range.from().isBefore(oldest)) {
                throw new IngestException(ErrorKind.NOT_ENTITLED, what + ": Yahoo serves " + interval + " bars only for the last " + days
                        + " days (from " + oldest + "); ask for a later --from or another --source");
            }
        }
    }

    /** Maps Yahoo's statuses and {@code chart.error} to errors of the right kind; returns the parsed body. */
    static JsonNode checked(HttpResult result, String what) {
        if (result.status() == 429) {
            throw new IngestException(ErrorKind.THROTTLED, what + ": throttled by Yahoo (HTTP 429 '" + result.bodySnippet()
                    + "'); lower YAHOO_RATE_LIMIT or run again later");
        }
        if (result.status() >= 500) {
            throw new IngestException(ErrorKind.TRANSIENT, what + ": Yahoo answered HTTP " + result.status() + " '" + result.bodySnippet() + "'");
        }
        JsonNode root;
        try {
            root = YahooChartParser.readTree(result.body(), what);
        } catch (IngestException notJson) {
            if (!result.isSuccess()) {
                throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": Yahoo answered HTTP " + result.status() + " '" + result.bodySnippet() + "'");
            }
            throw notJson;
        }
        var error = YahooChartParser.error(root);
        if (error.isPresent()) {
            String code = error.get().path("code").asText("");
            String description = error.get().path("description").asText("");
            String words = code + (description.isEmpty() ? "" : ": " + description);
            if (code.equalsIgnoreCase("Not Found") || result.status() == 404) {
                throw new IngestException(ErrorKind.NOT_FOUND, what + ": Yahoo does not know the symbol (" + words + ")");
            }
            throw new IngestException(ErrorKind.NOT_ENTITLED, what + ": Yahoo refused the request (HTTP " + result.status() + " " + words + ")");
        }
        if (!result.isSuccess()) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": Yahoo answered HTTP " + result.status() + " '" + result.bodySnippet() + "'");
        }
        return root;
    }

    static String yahooInterval(Interval interval) {
        return switch (interval) {
            case H1 -> "60m";
            default -> interval.code();
        };
    }

    @Override
    public void close() {
        transport.close();
    }
}

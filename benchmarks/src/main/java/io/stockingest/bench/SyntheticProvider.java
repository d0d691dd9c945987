package io.stockingest.bench;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.http.RateLimit;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A provider on loopback that answers FMP's stable daily bars ({@code /stable/historical-price-eod/full}), Polygon's
 * aggregates ({@code /v2/aggs/ticker/{T}/range/1/day/{from}/{to}}) and Yahoo's chart ({@code /v8/finance/chart/{T}})
 * with deterministic daily bars ({@link SyntheticBars}) for any symbol and range, in the real APIs' JSON shapes.
 *
 * <p>It enforces a limit counted as real servers count it ({@link Options}): in a sliding window (a request that finds
 * {@code permits} accepted requests in the last {@code period} is refused) or in fixed windows of {@code period}
 * from the server's start (as FMP counts per calendar minute). A refused request is answered 429 with the provider's
 * real body (FMP: {@code "Limit Reach . Please upgrade your plan..."}), optionally with {@code Retry-After} (whole
 * seconds until a slot frees), and is not counted against the window; accepted answers may carry
 * {@code X-RateLimit-Remaining} / {@code X-RateLimit-Reset} (Unix seconds). Every answer waits {@code latency}
 * first. A key listed in {@code rejectedKeys} gets the provider's real 401 (FMP's "Invalid API KEY", Polygon's
 * "Unknown API Key"). With {@code neverAnswer} it accepts connections and never answers. It counts requests, 429s,
 * and the highest number of requests (accepted or not) that arrived within any one window.
 *
 * <p>Thread-safe; the handlers run on virtual threads.
 */
public final class SyntheticProvider implements AutoCloseable {
    /** FMP's real 429 body (fixtures/fmp/http429_limit_reach.blocksense-pr1275.json), pretty-printed as FMP sends it. */
    public static final String FMP_LIMIT_REACH = "{\n  \"Error Message\": \"Limit Reach . Please upgrade your plan or visit our documentation for more "
            + "details at https://site.financialmodelingprep.com/\"\n}";
    /** Polygon's 429 body. */
    public static final String POLYGON_TOO_MANY = "{\"status\":\"ERROR\",\"request_id\":\"synthetic\",\"error\":\"You've exceeded the maximum requests "
            + "per minute, please wait or upgrade your subscription to continue. https://polygon.io/pricing\"}";
    /** FMP's answer to a wrong key (fixtures/fmp), under 401. */
    public static final String FMP_INVALID_KEY = "{\n  \"Error Message\": \"Invalid API KEY. Please retry or visit our documentation to create one "
            + "FREE https://financialmodelingprep.com/developer/docs\"\n}";
    /** Polygon's answer to a wrong key (providers.md: "Unknown API Key" under 401). */
    public static final String POLYGON_UNKNOWN_KEY = "{\"status\":\"ERROR\",\"request_id\":\"synthetic\",\"error\":\"Unknown API Key\"}";
    /** Yahoo's 429 body (plain text). */
    public static final String YAHOO_TOO_MANY = "Too Many Requests\r\n";

    /** How the server counts its limit and what it tells the client. */
    public record Options(Optional<RateLimit> limit, Counting counting, boolean retryAfter, boolean rateHeaders, Duration latency,
            java.util.Set<String> rejectedKeys, boolean neverAnswer) {
        public Options {
            requireNonNull(limit, "limit is null");
            requireNonNull(counting, "counting is null");
            requireNonNull(latency, "latency is null");
            rejectedKeys = java.util.Set.copyOf(rejectedKeys);
        }

        public static Options of(Optional<RateLimit> limit, Duration latency) {
            return new Options(limit, Counting.SLIDING, false, false, latency, java.util.Set.of(), false);
        }

        public Options fixedWindows() {
            return new Options(limit, Counting.FIXED, retryAfter, rateHeaders, latency, rejectedKeys, neverAnswer);
        }

        public Options withRetryAfter() {
            return new Options(limit, counting, true, rateHeaders, latency, rejectedKeys, neverAnswer);
        }

        public Options withRateHeaders() {
            return new Options(limit, counting, retryAfter, true, latency, rejectedKeys, neverAnswer);
        }

        public Options rejecting(String key) {
            java.util.Set<String> keys = new java.util.HashSet<>(rejectedKeys);
            keys.add(key);
            return new Options(limit, counting, retryAfter, rateHeaders, latency, keys, neverAnswer);
        }

        public Options silent() {
            return new Options(limit, counting, retryAfter, rateHeaders, latency, rejectedKeys, true);
        }
    }

    /** How the window is counted. */
    public enum Counting {
        SLIDING,
        FIXED
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Options options;
    private final Optional<RateLimit> limit;
    private final Duration latency;
    private final long startNanos;
    private long fixedIndex = Long.MIN_VALUE;
    private int fixedCount;
    private final LongSupplier nanos;
    private final ArrayDeque<Long> accepted = new ArrayDeque<>();
    private final ArrayDeque<Long> arrivals = new ArrayDeque<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private long peakInWindow;
    private long firstNanos = Long.MIN_VALUE;
    private long lastNanos;

    private SyntheticProvider(Options options, LongSupplier nanos) throws IOException {
        this.options = requireNonNull(options, "options is null");
        this.limit = options.limit();
        this.latency = options.latency();
        this.nanos = requireNonNull(nanos, "nanos is null");
        this.startNanos = nanos.getAsLong();
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a provider with a limit (empty: none) and a latency per request, on the system clock. */
    public static SyntheticProvider start(Optional<RateLimit> limit, Duration latency) {
        return start(limit, latency, System::nanoTime);
    }

    /** As {@link #start(Optional, Duration)} with the clock the rate window reads (tests pass a fake one). */
    public static SyntheticProvider start(Optional<RateLimit> limit, Duration latency, LongSupplier nanos) {
        return start(Options.of(limit, latency), nanos);
    }

    public static SyntheticProvider start(Options options) {
        return start(options, System::nanoTime);
    }

    public static SyntheticProvider start(Options options, LongSupplier nanos) {
        try {
            return new SyntheticProvider(options, nanos);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the synthetic provider on 127.0.0.1", e);
        }
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Requests received, 429s included. */
    public long requests() {
        return requests.get();
    }

    /** Requests answered 429. */
    public long throttled() {
        return throttled.get();
    }

    /** The most requests (accepted or not) that arrived within one window of the limit (the whole run without one). */
    public synchronized long peakInWindow() {
        return limit.isPresent() ? peakInWindow : requests.get();
    }

    /**
     * The least time {@code n} accepted requests take at {@code told}, from this server's first arrival to the last
     * answer: at the told rate, and (fixed windows) waiting for the roll whenever a window is full. The yardstick of
     * the fixed-window scenario.
     */
    public synchronized Duration idealSpan(int n, RateLimit told) {
        long spacing = told.spacing().toNanos();
        long t = firstNanos == Long.MIN_VALUE ? startNanos : firstNanos;
        long first = t;
        if (limit.isPresent() && options.counting() == Counting.FIXED) {
            long period = limit.get().period().toNanos();
            long index = Long.MIN_VALUE;
            int count = 0;
            for (int i = 0; i < n; i++) {
                long at = Math.floorDiv(t - startNanos, period);
                if (at != index) {
                    index = at;
                    count = 0;
                }
                if (count == limit.get().permits()) {
                    index++;
                    count = 0;
                    t = startNanos + index * period;
                }
                count++;
                if (i < n - 1) {
                    t += spacing;
                }
            }
        } else {
            t += (n - 1) * spacing;
        }
        return Duration.ofNanos(t - first).plus(latency);
    }

    /** When the first request arrived ({@code nanos} clock), or {@link Long#MIN_VALUE} before any. */
    public synchronized long firstArrivalNanos() {
        return firstNanos;
    }

    /** Time from the first to the last request received. */
    public synchronized Duration activeSpan() {
        return firstNanos == Long.MIN_VALUE ? Duration.ZERO : Duration.ofNanos(lastNanos - firstNanos);
    }

    /** What the server decided for one request: accepted or not, and what the rate headers say. */
    record Decision(boolean admitted, long remaining, long freeInNanos) {
    }

    /** Counts the request and decides: accepted, or 429 (then also when a slot frees). */
    synchronized Decision admit() {
        long now = nanos.getAsLong();
        requests.incrementAndGet();
        if (firstNanos == Long.MIN_VALUE) {
            firstNanos = now;
        }
        lastNanos = now;
        if (limit.isEmpty()) {
            return new Decision(true, Long.MAX_VALUE, 0);
        }
        long period = limit.get().period().toNanos();
        long windowStart = now - period;
        evict(arrivals, windowStart);
        arrivals.addLast(now);
        peakInWindow = Math.max(peakInWindow, arrivals.size());
        int permits = limit.get().permits();
        if (options.counting() == Counting.FIXED) {
            long index = Math.floorDiv(now - startNanos, period);
            if (index != fixedIndex) {
                fixedIndex = index;
                fixedCount = 0;
            }
            long freeIn = startNanos + (index + 1) * period - now;
            if (fixedCount >= permits) {
                throttled.incrementAndGet();
                return new Decision(false, 0, freeIn);
            }
            fixedCount++;
            return new Decision(true, permits - fixedCount, freeIn);
        }
        evict(accepted, windowStart);
        if (accepted.size() >= permits) {
            throttled.incrementAndGet();
            return new Decision(false, 0, accepted.peekFirst() + period - now);
        }
        accepted.addLast(now);
        return new Decision(true, permits - accepted.size(), accepted.peekFirst() + period - now);
    }

    private static void evict(ArrayDeque<Long> times, long windowStart) {
        while (!times.isEmpty() && times.peekFirst() <= windowStart) {
            times.removeFirst();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            Provider provider = path.startsWith("/stable/") ? Provider.FMP : path.startsWith("/v2/aggs/") ? Provider.POLYGON
                    : path.startsWith("/v8/finance/chart/") ? Provider.YAHOO : null;
            if (provider == null) {
                reply(exchange, 404, "application/json", "{\"Error Message\": \"unknown path " + path + "\"}");
                return;
            }
            if (options.neverAnswer()) {
                requests.incrementAndGet();
                Thread.sleep(Long.MAX_VALUE); // until close() interrupts the handler
            }
            String key = provider == Provider.POLYGON ? exchange.getRequestHeaders().getFirst("Authorization") : query.get("apikey");
            if (key != null && options.rejectedKeys().contains(key.replaceFirst("^Bearer ", ""))) {
                requests.incrementAndGet();
                reply(exchange, 401, "application/json", provider.body401);
                return;
            }
            Decision decision = admit();
            if (!latency.isZero()) {
                Thread.sleep(latency);
            }
            if (!decision.admitted()) {
                if (options.retryAfter()) {
                    exchange.getResponseHeaders().set("Retry-After", String.valueOf((decision.freeInNanos() + 999_999_999) / 1_000_000_000));
                }
                rateHeaders(exchange, decision);
                reply(exchange, 429, provider.contentType429, provider.body429);
                return;
            }
            rateHeaders(exchange, decision);
            switch (provider) {
                case FMP -> fmp(exchange, path, query);
                case POLYGON -> polygon(exchange, path);
                case YAHOO -> yahoo(exchange, path, query);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            reply(exchange, 500, "text/plain", "synthetic provider failed: " + e);
        }
    }

    private void rateHeaders(HttpExchange exchange, Decision decision) {
        if (options.rateHeaders() && limit.isPresent()) {
            long resetAt = java.time.Instant.now().plusNanos(decision.freeInNanos() + 999_999_999).getEpochSecond();
            exchange.getResponseHeaders().set("X-RateLimit-Limit", String.valueOf(limit.get().permits()));
            exchange.getResponseHeaders().set("X-RateLimit-Remaining", String.valueOf(decision.remaining()));
            exchange.getResponseHeaders().set("X-RateLimit-Reset", String.valueOf(resetAt));
        }
    }

    private enum Provider {
        FMP("application/json;charset=utf-8", FMP_LIMIT_REACH, FMP_INVALID_KEY),
        POLYGON("application/json", POLYGON_TOO_MANY, POLYGON_UNKNOWN_KEY),
        YAHOO("text/plain", YAHOO_TOO_MANY, "Unauthorized");

        final String contentType429;
        final String body429;
        final String body401;

        Provider(String contentType429, String body429, String body401) {
            this.contentType429 = contentType429;
            this.body429 = body429;
            this.body401 = body401;
        }
    }

    private static void fmp(HttpExchange exchange, String path, Map<String, String> query) throws IOException {
        if (query.getOrDefault("apikey", "").isBlank()) {
            reply(exchange, 401, "application/json", FMP_INVALID_KEY);
            return;
        }
        if (!path.equals("/stable/historical-price-eod/full") || !query.containsKey("symbol")) {
            reply(exchange, 404, "application/json", "[]");
            return;
        }
        LocalDate to = query.containsKey("to") ? LocalDate.parse(query.get("to")) : LocalDate.now(ZoneOffset.UTC);
        LocalDate from = query.containsKey("from") ? LocalDate.parse(query.get("from")) : to.minusYears(5);
        reply(exchange, 200, "application/json;charset=utf-8", SyntheticBars.fmpStable(query.get("symbol"), from, to));
    }

    private static void polygon(HttpExchange exchange, String path) throws IOException {
        // /v2/aggs/ticker/{T}/range/1/day/{from}/{to}
        String[] parts = path.split("/");
        if (parts.length < 10 || !parts[6].equals("1") || !parts[7].equals("day")) {
            reply(exchange, 404, "application/json", "{\"status\":\"NOT_FOUND\",\"message\":\"synthetic provider serves daily aggregates only\"}");
            return;
        }
        String ticker = URLDecoder.decode(parts[4], StandardCharsets.UTF_8);
        reply(exchange, 200, "application/json", SyntheticBars.polygonAggs(ticker, LocalDate.parse(parts[8]), LocalDate.parse(parts[9])));
    }

    private static void yahoo(HttpExchange exchange, String path, Map<String, String> query) throws IOException {
        // period2 is exclusive
        String ticker = URLDecoder.decode(path.substring("/v8/finance/chart/".length()), StandardCharsets.UTF_8);
        LocalDate from = LocalDate.ofInstant(java.time.Instant.ofEpochSecond(Long.parseLong(query.getOrDefault("period1", "0"))), ZoneOffset.UTC);
        LocalDate to = LocalDate.ofInstant(java.time.Instant.ofEpochSecond(Long.parseLong(query.getOrDefault("period2", "1")) - 1), ZoneOffset.UTC);
        reply(exchange, 200, "application/json;charset=utf-8", SyntheticBars.yahooChart(ticker, from, to));
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            out.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void reply(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Sessions of the NYSE calendar in the range (weekdays outside the calendar's years). */
    static List<LocalDate> sessions(LocalDate from, LocalDate to) {
        List<LocalDate> days = new ArrayList<>();
        if (to.isBefore(from)) {
            return days;
        }
        LocalDate lo = from.isBefore(NyseCalendar.FIRST) ? NyseCalendar.FIRST : from;
        LocalDate hi = to.isAfter(NyseCalendar.LAST) ? NyseCalendar.LAST : to;
        if (!hi.isBefore(lo)) {
            NyseCalendar.instance().sessions(lo, hi).forEach(session -> days.add(session.date()));
        }
        return days;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow(); // handlers that never answer are interrupted
        executor.close();
    }
}

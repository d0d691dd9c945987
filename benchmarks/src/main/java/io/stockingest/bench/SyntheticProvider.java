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
 * <p>It enforces a sliding-window limit: a request that finds {@code permits} accepted requests in the last
 * {@code period} is answered 429 with the provider's real body (FMP: {@code "Limit Reach . Please upgrade your
 * plan..."}) and is not counted against the window. Every answer waits {@code latency} first. It counts requests,
 * 429s, and the highest number of requests (accepted or not) that arrived within any one window.
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
    /** Yahoo's 429 body (plain text). */
    public static final String YAHOO_TOO_MANY = "Too Many Requests\r\n";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Optional<RateLimit> limit;
    private final Duration latency;
    private final LongSupplier nanos;
    private final ArrayDeque<Long> accepted = new ArrayDeque<>();
    private final ArrayDeque<Long> arrivals = new ArrayDeque<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private long peakInWindow;
    private long firstNanos = Long.MIN_VALUE;
    private long lastNanos;

    private SyntheticProvider(Optional<RateLimit> limit, Duration latency, LongSupplier nanos) throws IOException {
        this.limit = requireNonNull(limit, "limit is null");
        this.latency = requireNonNull(latency, "latency is null");
        this.nanos = requireNonNull(nanos, "nanos is null");
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
        try {
            return new SyntheticProvider(limit, latency, nanos);
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

    /** Time from the first to the last request received. */
    public synchronized Duration activeSpan() {
        return firstNanos == Long.MIN_VALUE ? Duration.ZERO : Duration.ofNanos(lastNanos - firstNanos);
    }

    /** Counts the request and decides: true to answer, false to answer 429. */
    synchronized boolean admit() {
        long now = nanos.getAsLong();
        requests.incrementAndGet();
        if (firstNanos == Long.MIN_VALUE) {
            firstNanos = now;
        }
        lastNanos = now;
        if (limit.isEmpty()) {
            return true;
        }
        long windowStart = now - limit.get().period().toNanos();
        evict(arrivals, windowStart);
        evict(accepted, windowStart);
        arrivals.addLast(now);
        peakInWindow = Math.max(peakInWindow, arrivals.size());
        if (accepted.size() >= limit.get().permits()) {
            throttled.incrementAndGet();
            return false;
        }
        accepted.addLast(now);
        return true;
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
            boolean admitted = admit();
            if (!latency.isZero()) {
                Thread.sleep(latency);
            }
            if (!admitted) {
                reply(exchange, 429, provider.contentType429, provider.body429);
                return;
            }
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

    private enum Provider {
        FMP("application/json;charset=utf-8", FMP_LIMIT_REACH),
        POLYGON("application/json", POLYGON_TOO_MANY),
        YAHOO("text/plain", YAHOO_TOO_MANY);

        final String contentType429;
        final String body429;

        Provider(String contentType429, String body429) {
            this.contentType429 = contentType429;
            this.body429 = body429;
        }
    }

    private static void fmp(HttpExchange exchange, String path, Map<String, String> query) throws IOException {
        if (query.getOrDefault("apikey", "").isBlank()) {
            reply(exchange, 401, "application/json", "{\n  \"Error Message\": \"Invalid API KEY. Please retry or visit our documentation to create one "
                    + "FREE https://financialmodelingprep.com/developer/docs\"\n}");
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
        executor.close();
    }
}

package io.stockingest.app.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * FMP's stable daily endpoint ({@code /stable/historical-price-eod/full}) on 127.0.0.1 for any symbol and range, in
 * FMP's JSON shape: one bar per weekday, newest first, prices derived from the symbol and date. Symbols in
 * {@code unknown} get FMP's answer for a symbol it does not know: {@code 200 []}; a date in {@code halted} (as
 * {@code SYMBOL DATE}) has no bar, as for a trading halt. Every request's {@code SYMBOL FROM..TO} is kept. Thread-safe.
 */
final class SyntheticFmp implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<String> unknown;
    private final Set<String> halted;
    private final AtomicInteger requests = new AtomicInteger();
    private final java.util.List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Set<String> held = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

    SyntheticFmp(Set<String> unknown) {
        this(unknown, Set.of());
    }

    SyntheticFmp(Set<String> unknown, Set<String> halted) {
        this.unknown = Set.copyOf(unknown);
        this.halted = Set.copyOf(halted);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::answer);
        server.setExecutor(executor);
        server.start();
    }

    SyntheticFmp() {
        this(Set.of());
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    int requests() {
        return requests.get();
    }

    /** Requests for {@code symbol} get no answer until {@link #close} (a provider that hangs on one symbol). */
    SyntheticFmp hold(String symbol) {
        held.add(symbol);
        return this;
    }

    /** Every request so far as {@code SYMBOL FROM..TO}, in the order received. */
    java.util.List<String> asked() {
        return java.util.List.copyOf(asked);
    }

    /** What a run against this server needs (a recognisable key, no rate limit worth the name). */
    Map<String, String> env() {
        return Map.of("FMP_API_KEY", Cli.FMP_KEY, "FMP_BASE_URL", baseUri().toString(), "FMP_PLAN", "ultimate",
                "FMP_RATE_LIMIT", "100000/min");
    }

    private void answer(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        Map<String, String> query = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        String symbol = query.get("symbol");
        StringBuilder body = new StringBuilder("[");
        if (symbol != null && !unknown.contains(symbol)) {
            LocalDate from = LocalDate.parse(query.get("from"));
            asked.add(symbol + " " + from + ".." + query.get("to"));
            if (held.contains(symbol)) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int seed = Math.floorMod(symbol.hashCode(), 500) + 10;
            for (LocalDate d = LocalDate.parse(query.get("to")); !d.isBefore(from); d = d.minusDays(1)) {
                if (d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY || halted.contains(symbol + " " + d)) {
                    continue;
                }
                double close = seed + d.getDayOfYear() / 10.0;
                body.append(body.length() == 1 ? "\n" : ",\n").append("{\"symbol\":\"").append(symbol).append("\",\"date\":\"").append(d)
                        .append("\",\"open\":").append(close - 0.5).append(",\"high\":").append(close + 1).append(",\"low\":").append(close - 1)
                        .append(",\"close\":").append(close).append(",\"volume\":").append(1000 + d.getDayOfMonth())
                        .append(",\"change\":0.5,\"changePercent\":0.1,\"vwap\":").append(close).append('}');
            }
        }
        byte[] bytes = body.append(']').toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.close();
    }
}

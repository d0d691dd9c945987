package io.stockingest.core.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on 127.0.0.1 (an ephemeral port) that replays recorded provider responses. Routes match the
 * request path exactly; each route answers with its queued responses in order, repeating the last one. Every
 * request is recorded (path, query, headers) for assertions. Unmatched paths get 599 with a message, so a test
 * that asks for the wrong URL fails loudly.
 */
public final class FixtureServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Deque<Reply>> routes = new ConcurrentHashMap<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final Map<String, java.util.concurrent.CountDownLatch> held = new ConcurrentHashMap<>();

    /**
     * One canned answer. {@code delay} holds the answer back that long (a provider slower than the client's timeout);
     * {@code cutAfter} &ge; 0 announces the whole body's length but sends only that many bytes and then drops the
     * connection (a reset mid-body); -1 sends the whole body.
     */
    public record Reply(int status, String contentType, byte[] body, Map<String, String> headers, Duration delay, int cutAfter) {
        public Reply {
            headers = headers == null ? Map.of() : headers;
            delay = delay == null ? Duration.ZERO : delay;
        }

        public Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
            this(status, contentType, body, headers, Duration.ZERO, -1);
        }

        public static Reply json(int status, String body) {
            return new Reply(status, "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        public static Reply text(int status, String body) {
            return new Reply(status, "text/plain", body.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        public Reply withHeader(String name, String value) {
            Map<String, String> copy = new LinkedHashMap<>(headers);
            copy.put(name, value);
            return new Reply(status, contentType, body, copy, delay, cutAfter);
        }

        /** The same answer, sent only after {@code wait} (real time: use it to trip a client's short timeout). */
        public Reply delayed(Duration wait) {
            return new Reply(status, contentType, body, headers, wait, cutAfter);
        }

        /** The same headers and Content-Length, but the connection drops after {@code bytes} bytes of the body. */
        public Reply cutAfter(int bytes) {
            return new Reply(status, contentType, body, headers, delay, bytes);
        }

        /** The same answer with only the first {@code bytes} bytes of the body, its Content-Length matching (a truncated document). */
        public Reply truncatedTo(int bytes) {
            return new Reply(status, contentType, java.util.Arrays.copyOf(body, Math.min(bytes, body.length)), headers, delay, cutAfter);
        }
    }

    /** A request as the server saw it, and when ({@link System#nanoTime}). */
    public record Recorded(String path, String query, Map<String, List<String>> headers, long receivedNanos) {
        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .findFirst()
                    .map(e -> e.getValue().getFirst())
                    .orElse(null);
        }
    }

    public FixtureServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Queues replies for a path; the last one repeats. */
    public FixtureServer on(String path, Reply... replies) {
        routes.computeIfAbsent(path, p -> new ArrayDeque<>()).addAll(List.of(replies));
        return this;
    }

    /** Replaces whatever a path had queued with these replies (the last one repeats). */
    public FixtureServer replace(String path, Reply... replies) {
        Deque<Reply> queue = new ArrayDeque<>(List.of(replies));
        routes.put(path, queue);
        return this;
    }

    /**
     * Requests for {@code path} are recorded but get no answer until {@link #release} (or {@link #close}): a provider
     * that hangs on one symbol, so that a test can stop a run at a point it knows (the run cannot get past that
     * request) instead of at a point reached in time.
     */
    public FixtureServer hold(String path) {
        held.putIfAbsent(path, new java.util.concurrent.CountDownLatch(1));
        return this;
    }

    /** Answers the requests held for {@code path} and every later one. */
    public FixtureServer release(String path) {
        java.util.concurrent.CountDownLatch gate = held.remove(path);
        if (gate != null) {
            gate.countDown();
        }
        return this;
    }

    /** Reads a file from a test-resources folder as a reply body. */
    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            requests.add(new Recorded(uri.getRawPath(), uri.getRawQuery(), Map.copyOf(exchange.getRequestHeaders()), System.nanoTime()));
            java.util.concurrent.CountDownLatch gate = held.get(uri.getRawPath());
            if (gate != null) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            Deque<Reply> queue = routes.get(uri.getRawPath());
            Reply reply;
            if (queue == null || queue.isEmpty()) {
                reply = Reply.text(599, "no fixture for " + uri.getRawPath());
            } else {
                synchronized (queue) {
                    reply = queue.size() > 1 ? queue.pollFirst() : queue.peekFirst();
                }
            }
            if (!reply.delay().isZero()) {
                try {
                    Thread.sleep(reply.delay());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            exchange.getResponseHeaders().add("Content-Type", reply.contentType());
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
            if (reply.cutAfter() >= 0) {
                exchange.getResponseBody().write(reply.body(), 0, Math.min(reply.cutAfter(), reply.body().length));
                exchange.getResponseBody().flush();
                // closing the exchange with bytes still owed makes the JDK server drop the connection
                return;
            }
            if (reply.body().length > 0) {
                exchange.getResponseBody().write(reply.body());
            }
        }
    }

    /** Query parameters of a recorded request, decoded. */
    public static Map<String, String> query(Recorded request) {
        Map<String, String> out = new LinkedHashMap<>();
        if (request.query() == null) {
            return out;
        }
        for (String pair : request.query().split("&")) {
            int eq = pair.indexOf('=');
            String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(name, value);
        }
        return out;
    }

    @Override
    public void close() {
        List.copyOf(held.keySet()).forEach(this::release);
        server.stop(0);
    }

}

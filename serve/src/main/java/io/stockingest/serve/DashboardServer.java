package io.stockingest.serve;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's HTTP server (the JDK's): the pages and their scripts from the jar, ECharts from its WebJar, and
 * {@link DashboardApi} under {@code /api/}. Only GET and HEAD; every answer carries a Content-Security-Policy that
 * allows nothing but this origin, so the pages load and run with the network unplugged. A client that goes away
 * mid-answer costs that answer only. Bound to loopback, it also refuses requests whose Host header names another
 * host (DNS rebinding). Thread-safe; {@link #close()} stops it.
 */
public final class DashboardServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
            + " font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final String WEB = "/io/stockingest/serve/web/";
    private static final String ECHARTS = "/META-INF/resources/webjars/echarts/" + webjarVersion("echarts") + "/dist/echarts.min.js";
    private static final Map<String, String> PAGES = Map.of(
            "/", "index.html",
            "/static/app.js", "app.js",
            "/static/app.css", "app.css",
            "/static/echarts.min.js", ECHARTS);

    private final HttpServer server;
    private final ExecutorService executor;
    private final DashboardApi api;
    private final boolean loopback;
    private final Thread warmUp;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private DashboardServer(HttpServer server, ExecutorService executor, DashboardApi api, boolean loopback, Thread warmUp) {
        this.server = server;
        this.warmUp = warmUp;
        this.executor = executor;
        this.api = api;
        this.loopback = loopback;
    }

    /** Starts serving on {@code bind:port} (port 0 picks a free one). */
    public static DashboardServer start(DashboardApi api, InetAddress bind, int port) throws IOException {
        requireNonNull(api, "api is null");
        requireNonNull(bind, "bind is null");
        HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 64);
        ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "serve-http");
            t.setDaemon(true);
            return t;
        });
        // a lake's coverage (the heatmap of every symbol) is read into memory while no request is answered, not on
        // the first visit; close() stops it
        Thread warmUp = Thread.ofPlatform().name("serve-warm-up").daemon().unstarted(() -> {
            try {
                api.warmUp();
            } catch (InterruptedException e) {
                // closed
            } catch (RuntimeException e) {
                if (!Thread.currentThread().isInterrupted()) { // else closed mid-read
                    LOG.warn("reading the coverage ahead failed (the page reads it when asked): {}", e.toString());
                }
            }
        });
        DashboardServer dashboard = new DashboardServer(server, executor, api, bind.isLoopbackAddress(), warmUp);
        server.createContext("/", dashboard::handle);
        server.setExecutor(executor);
        server.start();
        warmUp.start();
        return dashboard;
    }

    /** The version of an npm WebJar on the class path, from its Maven metadata (so the path follows the pom). */
    private static String webjarVersion(String name) {
        var props = new java.util.Properties();
        try (InputStream in = DashboardServer.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/" + name + "/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("The " + name + " WebJar is missing from the class path");
            }
            props.load(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return props.getProperty("version");
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            respond(exchange);
        } catch (IOException e) {
            // the client went away mid-answer (or sent garbage): nothing to answer to
            LOG.debug("answer to {} cut short: {}", exchange.getRemoteAddress(), e.toString());
        } catch (RuntimeException e) {
            LOG.warn("request {} failed: {}", exchange.getRequestURI().getRawPath(), e.toString());
        }
    }

    private void respond(HttpExchange exchange) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Security-Policy", CSP);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("X-Frame-Options", "DENY");
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            headers.set("Allow", "GET, HEAD");
            send(exchange, 405, "text/plain; charset=utf-8", "Read-only: GET and HEAD only\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (loopback && !loopbackHost(exchange.getRequestHeaders().getFirst("Host"))) {
            send(exchange, 421, "text/plain; charset=utf-8", "This dashboard answers to localhost only\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        String path = exchange.getRequestURI().getPath();
        if (path.startsWith("/api/")) {
            DashboardApi.Answer answer = api.answer(path.substring("/api".length()), query(exchange.getRequestURI().getRawQuery()));
            headers.set("Cache-Control", "no-store");
            send(exchange, answer.status(), "application/json; charset=utf-8", DashboardApi.JSON.writeValueAsBytes(answer.body()));
            return;
        }
        String resource = PAGES.get(path);
        if (resource == null) {
            send(exchange, 404, "text/plain; charset=utf-8", "Not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        byte[] body;
        try (InputStream in = DashboardServer.class.getResourceAsStream(resource.startsWith("/") ? resource : WEB + resource)) {
            if (in == null) {
                throw new IOException("resource " + resource + " is missing from the jar");
            }
            body = in.readAllBytes();
        }
        headers.set("Cache-Control", resource.startsWith("/") ? "max-age=86400" : "no-cache");
        send(exchange, 200, contentType(resource), body);
    }

    private static boolean loopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String name = host.toLowerCase(Locale.ROOT).replaceFirst(":[0-9]+$", "");
        return name.equals("localhost") || name.equals("127.0.0.1") || name.equals("[::1]");
    }

    private static String contentType(String resource) {
        if (resource.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (resource.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        return "text/css; charset=utf-8";
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(key, value);
        }
        return out;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            warmUp.interrupt();
            server.stop(0);
            executor.shutdownNow();
        }
    }
}

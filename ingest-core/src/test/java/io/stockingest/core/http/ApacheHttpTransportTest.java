package io.stockingest.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.testkit.FakeTicker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ApacheHttpTransportTest {
    /** Answers every connection once with {@code response} (raw bytes) and closes it. */
    private static ServerSocket rawServer(String response) throws IOException {
        ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    var in = socket.getInputStream();
                    // read the request head
                    int a = 0, b = 0, c = 0, d;
                    while ((d = in.read()) >= 0 && !(a == '\r' && b == '\n' && c == '\r' && d == '\n')) {
                        a = b;
                        b = c;
                        c = d;
                    }
                    OutputStream out = socket.getOutputStream();
                    out.write(response.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return server;
    }

    private static HttpResult get(ServerSocket server) {
        try (ApacheHttpTransport transport = new ApacheHttpTransport(Duration.ofSeconds(5), Duration.ofSeconds(5), 4, "test", null)) {
            return transport.execute(HttpCall.get(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/x")));
        }
    }

    @Test
    void aBodyWithAContentLengthIsReadWholeWithItsStatusAndHeaders() throws IOException {
        String body = "[{\"date\":\"2024-01-02\",\"close\":185.64}]";
        try (ServerSocket server = rawServer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Count: 1\r\nContent-Length: "
                + body.length() + "\r\nConnection: close\r\n\r\n" + body)) {
            HttpResult result = get(server);

            assertThat(result.status()).isEqualTo(200);
            assertThat(result.bodyText()).isEqualTo(body);
            assertThat(result.header("X-Count")).contains("1");
        }
    }

    @Test
    void aChunkedBodyIsReadWhole() throws IOException {
        try (ServerSocket server = rawServer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")) {
            assertThat(get(server).bodyText()).isEqualTo("hello world");
        }
    }

    @Test
    void aBodyShorterThanItsContentLengthIsATransientError() throws IOException {
        try (ServerSocket server = rawServer("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\nonly ten b")) {
            assertThatThrownBy(() -> get(server))
                    .isInstanceOf(IngestException.class)
                    .satisfies(e -> assertThat(((IngestException) e).kind()).isEqualTo(ErrorKind.TRANSIENT))
                    .hasMessageContaining("127.0.0.1");
        }
    }

    @Test
    void anEmptyBodyIsAnEmptyArray() throws IOException {
        try (ServerSocket server = rawServer("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")) {
            HttpResult result = get(server);
            assertThat(result.status()).isEqualTo(204);
            assertThat(result.body()).isEmpty();
        }
    }

    @Test
    void aGetOnAPooledConnectionTheServerClosedIsSentAgainOnce() throws Exception {
        // promises keep-alive, then closes every connection after its answer: the pooled connection is stale
        String body = "[]";
        try (ServerSocket server = rawServer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\nConnection: keep-alive\r\nKeep-Alive: timeout=60\r\n\r\n" + body)) {
            FakeTicker ticker = new FakeTicker();
            RateLimiter limiter = new RateLimiter(RateLimit.parse("6000/min"), RateLimiter.Counting.SLIDING, ticker, 1.0);
            CallStats stats = new CallStats();
            try (ApacheHttpTransport transport = new ApacheHttpTransport(Duration.ofSeconds(5), Duration.ofSeconds(5), 1, "test", limiter)) {
                HttpCall call = HttpCall.get(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/x"));
                for (int i = 0; i < 5; i++) {
                    HttpResult result = CallStats.bind(stats, () -> transport.execute(call));
                    assertThat(result.bodyText()).as("request %d", i + 1).isEqualTo(body);
                }
            }
            assertThat(stats.requests()).as("requests written: 5, and a resend for each stale connection")
                    .isBetween(5L, 9L);
        }
    }

    @Test
    void aServerThatClosesWithoutAnsweringIsStillATransientErrorAfterTheOneResend() throws IOException {
        try (ServerSocket server = rawServer("")) {
            assertThatThrownBy(() -> get(server))
                    .isInstanceOf(IngestException.class)
                    .satisfies(e -> assertThat(((IngestException) e).kind()).isEqualTo(ErrorKind.TRANSIENT))
                    .hasMessageContaining("NoHttpResponseException");
        }
    }

    /**
     * Reads each connection's request head, counts it in {@code received}, and resets the connection (SO_LINGER 0:
     * an RST, not a FIN) for the first {@code resets} requests; answers the later ones with {@code response}.
     */
    private static ServerSocket resettingServer(int resets, String response, AtomicInteger received) throws IOException {
        ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
                    String line;
                    while ((line = in.readLine()) != null && !line.isEmpty()) {
                        // the request head
                    }
                    if (received.incrementAndGet() <= resets) {
                        socket.setSoLinger(true, 0);
                    } else {
                        socket.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
                        socket.getOutputStream().flush();
                    }
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return server;
    }

    @Test
    void aGetWhoseConnectionTheServerResetsIsSentAgainAtOnceWithANewPermit() throws Exception {
        String body = "[]";
        AtomicInteger received = new AtomicInteger();
        try (ServerSocket server = resettingServer(1, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body, received)) {
            FakeTicker ticker = new FakeTicker();
            RateLimiter limiter = new RateLimiter(RateLimit.parse("6000/min"), RateLimiter.Counting.SLIDING, ticker, 1.0);
            CallStats stats = new CallStats();
            HttpResult result;
            try (ApacheHttpTransport transport = new ApacheHttpTransport(Duration.ofSeconds(5), Duration.ofSeconds(5), 1, "test", limiter)) {
                HttpCall call = HttpCall.get(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/x"));
                result = CallStats.bind(stats, () -> transport.execute(call));
            }

            assertThat(result.status()).isEqualTo(200);
            assertThat(result.bodyText()).isEqualTo(body);
            assertThat(received).as("requests the server read: the reset one and its resend").hasValue(2);
            assertThat(stats.requests()).as("requests written, each with its permit").isEqualTo(2);
            assertThat(ticker.nanos()).as("no backoff: the resend leaves as soon as the limiter lets it (10 ms apart at 6000/min)").isLessThanOrEqualTo(Duration.ofMillis(10).toNanos());
        }
    }

    @Test
    void aGetResetTwiceIsATransientErrorAfterOneResend() throws IOException {
        AtomicInteger received = new AtomicInteger();
        try (ServerSocket server = resettingServer(Integer.MAX_VALUE, "", received)) {
            assertThatThrownBy(() -> get(server))
                    .isInstanceOf(IngestException.class)
                    .satisfies(e -> assertThat(((IngestException) e).kind()).isEqualTo(ErrorKind.TRANSIENT))
                    .hasMessageContaining("Connection reset")
                    .hasMessageContaining("127.0.0.1");
            assertThat(received).as("the request and one resend; later attempts are RetryingTransport's").hasValue(2);
        }
    }

    @Test
    void thePermitIsTakenAfterTheConnectionIsLeasedSoPoolQueueingCannotBunchArrivals() throws Exception {
        try (var server = new io.stockingest.core.testkit.FixtureServer()) {
            var fast = io.stockingest.core.testkit.FixtureServer.Reply.json(200, "[]");
            // the second request holds the only connection for 3 s while the third and fourth queue for it (both would have
            // taken their permits by then, 1 s and 2 s after the second's, were permits taken before the lease)
            server.on("/x", fast, fast.delayed(Duration.ofSeconds(3)), fast);
            RateLimiter limiter = new RateLimiter(RateLimit.parse("1/sec"), RateLimiter.Counting.SLIDING, Ticker.SYSTEM, 1.0);
            // a response (and lease) timeout far above the 4 s the last request waits for the connection
            try (ApacheHttpTransport transport = new ApacheHttpTransport(Duration.ofSeconds(5), Duration.ofSeconds(30), 1, "test", limiter)) {
                HttpCall call = HttpCall.get(URI.create(server.baseUri() + "/x"));
                transport.execute(call);
                List<java.util.concurrent.Future<HttpResult>> calls = new java.util.ArrayList<>();
                try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < 3; i++) {
                        calls.add(executor.submit(() -> transport.execute(call)));
                    }
                }
                for (var done : calls) {
                    assertThat(done.get().status()).isEqualTo(200);
                }
            }
            List<Long> arrivals = server.requests().stream().map(io.stockingest.core.testkit.FixtureServer.Recorded::receivedNanos).sorted().toList();
            assertThat(arrivals).hasSize(4);
            for (int i = 1; i < arrivals.size(); i++) {
                // a permit taken before the lease would let the two queued requests arrive back to back once the slow one
                // ends; taken after it, they are 1 s apart, less what the scheduling of a loaded machine shifts an arrival
                // (the request before arriving late by up to 500 ms still passes: the rate is 1/sec, not 2/sec, for that margin)
                assertThat(Duration.ofNanos(arrivals.get(i) - arrivals.get(i - 1))).as("gap before arrival %d", i).isGreaterThan(Duration.ofMillis(500));
            }
        }
    }
}

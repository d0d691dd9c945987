package io.stockingest.app.faults;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP-aware TCP proxy on 127.0.0.1 in front of the S3 server that lets exactly {@code budget} object PUTs through
 * (byte for byte, so signatures stay valid) and then, at the next PUT, sends the server only the first half of its
 * body and either {@link Mode#STOP}s (drops every connection and refuses every later one, like a server that died
 * mid-upload) or {@link Mode#HOLD}s that PUT and every later one (the body half sent, waiting) so that a test can kill
 * the client at that exact point. PUTs of run records ({@code logs/ingest/}) always pass and are not counted. {@link #failPuts} answers the next PUTs {@code 503 SlowDown} instead. {@link #up}
 * passes everything again. The stop point is counted in requests, never in time.
 */
final class S3Gate implements AutoCloseable {
    enum Mode { STOP, HOLD }

    private final ServerSocket server;
    private final URI target;
    private final Mode mode;
    private volatile int budget;
    private volatile boolean down;
    private final AtomicInteger puts = new AtomicInteger();
    private final AtomicInteger toFail = new AtomicInteger();
    private final AtomicInteger slowDowns = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    S3Gate(URI target, int budget, Mode mode) throws IOException {
        this.target = target;
        this.budget = budget;
        this.mode = mode;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Connections and requests refused since the server stopped (each is one attempt of the client's retries). */
    int refused() {
        return refused.get();
    }

    int slowDowns() {
        return slowDowns.get();
    }

    /** Waits until the PUT after the budget arrived (its body half sent). */
    boolean awaitStopPoint(long seconds) throws InterruptedException {
        return reached.await(seconds, TimeUnit.SECONDS);
    }

    /** Answers the next {@code n} PUTs with {@code 503 SlowDown} (without passing them on). */
    void failPuts(int n) {
        toFail.set(n);
    }

    /** The server is back: everything passes, without limit. Held PUTs are dropped (their client is gone). */
    void up() {
        budget = Integer.MAX_VALUE;
        down = false;
        released.countDown();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().start(() -> handle(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket client) {
        if (down) {
            refused.incrementAndGet();
            closeQuietly(client);
            return;
        }
        open.add(client);
        try (client; Socket upstream = new Socket(target.getHost(), target.getPort())) {
            open.add(upstream);
            Thread.ofVirtual().start(() -> pump(upstream, client));
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = upstream.getOutputStream();
            while (true) {
                byte[] head = readHead(in);
                if (head == null) {
                    return;
                }
                if (down) {
                    refused.incrementAndGet();
                    return;
                }
                String text = new String(head, StandardCharsets.ISO_8859_1);
                long length = contentLength(text);
                // a run's record (logs/ingest/..., written at its start and every 5 s while it runs) passes uncounted, so
                // that the stop point counts data PUTs whatever the timing
                if (text.startsWith("PUT ") && !text.lines().findFirst().orElse("").contains("/logs/ingest/")) {
                    if (toFail.getAndDecrement() > 0) {
                        slowDowns.incrementAndGet();
                        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";
                        client.getOutputStream().write(("HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: " + body.length()
                                + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                        client.getOutputStream().flush();
                        return;
                    }
                    if (puts.incrementAndGet() > budget) {
                        out.write(head);
                        copy(in, out, length / 2);
                        out.flush();
                        reached.countDown();
                        if (mode == Mode.HOLD) {
                            released.await();
                        } else {
                            down = true;
                            open.forEach(S3Gate::closeQuietly);
                        }
                        return; // closing both ends: the server never sees the rest of the body
                    }
                }
                out.write(head);
                copy(in, out, length);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // connection ended
        } finally {
            open.remove(client);
        }
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                return Long.parseLong(line.substring(colon + 1).trim());
            }
        }
        return 0;
    }

    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        int state = 0;
        while ((b = in.read()) >= 0) {
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) ? state + 1 : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) {
                return head.toByteArray();
            }
        }
        return null;
    }

    private static void copy(InputStream in, OutputStream out, long bytes) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = bytes;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("client closed mid-body");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private static void pump(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // either side closed
        } finally {
            closeQuietly(to);
            closeQuietly(from);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        released.countDown();
        server.close();
        open.forEach(S3Gate::closeQuietly);
    }
}

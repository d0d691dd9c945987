package io.stockingest.sink.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of the S3 server that answers the first {@code failures} connections with
 * {@code 500 InternalError} (and closes them) and passes every later one through byte for byte (so request signatures
 * stay valid).
 */
final class FlakyProxy implements AutoCloseable {
    private final ServerSocket server;
    private final URI target;
    private final AtomicInteger toFail;
    private final AtomicInteger failed = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    FlakyProxy(URI target, int failures) throws IOException {
        this.target = target;
        this.toFail = new AtomicInteger(failures);
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Connections answered with 500 so far. */
    int failed() {
        return failed.get();
    }

    /** Fails the next {@code n} connections too, and drops the open ones so that clients must reconnect. */
    void failNext(int n) {
        toFail.set(n);
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // dropping it is the point
            }
        }
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
        try (client) {
            if (toFail.getAndDecrement() > 0) {
                readHead(client.getInputStream());
                failed.incrementAndGet();
                String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>";
                client.getOutputStream().write(("HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/xml\r\nContent-Length: " + body.length()
                        + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                client.getOutputStream().flush();
                return;
            }
            try (Socket upstream = new Socket(target.getHost(), target.getPort())) {
                open.add(client);
                Thread pump = Thread.ofVirtual().start(() -> copy(client, upstream));
                copy(upstream, client);
                pump.join();
            } finally {
                open.remove(client);
            }
        } catch (IOException | InterruptedException e) {
            // connection ended
        }
    }

    private static void readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                return;
            }
        }
    }

    private static void copy(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

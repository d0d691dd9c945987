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
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of the test S3 server that plays an S3-compatible server without conditional
 * writes: a request carrying {@code If-Match} or {@code If-None-Match} is answered {@code 501 NotImplemented};
 * everything else is forwarded unchanged (one request per connection, so each one is inspected; the Host header
 * stays the proxy's, so signatures still verify).
 */
final class NoConditionalWritesProxy implements AutoCloseable {
    private final ServerSocket server;
    private final URI target;
    private final AtomicInteger refused = new AtomicInteger();

    NoConditionalWritesProxy(URI target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Conditional requests answered 501 so far. */
    int refused() {
        return refused.get();
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
            String head = readHead(client.getInputStream());
            if (head.isEmpty()) {
                return;
            }
            String lower = head.toLowerCase(Locale.ROOT);
            if (lower.contains("\r\nif-match:") || lower.contains("\r\nif-none-match:")) {
                refused.incrementAndGet();
                String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NotImplemented</Code>"
                        + "<Message>A header you provided implies functionality that is not implemented</Message></Error>";
                client.getOutputStream().write(("HTTP/1.1 501 Not Implemented\r\nContent-Type: application/xml\r\nContent-Length: " + body.length()
                        + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                client.getOutputStream().flush();
                return;
            }
            StringBuilder forwarded = new StringBuilder();
            for (String line : head.split("\r\n")) {
                if (!line.isEmpty() && !line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                    forwarded.append(line).append("\r\n");
                }
            }
            forwarded.append("Connection: close\r\n\r\n");
            try (Socket upstream = new Socket(target.getHost(), target.getPort())) {
                upstream.getOutputStream().write(forwarded.toString().getBytes(StandardCharsets.ISO_8859_1));
                Thread.ofVirtual().start(() -> copy(client, upstream));
                copy(upstream, client);
            }
        } catch (IOException e) {
            // connection ended
        }
    }

    /** The request line and headers, up to and including the blank line (empty at end of stream). */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
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

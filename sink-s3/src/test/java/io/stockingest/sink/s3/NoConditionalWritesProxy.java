package io.stockingest.sink.s3;

import java.io.IOException;
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
final class NoConditionalWritesProxy extends LoopbackProxy {
    private final AtomicInteger refused = new AtomicInteger();

    NoConditionalWritesProxy(URI target) throws IOException {
        super(target);
        start();
    }

    /** Conditional requests answered 501 so far. */
    int refused() {
        return refused.get();
    }

    @Override
    void handle(Socket client) {
        try (client) {
            String head = readHead(client.getInputStream());
            if (head.isEmpty()) {
                return;
            }
            String lower = head.toLowerCase(Locale.ROOT);
            if (lower.contains("\r\nif-match:") || lower.contains("\r\nif-none-match:")) {
                refused.incrementAndGet();
                answerError(client, "501 Not Implemented", "NotImplemented", "A header you provided implies functionality that is not implemented");
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
}

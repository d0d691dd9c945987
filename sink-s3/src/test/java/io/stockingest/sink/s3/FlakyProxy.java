package io.stockingest.sink.s3;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of the S3 server that answers the first {@code failures} connections with
 * {@code 500 InternalError} (and closes them) and passes every later one through byte for byte (so request signatures
 * stay valid).
 */
final class FlakyProxy extends LoopbackProxy {
    private final AtomicInteger toFail;
    private final AtomicInteger failed = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    FlakyProxy(URI target, int failures) throws IOException {
        super(target);
        this.toFail = new AtomicInteger(failures);
        start();
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

    @Override
    void handle(Socket client) {
        try (client) {
            if (toFail.getAndDecrement() > 0) {
                readHead(client.getInputStream());
                failed.incrementAndGet();
                answerError(client, "500 Internal Server Error", "InternalError", "We encountered an internal error. Please try again.");
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
}

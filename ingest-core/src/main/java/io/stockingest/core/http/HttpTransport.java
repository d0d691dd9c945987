package io.stockingest.core.http;

import io.stockingest.core.IngestException;

/**
 * Sends one request and returns the whole response. Transports are stacked as decorators: the Apache client at
 * the bottom (which takes each request's {@link RateLimiter} permit after its connection is leased), then
 * {@link RetryingTransport}.
 *
 * <p>A transport returns every HTTP status as a result; it throws only when no response could be had (an
 * {@link IngestException} of kind {@code TRANSIENT} for timeouts and resets). Implementations are thread-safe.
 */
public interface HttpTransport extends AutoCloseable {
    HttpResult execute(HttpCall call);

    @Override
    default void close() {}
}

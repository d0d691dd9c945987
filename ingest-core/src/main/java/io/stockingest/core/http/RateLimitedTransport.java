package io.stockingest.core.http;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;

/**
 * Takes a permit from the provider's {@link RateLimiter} before every request (retries and paging included) and
 * tells it about throttled and accepted responses, with the permit each request was sent under (so a burst of 429s
 * from requests in flight counts once). Thread-safe.
 */
public final class RateLimitedTransport implements HttpTransport {
    private final HttpTransport delegate;
    private final RateLimiter limiter;

    public RateLimitedTransport(HttpTransport delegate, RateLimiter limiter) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.limiter = requireNonNull(limiter, "limiter is null");
    }

    @Override
    public HttpResult execute(HttpCall call) {
        RateLimiter.Permit permit;
        try {
            permit = limiter.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngestException(ErrorKind.TRANSIENT, "Interrupted while waiting for the rate limiter before " + call, e);
        }
        CallStats.recordRequest();
        HttpResult result = delegate.execute(call);
        if (result.status() == 429) {
            CallStats.recordThrottled();
            limiter.onThrottled(permit);
        } else if (result.isSuccess()) {
            limiter.onSuccess(permit);
        }
        return result;
    }

    @Override
    public void close() {
        delegate.close();
    }
}

package io.stockingest.core.http;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries what {@link RetryPolicy} calls retryable; returns the last response once attempts run out, so that the
 * source can turn the provider's own error body into a message. Thread-safe.
 */
public final class RetryingTransport implements HttpTransport {
    private static final Logger log = LoggerFactory.getLogger(RetryingTransport.class);
    private final HttpTransport delegate;
    private final RetryPolicy policy;
    private final Ticker ticker;

    public RetryingTransport(HttpTransport delegate, RetryPolicy policy, Ticker ticker) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.ticker = requireNonNull(ticker, "ticker is null");
    }

    @Override
    public HttpResult execute(HttpCall call) {
        for (int attempt = 1; ; attempt++) {
            HttpResult result;
            try {
                result = delegate.execute(call);
            } catch (IngestException e) {
                if (!e.kind().retryable() || attempt >= policy.maxAttempts()) {
                    throw e;
                }
                pause(call, attempt, policy.delay(attempt, 0, Optional.empty()), e.getMessage());
                continue;
            }
            if (!RetryPolicy.isRetryableStatus(result.status()) || attempt >= policy.maxAttempts()) {
                return result;
            }
            Duration wait = policy.delay(attempt, result.status(), result.retryAfter(ticker.now()));
            pause(call, attempt, wait, "HTTP " + result.status());
        }
    }

    private void pause(HttpCall call, int attempt, Duration wait, String reason) {
        CallStats.recordRetry();
        log.debug("Retrying {} after {} (attempt {}/{}, waiting {} ms)", call, reason, attempt, policy.maxAttempts(), wait.toMillis());
        try {
            ticker.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngestException(ErrorKind.TRANSIENT, "Interrupted while retrying " + call, e);
        }
    }

    @Override
    public void close() {
        delegate.close();
    }
}

package io.stockingest.core.http;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries what {@link RetryPolicy} calls retryable, and sends a throttled request (429) again through the rate
 * limiter below, which decides when; returns the last response once attempts (or the time allowed for throttling)
 * run out, so that the source can turn the provider's own error body into a message. While a call is in progress
 * it is {@link CallStats#outstanding() outstanding} in the run, with its attempt and why it waits. An interrupted
 * thread (a stopped run) is not retried. Thread-safe.
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
        CallStats.Pending pending = CallStats.begin(call, policy.maxAttempts());
        try {
            return attempts(call, pending);
        } finally {
            CallStats.end(pending);
        }
    }

    private HttpResult attempts(HttpCall call, CallStats.Pending pending) {
        long firstThrottled = Long.MIN_VALUE;
        for (int attempt = 1; ; ) {
            HttpResult result;
            try {
                result = delegate.execute(call);
            } catch (IngestException e) {
                if (!e.kind().retryable() || attempt >= policy.maxAttempts() || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                pause(call, pending, attempt, policy.delay(attempt, Optional.empty()), e.getMessage());
                attempt++;
                continue;
            }
            if (result.status() == 429) {
                long now = ticker.nanos();
                firstThrottled = firstThrottled == Long.MIN_VALUE ? now : firstThrottled;
                if (now - firstThrottled >= policy.maxThrottled().toNanos() || Thread.currentThread().isInterrupted()) {
                    return result;
                }
                CallStats.recordRetry();
                CallStats.throttled(pending);
                log.debug("Sending {} again through the rate limiter after HTTP 429", call);
                continue;
            }
            if (!RetryPolicy.isRetryableStatus(result.status()) || attempt >= policy.maxAttempts()) {
                return result;
            }
            pause(call, pending, attempt, policy.delay(attempt, result.retryAfter(ticker.now())), "HTTP " + result.status());
            attempt++;
        }
    }

    private void pause(HttpCall call, CallStats.Pending pending, int attempt, Duration wait, String reason) {
        CallStats.recordRetry();
        CallStats.retrying(pending, attempt + 1, reason);
        CallStats.stage("waiting " + wait.toMillis() + " ms before trying again");
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

package io.stockingest.core.http;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When and how long to wait before trying a request again.
 *
 * <p>429, 500, 502, 503, 504, 408 and transport failures are retried up to {@code maxAttempts} in all; anything
 * else (401, 403, 404, 402, 422, ...) is answered at once. The wait is exponential with full jitter,
 * {@code random(0, min(maxDelay, baseDelay * 2^(attempt-1)))}, except that a {@code Retry-After} header is honoured
 * (capped at {@code maxDelay}), and a 429 without one waits at least {@code throttleDelay} (FMP sends no rate
 * headers, so its policy uses its plan window).
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration throttleDelay) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(60), Duration.ofSeconds(2));

    public RetryPolicy {
        requireNonNull(baseDelay, "baseDelay is null");
        requireNonNull(maxDelay, "maxDelay is null");
        requireNonNull(throttleDelay, "throttleDelay is null");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    public static boolean isRetryableStatus(int status) {
        return status == 429 || status == 408 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    /** The wait before attempt {@code attempt + 1}, after attempt {@code attempt} (1-based) failed. */
    public Duration delay(int attempt, int status, Optional<Duration> retryAfter, DoubleSupplier random) {
        if (retryAfter.isPresent()) {
            Duration wait = retryAfter.get();
            return wait.compareTo(maxDelay) > 0 ? maxDelay : wait;
        }
        long ceiling = Math.min(maxDelay.toMillis(), baseDelay.toMillis() << Math.min(attempt - 1, 20));
        long jittered = (long) (random.getAsDouble() * ceiling);
        Duration wait = Duration.ofMillis(jittered);
        if (status == 429 && wait.compareTo(throttleDelay) < 0) {
            wait = throttleDelay;
        }
        return wait;
    }

    public Duration delay(int attempt, int status, Optional<Duration> retryAfter) {
        return delay(attempt, status, retryAfter, () -> ThreadLocalRandom.current().nextDouble());
    }

    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, baseDelay, maxDelay, throttleDelay);
    }

    public RetryPolicy withThrottleDelay(Duration delay) {
        return new RetryPolicy(maxAttempts, baseDelay, maxDelay, delay);
    }
}

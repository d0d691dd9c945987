package io.stockingest.core.http;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When and how long to wait before trying a request again.
 *
 * <p>500, 502, 503, 504, 408 and transport failures are retried up to {@code maxAttempts} in all; anything else
 * (401, 403, 404, 402, 422, ...) is answered at once. The wait is exponential with full jitter,
 * {@code random(0, min(maxDelay, baseDelay * 2^(attempt-1)))}, except that a {@code Retry-After} header is honoured
 * (capped at {@code maxDelay}).
 *
 * <p>A 429 is not a failed attempt: the request goes straight back through the provider's {@link RateLimiter},
 * which decides when it may leave (it has learned from the 429, and honours {@code Retry-After} and the rate
 * headers). A call gives up on 429s once it has been throttled for {@code maxThrottled} since its first 429
 * (default 2 minutes; {@link ProviderEndpoint} raises it to two periods of a longer limit, at most 2 hours, so that
 * an hourly window can roll); {@link Duration#ZERO} answers the first 429 at once (a daily budget that is used up).
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration maxThrottled) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(60), Duration.ofMinutes(2));

    public RetryPolicy {
        requireNonNull(baseDelay, "baseDelay is null");
        requireNonNull(maxDelay, "maxDelay is null");
        requireNonNull(maxThrottled, "maxThrottled is null");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    public static boolean isRetryableStatus(int status) {
        return status == 408 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    /** The wait before attempt {@code attempt + 1}, after attempt {@code attempt} (1-based) failed. */
    public Duration delay(int attempt, Optional<Duration> retryAfter, DoubleSupplier random) {
        if (retryAfter.isPresent()) {
            Duration wait = retryAfter.get();
            return wait.compareTo(maxDelay) > 0 ? maxDelay : wait;
        }
        long ceiling = Math.min(maxDelay.toMillis(), baseDelay.toMillis() << Math.min(attempt - 1, 20));
        return Duration.ofMillis((long) (random.getAsDouble() * ceiling));
    }

    public Duration delay(int attempt, Optional<Duration> retryAfter) {
        return delay(attempt, retryAfter, () -> ThreadLocalRandom.current().nextDouble());
    }

    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, baseDelay, maxDelay, maxThrottled);
    }

    public RetryPolicy withMaxThrottled(Duration throttled) {
        return new RetryPolicy(maxAttempts, baseDelay, maxDelay, throttled);
    }
}

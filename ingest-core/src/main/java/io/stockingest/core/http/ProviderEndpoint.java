package io.stockingest.core.http;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;

/**
 * How to talk to one provider: where, how fast, how patiently.
 *
 * @param counting how the provider counts its limit ({@link RateLimiter.Counting#FIXED} for FMP's per-minute plans)
 * @param timeout the response timeout: how long one attempt waits for the answer (and each read of its body)
 * @param connectTimeout how long one attempt waits for a TCP connection
 * @param maxConnections connections kept open; at least the run's worker count
 */
public record ProviderEndpoint(
        String provider, URI baseUrl, RateLimit rateLimit, RateLimiter.Counting counting, RetryPolicy retryPolicy, Duration timeout,
        Duration connectTimeout, int maxConnections, String userAgent) {
    /** Whole seconds one attempt waits for a TCP connection, for every provider. */
    public static final String CONNECT_TIMEOUT = "HTTP_CONNECT_TIMEOUT";
    /** The default of {@code HTTP_CONNECT_TIMEOUT}: a connect takes milliseconds to a second; longer means unreachable. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MAX_THROTTLED = Duration.ofHours(2);

    public ProviderEndpoint {
        requireNonNull(provider, "provider is null");
        requireNonNull(baseUrl, "baseUrl is null");
        requireNonNull(rateLimit, "rateLimit is null");
        requireNonNull(counting, "counting is null");
        requireNonNull(retryPolicy, "retryPolicy is null");
        requireNonNull(timeout, "timeout is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
    }

    /** An endpoint whose provider counts in sliding (or unknown) windows, with the default connect timeout. */
    public ProviderEndpoint(String provider, URI baseUrl, RateLimit rateLimit, RetryPolicy retryPolicy, Duration timeout, int maxConnections,
            String userAgent) {
        this(provider, baseUrl, rateLimit, RateLimiter.Counting.SLIDING, retryPolicy, timeout, DEFAULT_CONNECT_TIMEOUT, maxConnections, userAgent);
    }

    /** {@code HTTP_CONNECT_TIMEOUT} from {@code settings}, or its default; a bad value throws, naming the variable. */
    public static Duration connectTimeout(io.stockingest.core.config.Settings settings) {
        return Duration.ofSeconds(settings.positiveInt(CONNECT_TIMEOUT, (int) DEFAULT_CONNECT_TIMEOUT.toSeconds()));
    }

    /** This endpoint for a provider that counts in fixed windows of its limit's period. */
    public ProviderEndpoint withFixedWindows() {
        return new ProviderEndpoint(provider, baseUrl, rateLimit, RateLimiter.Counting.FIXED, retryPolicy, timeout, connectTimeout, maxConnections,
                userAgent);
    }

    public ProviderEndpoint withConnectTimeout(Duration connect) {
        return new ProviderEndpoint(provider, baseUrl, rateLimit, counting, retryPolicy, timeout, connect, maxConnections, userAgent);
    }

    /**
     * Builds the transport stack for this provider: retries over the Apache client, which takes a permit from the
     * provider's rate limiter for each request once its connection is leased.
     */
    public HttpTransport transport(Ticker ticker) {
        RateLimiter limiter = new RateLimiter(rateLimit, counting, ticker);
        return new RetryingTransport(new ApacheHttpTransport(connectTimeout, timeout, Math.max(4, maxConnections), userAgent, limiter),
                effectiveRetryPolicy(), ticker);
    }

    /** The retry policy, allowing a throttled call two periods of a limit longer than a minute (at most 2 hours). */
    RetryPolicy effectiveRetryPolicy() {
        if (rateLimit.period().compareTo(Duration.ofMinutes(1)) <= 0 || retryPolicy.maxThrottled().isZero()) {
            return retryPolicy;
        }
        Duration twoPeriods = rateLimit.period().multipliedBy(2);
        Duration allowed = twoPeriods.compareTo(MAX_THROTTLED) > 0 ? MAX_THROTTLED : twoPeriods;
        return retryPolicy.maxThrottled().compareTo(allowed) >= 0 ? retryPolicy : retryPolicy.withMaxThrottled(allowed);
    }

    /** {@code baseUrl} joined with a path that starts with {@code /} and may hold a query. */
    public URI resolve(String pathAndQuery) {
        String base = baseUrl.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + pathAndQuery);
    }
}

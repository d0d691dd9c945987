package io.stockingest.core.http;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;

/**
 * How to talk to one provider: where, how fast, how patiently.
 *
 * @param maxConnections connections kept open; at least the run's worker count
 */
public record ProviderEndpoint(
        String provider, URI baseUrl, RateLimit rateLimit, RetryPolicy retryPolicy, Duration timeout, int maxConnections, String userAgent) {

    public ProviderEndpoint {
        requireNonNull(provider, "provider is null");
        requireNonNull(baseUrl, "baseUrl is null");
        requireNonNull(rateLimit, "rateLimit is null");
        requireNonNull(retryPolicy, "retryPolicy is null");
        requireNonNull(timeout, "timeout is null");
    }

    /** Builds the transport stack for this provider: retries over the rate limiter over the Apache client. */
    public HttpTransport transport(Ticker ticker) {
        HttpTransport apache = new ApacheHttpTransport(timeout, Math.max(4, maxConnections), userAgent);
        return new RetryingTransport(new RateLimitedTransport(apache, new RateLimiter(rateLimit, ticker)), retryPolicy, ticker);
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

package io.stockingest.source.yahoo;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.config.ConfigProblems;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.ProviderEndpoint;
import io.stockingest.core.http.RateLimit;
import io.stockingest.core.http.RetryPolicy;
import java.net.URI;
import java.time.Duration;

/**
 * Yahoo settings. {@code YAHOO_MAX_CONSECUTIVE_THROTTLED} (default 3) is the circuit breaker: after that many
 * requests in a row end throttled (each after its retries), the run stops calling Yahoo. {@code YAHOO_RATE_LIMIT} defaults to {@code 60/min}: Yahoo publishes no limit and throttles bursts
 * (one probe saw 6 requests in 10 s refused), so one request a second is what a real user can live with for a
 * nightly run of a few hundred symbols.
 */
public record YahooConfig(URI baseUrl, RateLimit rateLimit, int maxWorkers, Duration timeout, String userAgent, int breakerThreshold, URI cookieUrl,
        Duration connectTimeout) {
    public static final URI DEFAULT_BASE_URL = URI.create("https://query2.finance.yahoo.com");
    public static final RateLimit DEFAULT_RATE_LIMIT = new RateLimit(60, Duration.ofMinutes(1));
    public static final int DEFAULT_BREAKER_THRESHOLD = 3;
    /**
     * {@code HTTP_TIMEOUT} (whole seconds): response timeout of each attempt (the answer, and each read of its body).
     * {@code HTTP_CONNECT_TIMEOUT} (whole seconds, default 10) is the connect timeout.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final URI DEFAULT_COOKIE_URL = URI.create("https://fc.yahoo.com");
    public static final String DEFAULT_USER_AGENT =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    public YahooConfig {
        requireNonNull(baseUrl, "baseUrl is null");
        requireNonNull(rateLimit, "rateLimit is null");
        requireNonNull(timeout, "timeout is null");
        requireNonNull(userAgent, "userAgent is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
    }

    public static YahooConfig from(Settings settings) {
        ConfigProblems problems = new ConfigProblems();
        URI baseUrl = problems.check(() -> parseUrl(settings.get("YAHOO_BASE_URL", DEFAULT_BASE_URL.toString())));
        RateLimit limit = problems.check(() -> settings.get("YAHOO_RATE_LIMIT").map(RateLimit::parse).orElse(DEFAULT_RATE_LIMIT));
        Integer workers = problems.check(() -> settings.positiveInt("MAX_WORKERS", 8));
        Integer breaker = problems.check(() -> settings.positiveInt("YAHOO_MAX_CONSECUTIVE_THROTTLED", DEFAULT_BREAKER_THRESHOLD));
        URI cookieUrl = problems.check(() -> parseUrl(settings.get("YAHOO_COOKIE_URL", DEFAULT_COOKIE_URL.toString())));
        Integer timeoutSeconds = problems.check(() -> settings.positiveInt("HTTP_TIMEOUT", (int) DEFAULT_TIMEOUT.toSeconds()));
        Duration connectTimeout = problems.check(() -> ProviderEndpoint.connectTimeout(settings));
        problems.throwIfAny();
        return new YahooConfig(baseUrl, limit, workers, Duration.ofSeconds(timeoutSeconds), DEFAULT_USER_AGENT, breaker, cookieUrl, connectTimeout);
    }

    /** A 429 from Yahoo is often a block of the address for a while: a call gives up after 30 s of them (then the breaker). */
    public ProviderEndpoint endpoint() {
        return new ProviderEndpoint("yahoo", baseUrl, rateLimit, RetryPolicy.DEFAULT.withMaxThrottled(Duration.ofSeconds(30)), timeout,
                maxWorkers, userAgent).withConnectTimeout(connectTimeout);
    }

    static URI parseUrl(String text) {
        try {
            URI uri = URI.create(text);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException("'" + text + "' is not an http(s) URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("YAHOO_BASE_URL or YAHOO_COOKIE_URL '" + text + "' is not an http(s) URL");
        }
    }

}

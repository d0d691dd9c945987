package io.stockingest.source.polygon;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.ProviderEndpoint;
import io.stockingest.core.http.RateLimit;
import io.stockingest.core.http.Secrets;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Settings of the Polygon (Massive) source.
 *
 * <ul>
 *   <li>{@code POLYGON_API_KEY}, or its alias {@code MASSIVE_API_KEY} (the first wins): required; sent as
 *       {@code Authorization: Bearer} and only ever to {@code baseUrl}.</li>
 *   <li>{@code POLYGON_BASE_URL}: default {@value #DEFAULT_BASE_URL} (the rebranded host; {@code https://api.polygon.io}
 *       serves the same API with the same keys).</li>
 *   <li>{@code POLYGON_RATE_LIMIT}: default {@value #DEFAULT_RATE_LIMIT}, the free plan's limit; paid plans are
 *       "unlimited" but asked to stay under 100 requests per second.</li>
 *   <li>{@code MAX_WORKERS}: requests in flight at once, default {@value #DEFAULT_MAX_WORKERS}.</li>
 *   <li>{@code HTTP_TIMEOUT}: response timeout of each attempt in whole seconds (how long it waits for the answer
 *       and for each read of its body; the same setting as Yahoo's), default 60. A timeout is retried like a 5xx;
 *       when the retries are used up the symbol fails with "timed out" in its message.</li>
 *   <li>{@code HTTP_CONNECT_TIMEOUT}: connect timeout of each attempt in whole seconds, default 10.</li>
 * </ul>
 */
public record PolygonConfig(String apiKey, URI baseUrl, RateLimit rateLimit, int maxWorkers, Duration timeout, Duration connectTimeout) {
    public static final String API_KEY = "POLYGON_API_KEY";
    public static final String API_KEY_ALIAS = "MASSIVE_API_KEY";
    public static final String BASE_URL = "POLYGON_BASE_URL";
    public static final String RATE_LIMIT = "POLYGON_RATE_LIMIT";
    public static final String MAX_WORKERS = "MAX_WORKERS";
    public static final String DEFAULT_BASE_URL = "https://api.massive.com";
    public static final String DEFAULT_RATE_LIMIT = "5/min";
    public static final int DEFAULT_MAX_WORKERS = 8;
    public static final String HTTP_TIMEOUT = "HTTP_TIMEOUT";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public PolygonConfig {
        requireNonNull(apiKey, "apiKey is null");
        requireNonNull(baseUrl, "baseUrl is null");
        requireNonNull(rateLimit, "rateLimit is null");
        requireNonNull(timeout, "timeout is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        if (apiKey.isBlank()) {
            throw new IllegalArgumentException("apiKey is blank");
        }
        if (maxWorkers < 1) {
            throw new IllegalArgumentException("maxWorkers must be at least 1");
        }
        Secrets.register(apiKey);
    }

    /** Reads the settings; every problem is reported at once as one {@code CONFIG} error naming the variables. */
    public static PolygonConfig from(Settings settings) {
        List<String> problems = new ArrayList<>();
        Optional<String> key = settings.get(API_KEY).or(() -> settings.get(API_KEY_ALIAS));
        if (key.isEmpty()) {
            problems.add(API_KEY + " is not set: the polygon source needs a Polygon/Massive API key (free keys at "
                    + "https://massive.com); set " + API_KEY + " (or " + API_KEY_ALIAS + ") in the environment or .env");
        }
        URI baseUrl = parseBaseUrl(settings.get(BASE_URL, DEFAULT_BASE_URL), problems);
        RateLimit rateLimit = null;
        String rateText = settings.get(RATE_LIMIT, DEFAULT_RATE_LIMIT);
        try {
            rateLimit = RateLimit.parse(rateText);
        } catch (IllegalArgumentException e) {
            problems.add(RATE_LIMIT + ": " + e.getMessage());
        }
        int maxWorkers = DEFAULT_MAX_WORKERS;
        try {
            maxWorkers = settings.positiveInt(MAX_WORKERS, DEFAULT_MAX_WORKERS);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        int timeoutSeconds = (int) DEFAULT_TIMEOUT.toSeconds();
        try {
            timeoutSeconds = settings.positiveInt(HTTP_TIMEOUT, timeoutSeconds);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        Duration connectTimeout = ProviderEndpoint.DEFAULT_CONNECT_TIMEOUT;
        try {
            connectTimeout = ProviderEndpoint.connectTimeout(settings);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new IngestException(ErrorKind.CONFIG, String.join("\n", problems));
        }
        return new PolygonConfig(key.orElseThrow(), baseUrl, rateLimit, maxWorkers, Duration.ofSeconds(timeoutSeconds), connectTimeout);
    }

    private static URI parseBaseUrl(String text, List<String> problems) {
        try {
            URI uri = URI.create(text);
            if (uri.getScheme() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http")) || uri.getHost() == null) {
                problems.add(BASE_URL + " must be an http(s) URL like " + DEFAULT_BASE_URL + ", not '" + text + "'");
                return null;
            }
            return uri;
        } catch (IllegalArgumentException e) {
            problems.add(BASE_URL + " must be an http(s) URL like " + DEFAULT_BASE_URL + ", not '" + text + "'");
            return null;
        }
    }

    @Override
    public String toString() {
        return "PolygonConfig[apiKey=" + Secrets.MASK + ", baseUrl=" + baseUrl + ", rateLimit=" + rateLimit + ", maxWorkers=" + maxWorkers + ", timeout=" + timeout + ", connectTimeout=" + connectTimeout + "]";
    }
}

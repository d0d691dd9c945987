package io.stockingest.source.fmp;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.ProviderEndpoint;
import io.stockingest.core.http.RateLimit;
import io.stockingest.core.http.RetryPolicy;
import io.stockingest.core.http.Secrets;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Settings of the FMP source.
 *
 * <ul>
 *   <li>{@code FMP_API_KEY}: required; sent as the {@code apikey} query parameter, only ever to {@code baseUrl}.</li>
 *   <li>{@code FMP_BASE_URL}: default {@value #DEFAULT_BASE_URL}.</li>
 *   <li>{@code FMP_PLAN}: {@code free} (the default: the entry plan, as PRODUCT.md asks of every rate-limit default),
 *       {@code starter}, {@code premium} or {@code ultimate}. It picks the limit: 250 calls a day, 300, 750 or 3,000
 *       calls a minute.</li>
 *   <li>{@code FMP_RATE_LIMIT}: overrides the plan's limit ({@code 300/min}, {@code 250/day}).</li>
 *   <li>{@code FMP_API_GENERATION}: {@code stable} (default) or {@code v3} for daily bars from the legacy
 *       {@code /api/v3} endpoint, which only subscriptions from before 2025-08-31 may still use.</li>
 *   <li>{@code MAX_WORKERS}: requests in flight at once, default {@value #DEFAULT_MAX_WORKERS}.</li>
 *   <li>{@code FMP_USAGE_FILE}: where the calls sent today are counted when the limit is per day; default
 *       {@code ~/.stock-ingest/fmp-calls-<first 12 hex digits of the key's SHA-256>.txt}, one file per key.</li>
 *   <li>{@code HTTP_TIMEOUT}: response timeout of each attempt in whole seconds (how long it waits for the answer
 *       and for each read of its body; the same setting as Yahoo's), default 60. A timeout is retried like a 5xx;
 *       when the retries are used up the symbol fails with "timed out" in its message.</li>
 *   <li>{@code HTTP_CONNECT_TIMEOUT}: connect timeout of each attempt in whole seconds, default 10.</li>
 * </ul>
 *
 * <p>A limit counted per day (the free plan's {@code 250/day}) is a <em>budget</em>, not a pace: spacing 250
 * requests evenly over a day would make a 10-symbol run take an hour. Such a limit becomes {@link #dailyBudget()},
 * checked before the first request, and requests are paced at {@link #DAILY_PLAN_PACE} instead.
 */
public record FmpConfig(String apiKey, URI baseUrl, Plan plan, RateLimit rateLimit, OptionalInt dailyBudget, ApiGeneration generation,
        int maxWorkers, Path usageFile, Duration timeout, Duration connectTimeout) {
    public static final String API_KEY = "FMP_API_KEY";
    public static final String BASE_URL = "FMP_BASE_URL";
    public static final String PLAN = "FMP_PLAN";
    public static final String RATE_LIMIT = "FMP_RATE_LIMIT";
    public static final String API_GENERATION = "FMP_API_GENERATION";
    public static final String MAX_WORKERS = "MAX_WORKERS";
    public static final String USAGE_FILE = "FMP_USAGE_FILE";
    public static final String DEFAULT_BASE_URL = "https://financialmodelingprep.com";
    public static final int DEFAULT_MAX_WORKERS = 8;
    /** How fast requests go on a plan limited per day (FMP support once stated 5 requests a second for bursts). */
    public static final RateLimit DAILY_PLAN_PACE = new RateLimit(60, Duration.ofMinutes(1));
    public static final String HTTP_TIMEOUT = "HTTP_TIMEOUT";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** An FMP subscription and the limit it comes with. */
    public enum Plan {
        FREE("free", new RateLimit(250, Duration.ofDays(1))),
        STARTER("starter", new RateLimit(300, Duration.ofMinutes(1))),
        PREMIUM("premium", new RateLimit(750, Duration.ofMinutes(1))),
        ULTIMATE("ultimate", new RateLimit(3000, Duration.ofMinutes(1)));

        private final String code;
        private final RateLimit rateLimit;

        Plan(String code, RateLimit rateLimit) {
            this.code = code;
            this.rateLimit = rateLimit;
        }

        public String code() {
            return code;
        }

        public RateLimit rateLimit() {
            return rateLimit;
        }

        static Plan parse(String text) {
            return Arrays.stream(values())
                    .filter(plan -> plan.code.equals(text.strip().toLowerCase(Locale.ROOT)))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(PLAN + " must be one of "
                            + Arrays.stream(values()).map(Plan::code).collect(Collectors.joining(", ")) + ", not '" + text + "'"));
        }
    }

    /** Which FMP API serves daily bars. */
    public enum ApiGeneration {
        /** {@code /stable/...}: symbol in the query; every key. */
        STABLE("stable"),
        /** {@code /api/v3/...}: symbol in the path; keys and subscriptions from before 2025-08-31 only. */
        V3("v3");

        private final String code;

        ApiGeneration(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        static ApiGeneration parse(String text) {
            return Arrays.stream(values())
                    .filter(generation -> generation.code.equals(text.strip().toLowerCase(Locale.ROOT)))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(API_GENERATION + " must be stable or v3, not '" + text + "'"));
        }
    }

    public FmpConfig {
        requireNonNull(apiKey, "apiKey is null");
        requireNonNull(baseUrl, "baseUrl is null");
        requireNonNull(plan, "plan is null");
        requireNonNull(rateLimit, "rateLimit is null");
        requireNonNull(dailyBudget, "dailyBudget is null");
        requireNonNull(generation, "generation is null");
        requireNonNull(usageFile, "usageFile is null");
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
    public static FmpConfig from(Settings settings) {
        List<String> problems = new ArrayList<>();
        Optional<String> key = settings.get(API_KEY);
        if (key.isEmpty()) {
            problems.add(API_KEY + " is not set: the fmp source needs a Financial Modeling Prep API key (a free one at "
                    + "https://site.financialmodelingprep.com/developer/docs); set " + API_KEY + " in the environment or .env");
        }
        URI baseUrl = parse(problems, () -> parseBaseUrl(settings.get(BASE_URL, DEFAULT_BASE_URL)));
        Plan plan = parse(problems, () -> Plan.parse(settings.get(PLAN, Plan.FREE.code())));
        RateLimit limit = parse(problems, () -> settings.get(RATE_LIMIT).map(text -> {
            try {
                return RateLimit.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(RATE_LIMIT + ": " + e.getMessage());
            }
        }).orElse(null));
        ApiGeneration generation = parse(problems, () -> ApiGeneration.parse(settings.get(API_GENERATION, ApiGeneration.STABLE.code())));
        Integer workers = parse(problems, () -> settings.positiveInt(MAX_WORKERS, DEFAULT_MAX_WORKERS));
        Path usageFile = parse(problems, () -> settings.get(USAGE_FILE).map(text -> {
            try {
                return Path.of(text);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException(USAGE_FILE + " '" + text + "' is not a file path");
            }
        }).orElseGet(() -> key.map(FmpConfig::defaultUsageFile).orElse(null)));
        Integer timeoutSeconds = parse(problems, () -> settings.positiveInt(HTTP_TIMEOUT, (int) DEFAULT_TIMEOUT.toSeconds()));
        Duration connectTimeout = parse(problems, () -> ProviderEndpoint.connectTimeout(settings));
        if (!problems.isEmpty()) {
            throw new IngestException(ErrorKind.CONFIG, String.join("\n", problems));
        }
        RateLimit effective = limit != null ? limit : plan.rateLimit();
        boolean perDay = effective.period().compareTo(Duration.ofDays(1)) >= 0;
        OptionalInt budget = perDay ? OptionalInt.of(effective.permits()) : OptionalInt.empty();
        return new FmpConfig(key.orElseThrow(), baseUrl, plan, perDay ? DAILY_PLAN_PACE : effective, budget, generation, workers,
                usageFile, Duration.ofSeconds(timeoutSeconds), connectTimeout);
    }

    /** {@code ~/.stock-ingest/fmp-calls-<hash>.txt}: FMP counts calls per key, and the key itself stays out of the name. */
    static Path defaultUsageFile(String apiKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(apiKey.strip().getBytes(StandardCharsets.UTF_8));
            String hash = HexFormat.of().formatHex(digest).substring(0, 12);
            return Path.of(System.getProperty("user.home"), ".stock-ingest", "fmp-calls-" + hash + ".txt");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * One rate-limited, retrying endpoint. FMP sends no {@code Retry-After} and no rate headers, and counts its
     * per-minute plans in fixed windows: a 429 there means this minute is used up, and the limiter waits for the window
     * to roll ({@link io.stockingest.core.http.RateLimiter.Counting#FIXED}; checked once per run: a server that turns
     * out to count in a sliding window is then treated as one). On a daily budget a 429 means the day is
     * used up, so it is answered at once and the symbol fails.
     */
    public ProviderEndpoint endpoint() {
        ProviderEndpoint endpoint = new ProviderEndpoint(FmpClient.PROVIDER, baseUrl, rateLimit, retryPolicy(), timeout, maxWorkers, "stock-ingest")
                .withConnectTimeout(connectTimeout);
        return dailyBudget.isPresent() ? endpoint : endpoint.withFixedWindows();
    }

    RetryPolicy retryPolicy() {
        return dailyBudget.isPresent() ? RetryPolicy.DEFAULT.withMaxThrottled(Duration.ZERO) : RetryPolicy.DEFAULT;
    }

    private static <T> T parse(List<String> problems, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    private static URI parseBaseUrl(String text) {
        try {
            URI uri = URI.create(text);
            if (uri.getScheme() != null && (uri.getScheme().equals("https") || uri.getScheme().equals("http")) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException(BASE_URL + " must be an http(s) URL like " + DEFAULT_BASE_URL + ", not '" + text + "'");
    }

    @Override
    public String toString() {
        return "FmpConfig[apiKey=" + Secrets.MASK + ", baseUrl=" + baseUrl + ", plan=" + plan.code() + ", rateLimit=" + rateLimit
                + ", dailyBudget=" + dailyBudget + ", generation=" + generation.code() + ", maxWorkers=" + maxWorkers + ", usageFile=" + usageFile + ", timeout=" + timeout + ", connectTimeout=" + connectTimeout + "]";
    }
}

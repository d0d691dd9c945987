package io.stockingest.source.fmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.RateLimit;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class FmpConfigTest {
    private static final String KEY = "fmp_config_test_key_4411";

    @Test
    void defaultsToTheFreePlanOnTheStableApi() {
        FmpConfig config = FmpConfig.from(Settings.of(Map.of("FMP_API_KEY", KEY)));

        assertThat(config.apiKey()).isEqualTo(KEY);
        assertThat(config.baseUrl()).isEqualTo(URI.create("https://financialmodelingprep.com"));
        assertThat(config.plan()).isEqualTo(FmpConfig.Plan.FREE);
        assertThat(config.dailyBudget()).hasValue(250);
        assertThat(config.rateLimit()).as("a daily budget is not a pace").isEqualTo(FmpConfig.DAILY_PLAN_PACE);
        assertThat(config.generation()).isEqualTo(FmpConfig.ApiGeneration.STABLE);
        assertThat(config.maxWorkers()).isEqualTo(8);
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.endpoint().timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.endpoint().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.retryPolicy().maxThrottled()).as("a used-up day is not retried: the first 429 fails the call").isZero();
        assertThat(config.usageFile()).as("one file per key, named by a hash")
                .isEqualTo(Path.of(System.getProperty("user.home"), ".stock-ingest", "fmp-calls-1a4d7249b5e5.txt"));
        assertThat(config.toString()).doesNotContain(KEY);
    }

    @Test
    void mapsEveryProperty() {
        FmpConfig config = FmpConfig.from(Settings.of(Map.of(
                "FMP_API_KEY", KEY,
                "FMP_BASE_URL", "http://127.0.0.1:9999",
                "FMP_PLAN", "Premium",
                "FMP_RATE_LIMIT", "100/min",
                "FMP_API_GENERATION", "v3",
                "MAX_WORKERS", "3",
                "FMP_USAGE_FILE", "/tmp/fmp-usage.txt",
                "HTTP_TIMEOUT", "7",
                "HTTP_CONNECT_TIMEOUT", "3")));

        assertThat(config.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:9999"));
        assertThat(config.plan()).isEqualTo(FmpConfig.Plan.PREMIUM);
        assertThat(config.rateLimit()).isEqualTo(new RateLimit(100, Duration.ofMinutes(1)));
        assertThat(config.dailyBudget()).isEqualTo(OptionalInt.empty());
        assertThat(config.generation()).isEqualTo(FmpConfig.ApiGeneration.V3);
        assertThat(config.maxWorkers()).isEqualTo(3);
        assertThat(config.usageFile()).isEqualTo(Path.of("/tmp/fmp-usage.txt"));
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(config.endpoint().timeout()).as("the transport uses it").isEqualTo(Duration.ofSeconds(7));
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.endpoint().connectTimeout()).as("the transport uses it").isEqualTo(Duration.ofSeconds(3));
        assertThat(config.endpoint().baseUrl()).isEqualTo(URI.create("http://127.0.0.1:9999"));
        assertThat(config.endpoint().counting()).as("a 429 waits for FMP's fixed minute window to roll")
                .isEqualTo(io.stockingest.core.http.RateLimiter.Counting.FIXED);
    }

    @Test
    void aBadHttpTimeoutIsAConfigErrorNamingTheVariable() {
        assertThatThrownBy(() -> FmpConfig.from(Settings.of(Map.of("FMP_API_KEY", KEY, "HTTP_TIMEOUT", "0"))))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG))
                .hasMessageContaining("HTTP_TIMEOUT '0' is not a positive whole number");
    }

    @Test
    void eachPlanPicksItsLimit() {
        assertThat(plan("starter").rateLimit()).isEqualTo(new RateLimit(300, Duration.ofMinutes(1)));
        assertThat(plan("premium").rateLimit()).isEqualTo(new RateLimit(750, Duration.ofMinutes(1)));
        assertThat(plan("ultimate").rateLimit()).isEqualTo(new RateLimit(3000, Duration.ofMinutes(1)));
        assertThat(plan("starter").dailyBudget()).isEmpty();
        assertThat(plan("free").dailyBudget()).hasValue(250);
    }

    @Test
    void aPerDayRateLimitBecomesTheDailyBudget() {
        FmpConfig config = FmpConfig.from(Settings.of(Map.of("FMP_API_KEY", KEY, "FMP_PLAN", "starter", "FMP_RATE_LIMIT", "40/day")));

        assertThat(config.dailyBudget()).hasValue(40);
        assertThat(config.rateLimit()).isEqualTo(FmpConfig.DAILY_PLAN_PACE);
    }

    @Test
    void aMissingKeyIsAConfigErrorNamingTheVariable() {
        assertThatThrownBy(() -> FmpConfig.from(Settings.of(Map.of())))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG))
                .hasMessageStartingWith("FMP_API_KEY is not set");
    }

    @Test
    void reportsEveryBadValueAtOnce() {
        assertThatThrownBy(() -> FmpConfig.from(Settings.of(Map.of(
                "FMP_BASE_URL", "ftp://x",
                "FMP_PLAN", "gold",
                "FMP_RATE_LIMIT", "fast",
                "FMP_API_GENERATION", "v4",
                "MAX_WORKERS", "0"))))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG))
                .hasMessageContaining("FMP_API_KEY is not set")
                .hasMessageContaining("FMP_BASE_URL must be an http(s) URL like https://financialmodelingprep.com, not 'ftp://x'")
                .hasMessageContaining("FMP_PLAN must be one of free, starter, premium, ultimate, not 'gold'")
                .hasMessageContaining("FMP_RATE_LIMIT: Invalid rate limit 'fast'")
                .hasMessageContaining("FMP_API_GENERATION must be stable or v3, not 'v4'")
                .hasMessageContaining("MAX_WORKERS '0' is not a positive whole number");
    }

    private static FmpConfig plan(String plan) {
        return FmpConfig.from(Settings.of(Map.of("FMP_API_KEY", KEY, "FMP_PLAN", plan)));
    }
}

package io.stockingest.source.polygon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.RateLimit;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolygonConfigTest {
    private static final String KEY = "pk_config_test_9f8e7d6c5b4a";

    @Test
    void defaultsToMassiveHostFreePlanRateAndEightWorkers() {
        PolygonConfig config = PolygonConfig.from(Settings.of(Map.of("POLYGON_API_KEY", KEY)));

        assertThat(config.apiKey()).isEqualTo(KEY);
        assertThat(config.baseUrl()).isEqualTo(URI.create("https://api.massive.com"));
        assertThat(config.rateLimit()).isEqualTo(new RateLimit(5, Duration.ofMinutes(1)));
        assertThat(config.maxWorkers()).isEqualTo(8);
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void mapsEverySetting() {
        PolygonConfig config = PolygonConfig.from(Settings.of(Map.of(
                "POLYGON_API_KEY", KEY,
                "POLYGON_BASE_URL", "http://127.0.0.1:8089/",
                "POLYGON_RATE_LIMIT", "100/sec",
                "MAX_WORKERS", "3",
                "HTTP_TIMEOUT", "7",
                "HTTP_CONNECT_TIMEOUT", "3")));

        assertThat(config.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:8089/"));
        assertThat(config.rateLimit()).isEqualTo(new RateLimit(100, Duration.ofSeconds(1)));
        assertThat(config.maxWorkers()).isEqualTo(3);
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void acceptsMassiveApiKeyAliasButPolygonKeyWins() {
        assertThat(PolygonConfig.from(Settings.of(Map.of("MASSIVE_API_KEY", KEY))).apiKey()).isEqualTo(KEY);
        assertThat(PolygonConfig.from(Settings.of(Map.of("MASSIVE_API_KEY", "massive-other-key", "POLYGON_API_KEY", KEY))).apiKey())
                .isEqualTo(KEY);
    }

    @Test
    void missingKeyIsConfigErrorNamingTheVariable() {
        assertThatThrownBy(() -> PolygonConfig.from(Settings.of(Map.of())))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG))
                .hasMessageContaining("POLYGON_API_KEY is not set")
                .hasMessageContaining("MASSIVE_API_KEY");
    }

    @Test
    void reportsEveryBadValueAtOnceWithoutTheKey() {
        assertThatThrownBy(() -> PolygonConfig.from(Settings.of(Map.of(
                "POLYGON_API_KEY", KEY,
                "POLYGON_BASE_URL", "ftp://example.com",
                "POLYGON_RATE_LIMIT", "lots",
                "MAX_WORKERS", "zero",
                "HTTP_TIMEOUT", "soon"))))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG))
                .hasMessageContaining("POLYGON_BASE_URL must be an http(s) URL")
                .hasMessageContaining("POLYGON_RATE_LIMIT: Invalid rate limit 'lots'")
                .hasMessageContaining("MAX_WORKERS 'zero' is not a positive whole number")
                .hasMessageContaining("HTTP_TIMEOUT 'soon' is not a positive whole number")
                .message().doesNotContain(KEY);
    }

    @Test
    void toStringMasksTheKey() {
        PolygonConfig config = PolygonConfig.from(Settings.of(Map.of("POLYGON_API_KEY", KEY)));

        assertThat(config.toString()).doesNotContain(KEY).contains("apiKey=****", "https://api.massive.com", "5/min");
    }
}

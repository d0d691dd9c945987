package io.stockingest.core.http;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The rate headers many APIs and gateways send: {@code X-RateLimit-Remaining} / {@code X-RateLimit-Reset} and the
 * IETF draft's {@code RateLimit-Remaining} / {@code RateLimit-Reset}. A reset above 10<sup>9</sup> is Unix seconds
 * (GitHub, Polygon's gateway), a smaller one seconds from now (the draft). Unreadable values count as absent.
 */
final class RateHeaders {
    private static final long UNIX_SECONDS = 1_000_000_000L;

    private RateHeaders() {}

    static Optional<Long> remaining(HttpResult result) {
        return number(result, "X-RateLimit-Remaining").or(() -> number(result, "RateLimit-Remaining"));
    }

    /** How long until the window resets, from {@code now}; never negative. */
    static Optional<Duration> resetIn(HttpResult result, Instant now) {
        return number(result, "X-RateLimit-Reset").or(() -> number(result, "RateLimit-Reset")).map(value -> {
            Duration wait = value >= UNIX_SECONDS ? Duration.between(now, Instant.ofEpochSecond(value)) : Duration.ofSeconds(value);
            return wait.isNegative() ? Duration.ZERO : wait;
        });
    }

    private static Optional<Long> number(HttpResult result, String header) {
        return result.header(header).flatMap(value -> {
            try {
                return Optional.of(Math.round(Double.parseDouble(value.strip())));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }
}

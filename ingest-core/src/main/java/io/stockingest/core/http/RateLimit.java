package io.stockingest.core.http;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/** A request budget such as {@code 300/min}: {@code permits} requests per {@code period}. */
public record RateLimit(int permits, Duration period) {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*/\\s*(\\d*)\\s*(s|sec|second|m|min|minute|h|hour|d|day)");

    public RateLimit {
        requireNonNull(period, "period is null");
        if (permits < 1) {
            throw new IllegalArgumentException("rate limit permits must be at least 1");
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("rate limit period must be positive");
        }
    }

    /** Parses {@code N/sec}, {@code N/min}, {@code N/hour}, {@code N/day}, also {@code N/10s}. */
    public static RateLimit parse(String text) {
        var m = FORMAT.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("Invalid rate limit '" + text + "': use N/sec, N/min, N/hour or N/day, e.g. 300/min");
        }
        int permits = Integer.parseInt(m.group(1));
        long count = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
        Duration unit = switch (m.group(3)) {
            case "s", "sec", "second" -> Duration.ofSeconds(1);
            case "m", "min", "minute" -> Duration.ofMinutes(1);
            case "h", "hour" -> Duration.ofHours(1);
            default -> Duration.ofDays(1);
        };
        return new RateLimit(permits, unit.multipliedBy(count));
    }

    /** The spacing between two requests at this rate. */
    public Duration spacing() {
        return period.dividedBy(permits);
    }

    @Override
    public String toString() {
        long seconds = period.toSeconds();
        String unit = seconds == 1 ? "sec" : seconds == 60 ? "min" : seconds == 3600 ? "hour" : seconds == 86400 ? "day" : seconds + "s";
        return permits + "/" + unit;
    }
}

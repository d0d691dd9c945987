package io.stockingest.core.model;

import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

/** A bar interval, by the names of PRODUCT.md ({@code 1m} .. {@code 1mo}). */
public enum Interval {
    M1("1m", Duration.ofMinutes(1)),
    M2("2m", Duration.ofMinutes(2)),
    M5("5m", Duration.ofMinutes(5)),
    M15("15m", Duration.ofMinutes(15)),
    M30("30m", Duration.ofMinutes(30)),
    H1("1h", Duration.ofHours(1)),
    D1("1d", Duration.ofDays(1)),
    W1("1wk", Duration.ofDays(7)),
    MO1("1mo", Duration.ofDays(30));

    private final String code;
    private final Duration length;
    private final boolean intraday;

    Interval(String code, Duration length) {
        this.code = code;
        this.length = length;
        this.intraday = length.compareTo(Duration.ofDays(1)) < 0;
    }

    public String code() {
        return code;
    }

    /** Nominal length; for {@link #MO1} an approximation. */
    public Duration length() {
        return length;
    }

    public boolean isIntraday() {
        return intraday;
    }

    public static Interval parse(String code) {
        String normalized = "60m".equals(code) ? "1h" : code;
        return Arrays.stream(values())
                .filter(interval -> interval.code.equals(normalized))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown interval '" + Symbol.printable(String.valueOf(code))
                        + "' (known: " + Arrays.stream(values()).map(Interval::code).collect(Collectors.joining(", ")) + ")"));
    }

    @Override
    public String toString() {
        return code;
    }
}

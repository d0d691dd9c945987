package io.stockingest.core.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** A live quote as polled by {@code watch}. Values the provider does not send are null. */
public record Quote(
        Symbol symbol,
        Instant time,
        double price,
        Double bid,
        Double ask,
        Long volume,
        Double dayOpen,
        Double dayHigh,
        Double dayLow,
        Double previousClose,
        String marketState,
        String source) {

    public Quote {
        requireNonNull(symbol, "symbol is null");
        requireNonNull(time, "time is null");
        requireNonNull(source, "source is null");
    }
}

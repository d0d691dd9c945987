package io.stockingest.core.features;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.model.Bar;
import java.time.LocalDate;

/** One stored daily session of a symbol: what the feature windows read. */
public record Session(LocalDate date, double open, double high, double low, double close, long volume) {
    public Session {
        requireNonNull(date, "date is null");
    }

    public static Session of(Bar bar) {
        return new Session(bar.date(), bar.open(), bar.high(), bar.low(), bar.close(), bar.volume());
    }
}

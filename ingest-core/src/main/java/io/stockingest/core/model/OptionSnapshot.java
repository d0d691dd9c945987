package io.stockingest.core.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.LocalDate;

/**
 * One option contract in a chain snapshot. Every market value may be missing (null): contracts that have not
 * traded have no day bar, deep in-the-money ones often have no greeks.
 *
 * @param date the NYSE session date of the snapshot (lake partition)
 */
public record OptionSnapshot(
        String contract,
        Symbol underlying,
        String contractType,
        String exerciseStyle,
        double strike,
        LocalDate expiration,
        Double sharesPerContract,
        Double dayOpen,
        Double dayHigh,
        Double dayLow,
        Double dayClose,
        Double dayVolume,
        Double dayVwap,
        Double openInterest,
        Double impliedVolatility,
        Double delta,
        Double gamma,
        Double theta,
        Double vega,
        Double breakEvenPrice,
        Double underlyingPrice,
        Instant snapshotTime,
        LocalDate date,
        String source) {

    public OptionSnapshot {
        requireNonNull(contract, "contract is null");
        requireNonNull(underlying, "underlying is null");
        requireNonNull(expiration, "expiration is null");
        requireNonNull(date, "date is null");
        requireNonNull(source, "source is null");
    }
}

package io.stockingest.core.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.LocalDate;

/**
 * One option contract in a chain snapshot. Every market value may be missing (null): contracts that have not
 * traded have no day bar, deep in-the-money ones often have no greeks.
 *
 * @param bid the last quote's bid (Polygon {@code last_quote.bid}); {@code ask}, {@code bidSize}, {@code askSize} and
 *     {@code midpoint} likewise
 * @param lastPrice the last trade's price (Polygon {@code last_trade.price})
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
        Double bid,
        Double ask,
        Double bidSize,
        Double askSize,
        Double midpoint,
        Double lastPrice,
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

    /** A contract with no last quote or last trade (the contracts reference, or a snapshot without them). */
    public OptionSnapshot(String contract, Symbol underlying, String contractType, String exerciseStyle, double strike, LocalDate expiration,
            Double sharesPerContract, Double dayOpen, Double dayHigh, Double dayLow, Double dayClose, Double dayVolume, Double dayVwap,
            Double openInterest, Double impliedVolatility, Double delta, Double gamma, Double theta, Double vega, Double breakEvenPrice,
            Double underlyingPrice, Instant snapshotTime, LocalDate date, String source) {
        this(contract, underlying, contractType, exerciseStyle, strike, expiration, sharesPerContract, dayOpen, dayHigh, dayLow, dayClose,
                dayVolume, dayVwap, openInterest, impliedVolatility, delta, gamma, theta, vega, breakEvenPrice, underlyingPrice,
                null, null, null, null, null, null, snapshotTime, date, source);
    }
}

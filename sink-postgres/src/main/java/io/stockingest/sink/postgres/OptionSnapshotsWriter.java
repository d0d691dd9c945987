package io.stockingest.sink.postgres;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.model.OptionSnapshot;
import io.stockingest.core.rules.RowRules;
import io.stockingest.core.spi.RunContext;
import java.util.List;

/**
 * Chain snapshots into {@code option_snapshots}, with the lake's columns. Key (contract, date): one row per contract
 * and NYSE session, so a second snapshot on the same day updates it. The gate (as Snowflake's): contract, underlying
 * and date present, strike present and positive. Thread-safe.
 */
final class OptionSnapshotsWriter {
    static final StagedUpsert TABLE = new StagedUpsert("option_snapshots",
            List.of("contract", "underlying", "contract_type", "exercise_style", "strike", "expiration", "shares_per_contract", "day_open", "day_high",
                    "day_low", "day_close", "day_volume", "day_vwap", "open_interest", "implied_volatility", "delta", "gamma", "theta", "vega",
                    "break_even_price", "underlying_price", "bid", "ask", "bid_size", "ask_size", "midpoint", "last_price", "snapshot_time", "date",
                    "source"),
            List.of("contract", "date"), "underlying",
            List.of(RowRules.keyPresent(List.of("contract", "underlying", "date")), RowRules.STRIKE_POSITIVE));

    private final PostgresAdmin admin;

    OptionSnapshotsWriter(PostgresAdmin admin) {
        this.admin = requireNonNull(admin, "admin is null");
    }

    /** Stores the snapshots in one transaction; returns the rows inserted or updated. */
    long write(List<OptionSnapshot> snapshots, RunContext context) {
        List<Object[]> rows = snapshots.stream().map(OptionSnapshotsWriter::row).toList();
        return TABLE.load(admin, rows, context.ingestTs(), Describe.of(snapshots.size(), "option snapshots", snapshots.stream().map(o -> o.underlying().value())));
    }

    static Object[] row(OptionSnapshot o) {
        return new Object[] {o.contract(), o.underlying().value(), o.contractType(), o.exerciseStyle(), o.strike(), o.expiration(), o.sharesPerContract(),
            o.dayOpen(), o.dayHigh(), o.dayLow(), o.dayClose(), o.dayVolume(), o.dayVwap(), o.openInterest(), o.impliedVolatility(), o.delta(), o.gamma(),
            o.theta(), o.vega(), o.breakEvenPrice(), o.underlyingPrice(), o.bid(), o.ask(), o.bidSize(), o.askSize(), o.midpoint(), o.lastPrice(),
            o.snapshotTime(), o.date(), o.source()};
    }
}

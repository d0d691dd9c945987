package io.stockingest.core.spi;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What every write of one run shares.
 *
 * @param runId {@code <unix seconds>-<4 hex>}: the start, and a random suffix
 * @param ingestTs the {@code ingest_ts} stamped on every row of the run, UTC, truncated to microseconds
 */
public record RunContext(String runId, String command, String source, Instant startedAt, Instant ingestTs) {
    public RunContext {
        requireNonNull(runId, "runId is null");
        requireNonNull(command, "command is null");
        requireNonNull(source, "source is null");
        requireNonNull(startedAt, "startedAt is null");
        ingestTs = requireNonNull(ingestTs, "ingestTs is null").truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * A new run: its id is the start in Unix seconds plus 4 random hex digits ({@code 1727740800-3fa2}), so that two
     * runs started in the same second (N sharded machines on one lake) never overwrite each other's metrics.
     */
    public static RunContext start(String command, String source, Instant now) {
        String suffix = String.format("%04x", java.util.concurrent.ThreadLocalRandom.current().nextInt(0x10000));
        return new RunContext(now.getEpochSecond() + "-" + suffix, command, source, now, now);
    }
}

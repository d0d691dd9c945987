package io.stockingest.core.spi;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What every write of one run shares.
 *
 * @param runId {@code <unix seconds>} of the start, plus a suffix if two runs started in the same second
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

    public static RunContext start(String command, String source, Instant now) {
        return new RunContext(Long.toString(now.getEpochSecond()), command, source, now, now);
    }
}

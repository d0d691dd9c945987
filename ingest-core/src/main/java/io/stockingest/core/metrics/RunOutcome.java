package io.stockingest.core.metrics;

/**
 * How a run ended, with its exit code and the status word of the metrics document. A run is {@link #STOPPED} when an
 * error of run scope (rejected credentials, bad configuration) ended it, else {@link #GATED} when a data-quality gate
 * refused a write, else {@link #PARTIAL} when some symbol or sink failed, else {@link #SUCCEEDED}.
 */
public enum RunOutcome {
    SUCCEEDED(0, "succeeded"),
    PARTIAL(1, "partial"),
    STOPPED(2, "stopped"),
    GATED(3, "gated");

    private final int exitCode;
    private final String status;

    RunOutcome(int exitCode, String status) {
        this.exitCode = exitCode;
        this.status = status;
    }

    /** The process exit code: 0 ok, 1 some symbols failed, 2 stopped (nothing more fetched), 3 a gate refused a write. */
    public int exitCode() {
        return exitCode;
    }

    /** The {@code status} of the metrics document and of {@code ingest_runs}. */
    public String status() {
        return status;
    }

    /** The outcome of a run from what happened in it, the most serious first. */
    public static RunOutcome of(boolean stopped, boolean gated, boolean failed) {
        return stopped ? STOPPED : gated ? GATED : failed ? PARTIAL : SUCCEEDED;
    }

    /** The outcome whose exit code this is (a code above 3 reads as {@link #GATED}, as it always has). */
    public static RunOutcome ofExitCode(int exitCode) {
        return switch (exitCode) {
            case 0 -> SUCCEEDED;
            case 1 -> PARTIAL;
            case 2 -> STOPPED;
            default -> GATED;
        };
    }
}

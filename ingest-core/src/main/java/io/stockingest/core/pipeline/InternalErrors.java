package io.stockingest.core.pipeline;

/** What a symbol's failure says when an {@link Error} escaped its task (a bug, a broken installation, a full heap). */
final class InternalErrors {
    private InternalErrors() {}

    /**
     * {@code Internal error on WHAT: ERROR}; for an {@link OutOfMemoryError}, what to raise instead: a symbol's rows
     * are held until all its requests succeeded (so that no file holds a partial symbol), which a multi-year
     * intraday backfill can make larger than the launcher's default heap.
     */
    static String describe(Object what, Throwable error) {
        if (error instanceof OutOfMemoryError) {
            return "Out of memory on " + what + " (" + error.getMessage() + "): a symbol's rows are held until all its requests succeeded; give the JVM "
                    + "more heap (./stock-ingest: STOCK_INGEST_OPTS=-Xmx2g; a JVM that embeds stock-ingest: -Xmx) or lower MAX_WORKERS, and run again "
                    + "(what was written is kept and skipped)";
        }
        return "Internal error on " + what + ": " + error;
    }
}

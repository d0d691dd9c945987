package io.stockingest.core.metrics;

/** How one symbol of a run ended, with the {@code status} word of its entry in the metrics document. */
public enum SymbolOutcome {
    /** Fetched and written (or nothing to write). */
    OK("ok"),
    /** Nothing to fetch: the symbol's stored data already reaches the end of the range ({@code --since-last}). */
    UP_TO_DATE("up_to_date"),
    /** A fetch or a write failed. */
    FAILED("failed"),
    /** The run stopped before the symbol's requests started. */
    NOT_ATTEMPTED("not_attempted"),
    /** A data-quality gate refused the symbol's rows: nothing of it was written. */
    GATED("gated");

    private final String status;

    SymbolOutcome(String status) {
        this.status = status;
    }

    public String status() {
        return status;
    }
}

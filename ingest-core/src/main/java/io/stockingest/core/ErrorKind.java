package io.stockingest.core;

/**
 * What went wrong, decided where the error is thrown. The retry loop and the runner act on the kind; they never
 * guess from a message or an exception type.
 */
public enum ErrorKind {
    /** A wrong flag, value or file given by the user. The run does not start; exit 2. */
    USAGE(Scope.RUN, false),
    /** A missing or invalid setting (key, URL, sink). Stops the run; exit 2. */
    CONFIG(Scope.RUN, false),
    /** The provider rejected the credentials (401, invalid key). Stops the run at once; exit 2. */
    AUTH(Scope.RUN, false),
    /** The provider does not know the symbol. That symbol fails; the rest go on. */
    NOT_FOUND(Scope.SYMBOL, false),
    /** The plan does not include this data, endpoint or timeframe (402/403). That request fails; the rest go on. */
    NOT_ENTITLED(Scope.SYMBOL, false),
    /** The provider throttled us (429) and retries did not get through. */
    THROTTLED(Scope.SYMBOL, true),
    /** A timeout, reset, 5xx or similar; worth retrying. */
    TRANSIENT(Scope.SYMBOL, true),
    /** The provider answered with something we cannot read (HTML, truncated JSON, an unknown error envelope). */
    BAD_RESPONSE(Scope.SYMBOL, false),
    /** A sink could not store a batch. */
    SINK(Scope.SYMBOL, false),
    /** The batch data-quality gate stopped a promotion; exit 3. */
    DQ_GATE(Scope.SYMBOL, false);

    /** How much of a run an error of this kind takes down. */
    public enum Scope {
        SYMBOL,
        RUN
    }

    private final Scope scope;
    private final boolean retryable;

    ErrorKind(Scope scope, boolean retryable) {
        this.scope = scope;
        this.retryable = retryable;
    }

    public Scope scope() {
        return scope;
    }

    public boolean retryable() {
        return retryable;
    }
}

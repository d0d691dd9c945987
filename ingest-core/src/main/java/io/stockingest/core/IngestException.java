package io.stockingest.core;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.http.Secrets;

/**
 * The one exception type the pipeline understands. The message says what could not be done and why, and never
 * holds a secret: it is passed through {@link Secrets#redact} when built.
 */
public class IngestException extends RuntimeException {
    private final ErrorKind kind;

    public IngestException(ErrorKind kind, String message) {
        this(kind, message, null);
    }

    public IngestException(ErrorKind kind, String message, Throwable cause) {
        super(Secrets.redact(requireNonNull(message, "message is null")), cause);
        this.kind = requireNonNull(kind, "kind is null");
    }

    public ErrorKind kind() {
        return kind;
    }
}

package io.stockingest.core.spi;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.IngestException;

/**
 * A write that failed after part of it was stored durably (a full disk or an S3 outage in the middle of a batch of
 * files): the failure, as its {@link #kind()} and message say, plus what is there to stay, so that the run's summary
 * counts the files and rows a reader finds, not zero.
 */
public final class PartialWriteException extends IngestException {
    private final transient WriteResult written;

    public PartialWriteException(IngestException failure, WriteResult written) {
        super(failure.kind(), failure.getMessage(), failure);
        this.written = requireNonNull(written, "written is null");
    }

    /** What the failed write stored durably before it failed. */
    public WriteResult written() {
        return written;
    }

    /** What a failed write stored before failing: {@link #written()} of a partial failure, else nothing. */
    public static WriteResult writtenBy(Throwable failure) {
        return failure instanceof PartialWriteException partial ? partial.written() : WriteResult.NOTHING;
    }
}

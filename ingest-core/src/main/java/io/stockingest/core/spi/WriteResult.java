package io.stockingest.core.spi;

/** What one write did: files (or partitions, for databases) written and skipped, rows written. */
public record WriteResult(long filesWritten, long filesSkipped, long rowsWritten) {
    public static final WriteResult NOTHING = new WriteResult(0, 0, 0);

    public WriteResult plus(WriteResult other) {
        return new WriteResult(filesWritten + other.filesWritten, filesSkipped + other.filesSkipped, rowsWritten + other.rowsWritten);
    }
}

package io.stockingest.sink.iceberg;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Serialises the creation of a SQLite catalog's own tables, namespace and Iceberg tables across threads and processes
 * ({@code --shard K/N} processes starting on a new {@code iceberg:DIR} at once): SQLite has no transactional
 * "create if absent" that two connections can race safely, and its JDBC catalog reports the loser's attempt as an
 * error rather than waiting. An exclusive lock on {@code <catalog file>.lock} (the operating system releases it when
 * a holder dies), plus a lock per file within this JVM (a file lock is held per process). Commits are not under it:
 * they are serialised by SQLite's own write lock and Iceberg's optimistic retries. Other catalogs need none.
 *
 * <p>Thread-safe.
 */
final class CatalogLock {
    static final CatalogLock NONE = new CatalogLock(null);
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();
    private final Path file;

    private CatalogLock(Path file) {
        this.file = file;
    }

    /** The lock of the catalog in {@code config}: a file lock beside a SQLite catalog, else {@link #NONE}. */
    static CatalogLock of(IcebergConfig config) {
        String uri = config.catalogUri();
        if (!uri.startsWith("jdbc:sqlite:")) {
            return NONE;
        }
        String database = uri.substring("jdbc:sqlite:".length());
        int query = database.indexOf('?');
        database = query < 0 ? database : database.substring(0, query);
        return new CatalogLock(Path.of(database + ".lock").toAbsolutePath().normalize());
    }

    /** {@code step}'s result, computed while holding the lock (at once when there is none). */
    <T> T around(Supplier<T> step) {
        if (file == null) {
            return step.get();
        }
        ReentrantLock local = IN_JVM.computeIfAbsent(file, f -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock held = channel.lock()) {
                return step.get();
            }
        } catch (IOException e) {
            throw new IngestException(ErrorKind.CONFIG, "Cannot lock the Iceberg catalog " + file + ": " + e.getMessage(), e);
        } finally {
            local.unlock();
        }
    }
}

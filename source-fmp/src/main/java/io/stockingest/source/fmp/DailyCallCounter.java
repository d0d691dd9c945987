package io.stockingest.source.fmp;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.http.Ticker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The FMP calls sent today with one key, kept in a one-line file ({@code 2026-11-24 137}) so that a run knows what
 * earlier runs of the day used. Days are UTC days: FMP does not say when its daily counter resets, so this is an
 * estimate, and calls made with the same key elsewhere (another machine, a notebook) are not counted. A file that
 * cannot be read or written is a {@code CONFIG} error naming it.
 *
 * <p>Without a file ({@link #inMemory}) only this run's calls are counted.
 *
 * <p>Thread-safe within one process (a lock, not a monitor: the count is read and written to its file under it, and
 * a virtual thread blocked on a monitor pins its carrier on Java 21); two runs at once may each miss the other's last
 * calls.
 */
final class DailyCallCounter {
    private final Optional<Path> file;
    private final Ticker ticker;
    private final ReentrantLock lock = new ReentrantLock();
    private LocalDate day;
    private int used;

    private DailyCallCounter(Optional<Path> file, Ticker ticker) {
        this.file = requireNonNull(file, "file is null");
        this.ticker = requireNonNull(ticker, "ticker is null");
    }

    static DailyCallCounter inFile(Path file, Ticker ticker) {
        return new DailyCallCounter(Optional.of(file), ticker);
    }

    static DailyCallCounter inMemory(Ticker ticker) {
        return new DailyCallCounter(Optional.empty(), ticker);
    }

    Optional<Path> file() {
        return file;
    }

    /** Calls counted for today (UTC). */
    int usedToday() {
        lock.lock();
        try {
            load();
            return used;
        } finally {
            lock.unlock();
        }
    }

    /** Counts one call, unless today's count has reached {@code budget}; returns whether it was counted. */
    boolean tryCount(int budget) {
        lock.lock();
        try {
            load();
            if (used >= budget) {
                return false;
            }
            used++;
            store();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Records that the provider says today's budget is used up, so that later calls and runs today stop before sending. */
    void exhaust(int budget) {
        lock.lock();
        try {
            load();
            if (used < budget) {
                used = budget;
                store();
            }
        } finally {
            lock.unlock();
        }
    }

    private void load() {
        LocalDate today = ticker.now().atZone(ZoneOffset.UTC).toLocalDate();
        if (file.isEmpty()) {
            if (!today.equals(day)) {
                day = today;
                used = 0;
            }
            return;
        }
        day = today;
        used = 0;
        Path path = file.get();
        if (!Files.exists(path)) {
            return;
        }
        try {
            String[] parts = Files.readString(path, StandardCharsets.UTF_8).strip().split("\\s+");
            if (parts.length == 2 && LocalDate.parse(parts[0]).equals(today)) {
                used = Math.max(0, Integer.parseInt(parts[1]));
            }
        } catch (IOException | RuntimeException e) {
            throw new IngestException(ErrorKind.CONFIG, "Cannot read the FMP call count in " + path + " (" + e.getMessage()
                    + "); delete the file or set " + FmpConfig.USAGE_FILE + " to another path", e);
        }
    }

    private void store() {
        if (file.isEmpty()) {
            return;
        }
        Path path = file.get();
        Path temp = null;
        try {
            Path parent = path.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            temp = Files.createTempFile(parent, path.getFileName().toString(), ".tmp");
            Files.writeString(temp, day + " " + used + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // a failed write (a full disk) leaves no temporary behind
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the original failure is the one to report
                }
            }
            throw new IngestException(ErrorKind.CONFIG, "Cannot record the FMP call count in " + path + " (" + e.getMessage()
                    + "); set " + FmpConfig.USAGE_FILE + " to a writable path", e);
        }
    }
}

package io.stockingest.sink.s3;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.spi.Sink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One instance of a job per local lake: an OS file lock ({@code fcntl}/{@code LockFileEx} through
 * {@link FileChannel#tryLock()}) on {@code .<job>.lock} in the lake directory, holding {@code pid N, since T}.
 * The operating system releases it when the process dies, however it dies, so a killed holder never blocks the next
 * one; the file itself stays (its text is only shown to a refused second instance). A second lock in the same JVM
 * is refused too. Not for network file systems whose locks are not reliable (NFS without a lock manager).
 */
public final class LakeInstanceLock implements Sink.InstanceLock {
    private final FileChannel channel;
    private final FileLock lock;
    private final String holder;

    private LakeInstanceLock(FileChannel channel, FileLock lock, String holder) {
        this.channel = channel;
        this.lock = lock;
        this.holder = holder;
    }

    /**
     * Takes the lock of {@code job} in {@code dir} (created if missing).
     *
     * @throws IngestException USAGE "{@code <job> is already running (pid N, since T) on DIR; stop it first}" when a
     *     live process holds it; CONFIG when the file cannot be created or locked
     */
    public static LakeInstanceLock acquire(Path dir, String job, Instant since) {
        requireNonNull(dir, "dir is null");
        requireNonNull(since, "since is null");
        Sink.InstanceLock.checkJob(job);
        Path file = dir.resolve("." + job + ".lock");
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                lock = null;
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            if (lock == null) {
                String held = Files.readString(file, StandardCharsets.UTF_8).strip();
                channel.close();
                throw new IngestException(ErrorKind.USAGE, job + " is already running (" + (held.isEmpty() ? "unknown holder" : held) + ") on "
                        + dir + "; stop it first");
            }
            String holder = "pid " + ProcessHandle.current().pid() + ", since " + since;
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new LakeInstanceLock(channel, lock, holder);
        } catch (IOException e) {
            throw new IngestException(ErrorKind.CONFIG, "Cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String holder() {
        return holder;
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException ignored) {
            // closing the channel releases the lock anyway; nothing useful to report
        }
    }
}

package io.stockingest.sink.s3;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The object store under a lake: a local directory or an S3 bucket prefix. Keys are relative, {@code /}-separated
 * and built only from validated parts (symbols, dates, run ids).
 *
 * <p>Implementations are thread-safe and make every object appear whole or not at all.
 */
public interface LakeStorage extends AutoCloseable {
    /** Where the lake is, with no secret in it ({@code /data}, {@code s3://bucket/prefix}). */
    String describe();

    /** Every key under {@code prefix} (which ends with {@code /}), at any depth. One listing, not one probe per key. */
    Set<String> list(String prefix);

    /**
     * The executor that runs one {@link #listNames} per symbol at once: virtual threads by default (a remote listing
     * waits on the network); a local directory read blocks in the kernel, so a local lake uses a few platform threads.
     */
    default java.util.concurrent.ExecutorService listingExecutor() {
        return java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
    }

    /**
     * The keys of the files under {@code prefix} (which ends with {@code /}) whose every folder below it is one
     * {@code enter} accepts (given the folder's name, {@code year=2024}), temporaries left out: what planning and
     * {@code coverage} read, which need names only. A refused folder may be listed under its own name as if it
     * were a file (a names-only read cannot tell the two apart), so callers match the file names they want.
     * {@code enter} is asked about every folder met below an entered one, a refused folder included: a caller may
     * learn from it which folders exist (the lake sink learns whether a symbol has checked-sessions markers).
     *
     * <p>The default filters one {@link #list}: on S3 a listing returns names anyway. A local directory reads the names
     * of each folder it enters with one directory stream and nothing else: no look at each entry (no stat), so a
     * folder of a thousand daily files costs one read of the folder, and refused folders are never read.
     */
    default Set<String> listNames(String prefix, Predicate<String> enter) {
        Set<String> keys = new HashSet<>();
        for (String key : list(prefix)) {
            if (!key.startsWith(prefix)) {
                continue;
            }
            String[] parts = key.substring(prefix.length()).split("/");
            boolean accepted = true;
            for (int i = 0; i < parts.length - 1 && accepted; i++) {
                accepted = enter.test(parts[i]);
            }
            if (accepted) {
                keys.add(key);
            }
        }
        return keys;
    }

    /**
     * Every key under {@code prefix} (which ends with {@code /}, temporaries left out) with a version tag read by the
     * same one listing: a tag that changes whenever the object is replaced (on S3 its ETag; in a local directory its
     * size, modification time and file key, from one look at each entry, no read of its content). Empty when this
     * storage cannot list versions; a caller then cannot tell that nothing changed (and must not cache by it).
     */
    default Optional<java.util.Map<String, String>> listVersions(String prefix) {
        return Optional.empty();
    }

    /**
     * Stores {@code bytes} under {@code key} unless it exists. Returns false, writing nothing, if it does (on S3 a
     * conditional write, so that of two runners only one wins).
     */
    boolean putIfAbsent(String key, byte[] bytes);

    /** Stores {@code bytes} under {@code key}, replacing what was there in one step. */
    void put(String key, byte[] bytes);

    byte[] get(String key);

    /** An object's bytes and its version: the S3 ETag, or a content hash for a local file. */
    record Versioned(byte[] bytes, String version) {
        public Versioned {
            java.util.Objects.requireNonNull(bytes, "bytes is null");
            java.util.Objects.requireNonNull(version, "version is null");
        }
    }

    /** The object under {@code key} with its version, or empty if there is none. */
    Optional<Versioned> getVersioned(String key);

    /**
     * Replaces {@code key} with {@code bytes} only if it still has {@code version} (on S3 {@code If-Match: ETAG}).
     * Returns false, writing nothing, if another writer changed or removed it since it was read: the caller reads it
     * again and merges, so that a concurrent writer's rows are never lost.
     */
    boolean replaceIfUnchanged(String key, byte[] bytes, String version);

    /**
     * Checks that the lake can be written: creates its root if needed, stores and removes a small probe (a dot-named
     * temporary, which readers skip), and lists the root. See {@link io.stockingest.core.spi.Sink#check}.
     *
     * @throws io.stockingest.core.IngestException of kind CONFIG naming the lake and the problem
     */
    void check();

    @Override
    default void close() {}
}

package io.stockingest.sink.s3;

import java.util.Optional;
import java.util.Set;

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

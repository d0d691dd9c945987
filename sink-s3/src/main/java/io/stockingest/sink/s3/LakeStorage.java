package io.stockingest.sink.s3;

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

    @Override
    default void close() {}
}

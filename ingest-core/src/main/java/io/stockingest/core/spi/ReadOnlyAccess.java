package io.stockingest.core.spi;

import io.stockingest.core.config.Settings;

/**
 * Read-only access to what a sink's target holds, by its {@code --sink} URI (a {@link Capability} of the plugin, like
 * {@link SchemaAdmin}): {@code serve} reads through it. Opening a reader never writes, migrates or creates anything
 * on the target; a database is read in read-only transactions, a lake through its files.
 *
 * <p>Thread-safe. Failures are {@link io.stockingest.core.IngestException}s: {@code USAGE} for a target that does not
 * exist (no lake directory), {@code CONFIG} for missing settings, {@code SINK} when the target cannot be read; no
 * secret in any message.
 */
public interface ReadOnlyAccess extends Capability {
    /** Opens a reader of the target {@code uri} (already {@linkplain SinkFactory#resolve resolved}); the caller closes it. */
    SinkReader openReader(String uri, Settings settings);
}

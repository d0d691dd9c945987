package io.stockingest.core.spi;

import java.util.Optional;

/**
 * Something a plugin offers beyond the core contract of {@link Source} and {@link Sink}, asked for by its interface
 * and never by the class behind it:
 * <pre>{@code
 * sink.capability(DryRunPlan.class).ifPresent(plan -> plan.planPrices(...));
 * plugins.sinkCapability(uri, SchemaAdmin.class).orElseThrow(...)
 * }</pre>
 *
 * <h2>Two places</h2>
 * <ul>
 *   <li><b>On an opened sink or source</b> ({@link Sink#capability}, {@link Source#capability}): what needs the
 *       target as opened for a run, e.g. {@link DryRunPlan} (the statements a sink would run) and
 *       {@link StoredSessions} (which sessions a sink already holds, so a run can skip them).</li>
 *   <li><b>On the plugin</b> ({@link SinkFactory#capability}, {@link SourceFactory#capability}): what works on a
 *       target by its URI without opening it for a run: {@link SchemaAdmin} ({@code db migrate/info}),
 *       {@link TableExport} ({@code export}), {@link StoredDates} ({@code --since-last}, checked before anything is
 *       fetched), {@link ObjectReader} ({@code --tickers-path s3://...}), {@link ReadOnlyAccess} ({@code serve}: a
 *       {@link SinkReader} of the target, opened without the sink's checks or migrations, which write).</li>
 * </ul>
 *
 * <h2>Adding one</h2>
 * Define an interface extending {@code Capability} in {@code ingest-core}; its Javadoc is its contract (thread safety,
 * errors as {@link io.stockingest.core.IngestException}s with a kind, no secrets in messages). A plugin offers it by
 * implementing it on its sink, source or factory (the default {@code capability} returns {@code this} when it is an
 * instance of the type asked for) or by overriding {@code capability} to return a helper; a decorator forwards
 * {@code capability} to what it wraps. Callers treat an empty answer as "this plugin does not do that" and say so
 * in a usage error. A capability never widens what {@code Sink}/{@code Source} promise: a sink without any still
 * runs every command that only writes.
 */
public interface Capability {
    /** {@code candidate} as a {@code type} if it is one: the default lookup of every {@code capability(Class)} method. */
    static <T extends Capability> Optional<T> of(Object candidate, Class<T> type) {
        return type.isInstance(candidate) ? Optional.of(type.cast(candidate)) : Optional.empty();
    }
}

package io.stockingest.core.spi;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.CorporateAction;
import io.stockingest.core.model.FinancialStatement;
import io.stockingest.core.model.OptionSnapshot;
import io.stockingest.core.model.Quote;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A destination: a Parquet lake (local or S3), PostgreSQL, Snowflake.
 *
 * <h2>Lifecycle</h2>
 * Created by its {@link SinkFactory} once per run, then {@code write*} is called from many threads at once (one
 * call per symbol batch, in no particular order), then {@link #writeQuarantine} and {@link #writeRun} once, then
 * {@link #flush}, then {@link #close}. Implementations are thread-safe.
 *
 * <h2>Buffering and durability</h2>
 * A {@code write*} call may buffer. When {@link #flush} returns, everything written before it is durable and
 * visible to readers; a sink that buffers commits in {@code flush} (and may commit earlier on its own). A batch is
 * made visible whole or not at all: a lake file appears complete or not at all; a database batch commits in one
 * transaction, after its data-quality gate passes.
 *
 * <h2>Idempotency</h2>
 * Writing the same batch again must leave the destination as one write would: a lake skips partitions that exist
 * (or replaces them whole under {@link WriteOptions.Existing#OVERWRITE}); a database upserts by the table's key.
 * The pipeline may therefore retry a failed batch, and a crashed run may simply be run again.
 *
 * <h2>Errors</h2>
 * A failure to store is an {@link IngestException} of kind {@code SINK} (or {@code DQ_GATE} when a gate in the
 * sink refuses a promotion) naming the batch; it fails that batch only.
 *
 * <h2>One instance per target</h2>
 * A long-running job that must not run twice against the same lake or database (e.g. {@code watch}) claims every
 * selected sink's target with {@link #lockInstance} before its first request, and closes the claims when it ends.
 */
public interface Sink extends AutoCloseable {
    /** A description for messages and metrics, with no secret in it (e.g. {@code parquet:/data}). */
    String name();

    /** What a sink stores, for the run summary: a lake files (written, skipped) of rows; a database rows only. */
    enum Stores {
        FILES,
        ROWS
    }

    /** {@link Stores#FILES} unless a sink stores rows in tables (a database), which report rows only. */
    default Stores stores() {
        return Stores.FILES;
    }

    WriteResult writeBars(BarBatch batch);

    default WriteResult writeStatements(List<FinancialStatement> statements, WriteOptions options, RunContext context) {
        throw unsupported("fundamentals");
    }

    default WriteResult writeOptions(List<OptionSnapshot> snapshots, WriteOptions options, RunContext context) {
        throw unsupported("options");
    }

    default WriteResult writeActions(List<CorporateAction> actions, WriteOptions options, RunContext context) {
        throw unsupported("corporate actions");
    }

    default WriteResult writeQuotes(List<Quote> quotes, RunContext context) {
        throw unsupported("quotes");
    }

    /** Stores the run's rejected rows with the rules that rejected them; called once, possibly with none. */
    void writeQuarantine(List<Rejected> rejected, RunContext context);

    /** Stores the run's metrics document; called once, at the end. */
    void writeRun(RunReport report);

    /**
     * Claims this sink's target (the lake directory, the database) for {@code job} so that a second process running
     * the same job against the same target refuses to start. The claim records who holds it (process id and
     * {@code since}) and is released when closed, or by the operating system / database server when the holding
     * process dies: a killed holder never blocks the next one. A store without either (an object store) may use an
     * expiring lease instead; a killed holder's claim then blocks only until the lease expires, which the
     * implementation documents.
     *
     * @param job a short lower-case job name ({@code watch}); claims of different jobs do not conflict
     * @param since when the claiming job started, shown to a refused second instance
     * @return the claim, or empty when this sink cannot lock its target (the default: the job then runs unguarded
     *     on this sink, which the caller should say)
     * @throws IngestException {@link ErrorKind#USAGE} "{@code <job> is already running (pid N, since T) on <target>}"
     *     when a live process holds the claim (exit 2); {@link ErrorKind#SINK} or {@link ErrorKind#CONFIG} when the
     *     target cannot be reached to take it
     */
    default Optional<InstanceLock> lockInstance(String job, Instant since) {
        return Optional.empty();
    }

    /** A claim on a sink's target taken by {@link #lockInstance}; closing it releases the claim. */
    interface InstanceLock extends AutoCloseable {
        /** What {@link #checkJob} accepts. */
        Pattern JOB = Pattern.compile("[a-z][a-z0-9-]{0,31}");

        /**
         * {@code job} if it is a short lower-case name ({@code [a-z][a-z0-9-]{0,31}}): implementations put it into a
         * file name, an object key or a lock key, so each checks it with this before use.
         *
         * @throws IllegalArgumentException for any other name
         */
        static String checkJob(String job) {
            if (!JOB.matcher(Objects.requireNonNull(job, "job is null")).matches()) {
                throw new IllegalArgumentException("job must be a short lower-case name, not '" + job + "'");
            }
            return job;
        }

        /** Who holds it, e.g. {@code pid 4242, since 2024-09-30T13:30:00Z}. */
        String holder();

        /**
         * Why the claim is no longer held, once it is not: only an expiring lease can be lost while its holder runs
         * (another process judged it expired and took it). A job that sees it stops, so that one instance writes.
         */
        default Optional<String> lost() {
            return Optional.empty();
        }

        /** Releases the claim; idempotent, never throws. */
        @Override
        void close();
    }

    /**
     * Checks, before the run's first provider request, that this sink can store what the run will write: the target
     * exists or can be created, is reachable and writable with the given credentials. Called once per run, after the
     * sink is created, on the main (platform) thread: an implementation may also initialise the classes of its client
     * libraries here (so that no virtual thread is the first to run their static initialisers). May write and remove a
     * small probe; never leaves anything behind.
     *
     * <p>The default checks nothing (a sink whose factory already connected).
     *
     * @throws IngestException {@link ErrorKind#CONFIG} (or {@link ErrorKind#USAGE} for a malformed target) naming the
     *     problem, with no secret in it: the run then exits 2 having fetched nothing
     */
    default void check() {}

    /** Makes everything written so far durable and visible. */
    default void flush() {}

    /**
     * A capability this opened sink offers beyond writing (e.g. {@link DryRunPlan}); empty when it offers none of
     * that type. The default answers with this sink itself when it implements {@code type}; see {@link Capability}.
     */
    default <T extends Capability> Optional<T> capability(Class<T> type) {
        return Capability.of(this, type);
    }

    @Override
    default void close() {}

    private IngestException unsupported(String what) {
        return new IngestException(ErrorKind.USAGE, "Sink '" + name() + "' does not store " + what + " yet");
    }
}

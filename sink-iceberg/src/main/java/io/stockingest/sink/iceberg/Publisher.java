package io.stockingest.sink.iceberg;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Evaluator;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.io.CloseableIterable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write-audit-publish of one table's change by one run, copy-on-write:
 *
 * <ol>
 *   <li><b>write</b>: the data files that hold rows matching the change's filter are read; their other rows are
 *       written to new files (copy-on-write: no delete files), and the change's new rows come as files too. If the
 *       new rows equal the matched ones (values, {@code ingest_ts} aside), nothing is committed at all.</li>
 *   <li>The files are committed to a branch named after the run ({@code wap-<run id>}), created from {@code main}
 *       as read (a table without a snapshot yet: the branch starts with the commit), with Iceberg's serializable validation (no conflicting data or deletes since then). The snapshot's
 *       summary carries the run id, source and row counts.</li>
 *   <li><b>audit</b>: the {@link Gate} checks the staged snapshot. A refusal removes the branch and expires the
 *       staged snapshot with its files: {@code main} never saw them.</li>
 *   <li><b>publish</b>: {@code main} is fast-forwarded to the staged snapshot and the branch removed, in one atomic
 *       metadata commit that fails if {@code main} moved meanwhile (a concurrent writer, e.g. another shard). Then
 *       the whole sequence runs again on the new {@code main}, up to {@code attempts} times, with a randomised
 *       backoff.</li>
 * </ol>
 *
 * <p>Not thread-safe: used on the sink's I/O thread.
 */
final class Publisher {
    private static final Logger log = LoggerFactory.getLogger(Publisher.class);

    /** The audit: the failed checks of a staged snapshot, e.g. {@code "3 rows breaking ohlc_consistent (AAPL)"}; empty to publish. */
    interface Gate {
        Gate NONE = (table, staged, added) -> List.of();

        List<String> check(Table table, Snapshot staged, List<DataFile> added);
    }

    /** The new rows of a change, decided once the rows it replaces are known. */
    interface NewRows {
        /** Whether {@link #files} needs the replaced rows themselves (a merge), not only their content. */
        boolean needsReplaced();

        /**
         * The files holding the new rows, or empty when they equal {@code replaced} (nothing to commit).
         *
         * @param replaced the rows the filter matches in {@code main} now (empty unless {@link #needsReplaced})
         */
        Optional<Files> files(List<GenericRecord> replaced, LakeRows.Content replacedContent);
    }

    /** @param temporary whether the files were written for this attempt only (deleted if it fails) */
    record Files(List<DataFile> files, boolean temporary) {
        Files {
            files = List.copyOf(files);
        }
    }

    private final String runId;
    private final int attempts;
    private final Map<String, String> summary;

    Publisher(String runId, int attempts, Map<String, String> summary) {
        this.runId = requireNonNull(runId, "runId is null");
        this.attempts = attempts;
        this.summary = Map.copyOf(summary);
    }

    /** The published snapshot, or empty when the change would not alter the table. */
    Optional<Snapshot> publish(Table table, IcebergTable def, Expression filter, NewRows newRows, Gate gate, Map<String, String> extraSummary) {
        for (int attempt = 1; ; attempt++) {
            long t = Timing.start();
            table.refresh();
            Snapshot base = table.currentSnapshot();
            Timing.mark("  " + def.tableName() + " refresh", t);
            t = Timing.start();
            Stage stage = stage(table, def, filter, base, newRows);
            Timing.mark("  " + def.tableName() + " stage", t);
            if (stage == null) {
                return Optional.empty();
            }
            String branch = "wap-" + runId + (attempt == 1 ? "" : "-" + attempt);
            Snapshot staged;
            try {
                t = Timing.start();
                if (base != null) {
                    // made explicitly from main as read (not implicitly by the commit), so that the staged snapshot's
                    // summary totals (total-records, total-data-files) count main's files too
                    table.manageSnapshots().createBranch(branch, base.snapshotId()).commit();
                }
                Timing.mark("  " + def.tableName() + " create branch", t);
                t = Timing.start();
                OverwriteFiles op = table.newOverwrite();
                stage.deleted.forEach(op::deleteFile);
                stage.added.files().forEach(op::addFile);
                stage.kept.forEach(op::addFile);
                if (base != null) {
                    op.validateFromSnapshot(base.snapshotId());
                }
                op.conflictDetectionFilter(filter).validateNoConflictingData().validateNoConflictingDeletes();
                summary.forEach(op::set);
                extraSummary.forEach(op::set);
                op.toBranch(branch).commit();
                Timing.mark("  " + def.tableName() + " overwrite commit", t);
                t = Timing.start();
                table.refresh();
                staged = table.snapshot(branch);
                Timing.mark("  " + def.tableName() + " refresh after", t);
            } catch (CommitFailedException | ValidationException e) {
                removeBranch(table, branch);
                stage.discard(table);
                retryOrFail(table, def, attempt, e);
                continue;
            }
            t = Timing.start();
            List<String> broken = gate.check(table, staged, stage.added.files());
            Timing.mark("  " + def.tableName() + " gate", t);
            if (!broken.isEmpty()) {
                drop(table, branch, staged);
                throw new IngestException(ErrorKind.DQ_GATE, "Data-quality gate refused run " + runId + " for " + def.tableName() + ": "
                        + String.join("; ", broken) + "; main unchanged, staged snapshot " + staged.snapshotId() + " dropped");
            }
            try {
                t = Timing.start();
                table.manageSnapshots().fastForwardBranch(SnapshotRef.MAIN_BRANCH, branch).removeBranch(branch).commit();
                Timing.mark("  " + def.tableName() + " fast-forward", t);
                return Optional.of(staged);
            } catch (CommitFailedException | IllegalArgumentException e) {
                // main moved since the branch was made: stage again on top of it
                removeBranch(table, branch);
                stage.discard(table);
                retryOrFail(table, def, attempt, e);
            }
        }
    }

    private void retryOrFail(Table table, IcebergTable def, int attempt, RuntimeException e) {
        if (attempt >= attempts) {
            throw new IngestException(ErrorKind.SINK, "Cannot commit run " + runId + " to " + def.tableName() + ": other writers changed it "
                    + attempts + " times while this run committed (" + e.getMessage() + "); run again", e);
        }
        log.debug("Commit of run {} to {} lost to a concurrent writer (attempt {}): {}", runId, def.tableName(), attempt, e.getMessage());
        long ceiling = Math.min(5_000, 50L << Math.min(attempt, 7));
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1) * 1_000_000L);
    }

    /** What one attempt commits: files to remove, the rewritten remainder of them, and the new rows' files. */
    private record Stage(List<DataFile> deleted, List<DataFile> kept, Files added) {
        /** Deletes the files written for this attempt only. */
        void discard(Table table) {
            kept.forEach(f -> table.io().deleteFile(f.location()));
            if (added.temporary()) {
                added.files().forEach(f -> table.io().deleteFile(f.location()));
            }
        }
    }

    private Stage stage(Table table, IcebergTable def, Expression filter, Snapshot base, NewRows newRows) {
        List<DataFile> deleted = new ArrayList<>();
        List<GenericRecord> kept = new ArrayList<>();
        List<GenericRecord> replaced = new ArrayList<>();
        LakeRows.Content replacedContent = LakeRows.Content.EMPTY;
        if (base != null) {
            Evaluator matches = new Evaluator(table.schema().asStruct(), filter);
            InternalRecordWrapper internal = new InternalRecordWrapper(table.schema().asStruct());
            try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(base.snapshotId()).filter(filter).planFiles()) {
                for (FileScanTask task : tasks) {
                    List<GenericRecord> rest = new ArrayList<>();
                    LakeRows.Content[] matched = {LakeRows.Content.EMPTY};
                    TableFiles.read(table, task.file(), table.schema(), (Record row) -> {
                        GenericRecord lake = LakeRows.fromIceberg(row, def.avro());
                        if (matches.eval(internal.wrap(row))) {
                            matched[0] = matched[0].plus(lake);
                            if (newRows.needsReplaced()) {
                                replaced.add(lake);
                            }
                        } else {
                            rest.add(lake);
                        }
                    });
                    if (matched[0].rows() > 0) {
                        deleted.add(task.file());
                        kept.addAll(rest);
                        replacedContent = replacedContent.plus(matched[0]);
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        Optional<Files> added = newRows.files(replaced, replacedContent);
        if (added.isEmpty()) {
            return null;
        }
        return new Stage(deleted, TableFiles.write(table, def, kept, runId), added.get());
    }

    private static void drop(Table table, String branch, Snapshot staged) {
        removeBranch(table, branch);
        try {
            // only the staged snapshot: no other snapshot is old enough (expireOlderThan 0)
            table.expireSnapshots().expireSnapshotId(staged.snapshotId()).expireOlderThan(0).cleanExpiredFiles(true).commit();
        } catch (RuntimeException e) {
            log.warn("Cannot expire the refused snapshot {} of {} ({}); 'iceberg maintain' removes it later", staged.snapshotId(), table.name(), e.getMessage());
        }
    }

    private static void removeBranch(Table table, String branch) {
        for (int attempt = 1; attempt <= 10; attempt++) {
            table.refresh();
            if (table.refs().get(branch) == null) {
                return;
            }
            try {
                table.manageSnapshots().removeBranch(branch).commit();
                return;
            } catch (CommitFailedException e) {
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(10, 100) * 1_000_000L);
            }
        }
        log.warn("Cannot remove branch {} of {} (concurrent commits); 'iceberg maintain' removes stale run branches", branch, table.name());
    }
}

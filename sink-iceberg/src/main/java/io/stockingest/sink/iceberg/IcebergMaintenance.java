package io.stockingest.sink.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.apache.iceberg.util.StructLikeWrapper;

/**
 * {@code db maintain} for the Iceberg sink, each step safe while ingestion runs:
 *
 * <ol>
 *   <li>run branches ({@code wap-*}) older than an hour are removed: a crashed run left them;</li>
 *   <li><b>compaction</b>: a partition of {@code main} holding more than one file smaller than
 *       {@link #SMALL_FILE} bytes (nightly runs add one per run) is rewritten as one sorted file; Iceberg's rewrite
 *       validation refuses the commit if a concurrent run replaced any of those files, and the partition is then left
 *       for the next maintenance;</li>
 *   <li><b>snapshot expiry</b>: snapshots older than the retention are expired (the current one always stays), their
 *       files deleted where no remaining snapshot uses them;</li>
 *   <li><b>orphan removal</b>: files under the table's location that no snapshot and no metadata file references,
 *       and that are older than the orphan age (a running ingestion's files are younger and not committed yet), are
 *       deleted.</li>
 * </ol>
 *
 * <p>Runs on the sink's I/O thread.
 */
final class IcebergMaintenance {
    static final long SMALL_FILE = 64L * 1024 * 1024;
    private static final Duration STALE_BRANCH = Duration.ofHours(1);

    /** What one table's maintenance did. */
    record Result(String table, int branchesRemoved, int partitionsCompacted, int filesCompacted, int snapshotsExpired, int orphansRemoved) {
        String line() {
            return table + ": " + partitionsCompacted + " partitions compacted (" + filesCompacted + " files), " + snapshotsExpired + " snapshots expired, "
                    + orphansRemoved + " orphan files removed, " + branchesRemoved + " stale run branches removed";
        }
    }

    private IcebergMaintenance() {}

    static Result maintain(Table table, IcebergTable def, Instant now, Duration retention, Duration orphanAge) {
        int branches = removeStaleBranches(table, now);
        int[] compacted = compact(table, def);
        int before = count(table.snapshots());
        table.expireSnapshots().expireOlderThan(now.minus(retention).toEpochMilli()).retainLast(1).cleanExpiredFiles(true).commit();
        table.refresh();
        int expired = before - count(table.snapshots());
        int orphans = removeOrphans(table, now.minus(orphanAge));
        return new Result(def.tableName(), branches, compacted[0], compacted[1], expired, orphans);
    }

    private static int count(Iterable<?> items) {
        int n = 0;
        for (Object ignored : items) {
            n++;
        }
        return n;
    }

    private static int removeStaleBranches(Table table, Instant now) {
        int removed = 0;
        for (Map.Entry<String, SnapshotRef> ref : Map.copyOf(table.refs()).entrySet()) {
            Snapshot head = table.snapshot(ref.getValue().snapshotId());
            if (ref.getKey().startsWith("wap-") && ref.getValue().isBranch() && head != null
                    && head.timestampMillis() < now.minus(STALE_BRANCH).toEpochMilli()) {
                try {
                    table.manageSnapshots().removeBranch(ref.getKey()).commit();
                    removed++;
                } catch (CommitFailedException e) {
                    table.refresh();
                }
            }
        }
        return removed;
    }

    /** {partitions compacted, files replaced}. */
    private static int[] compact(Table table, IcebergTable def) {
        table.refresh();
        Snapshot base = table.currentSnapshot();
        if (base == null) {
            return new int[] {0, 0};
        }
        Map<StructLikeWrapper, List<DataFile>> small = new HashMap<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(base.snapshotId()).planFiles()) {
            for (FileScanTask task : tasks) {
                if (task.file().fileSizeInBytes() < SMALL_FILE && task.file().specId() == table.spec().specId()) {
                    StructLike partition = task.file().partition();
                    small.computeIfAbsent(StructLikeWrapper.forType(table.spec().partitionType()).set(partition).copyFor(partition),
                            p -> new ArrayList<>()).add(task.file().copy());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int partitions = 0;
        int files = 0;
        for (List<DataFile> group : small.values()) {
            if (group.size() < 2) {
                continue;
            }
            List<GenericRecord> rows = new ArrayList<>();
            for (DataFile file : group) {
                TableFiles.read(table, file, table.schema(), row -> rows.add(LakeRows.fromIceberg(row, def.avro())));
            }
            List<DataFile> rewritten = TableFiles.write(table, def, rows, "compaction-" + base.snapshotId());
            try {
                table.newRewrite().validateFromSnapshot(base.snapshotId()).rewriteFiles(Set.copyOf(group), Set.copyOf(rewritten))
                        .set("stock-ingest.maintenance", "compaction").commit();
                partitions++;
                files += group.size();
            } catch (CommitFailedException | ValidationException e) {
                // a run replaced some of these files meanwhile: leave the partition to the next maintenance
                rewritten.forEach(f -> table.io().deleteFile(f.location()));
            }
        }
        table.refresh();
        return new int[] {partitions, files};
    }

    private static int removeOrphans(Table table, Instant olderThan) {
        if (!(table.io() instanceof SupportsPrefixOperations prefixes)) {
            return 0;
        }
        table.refresh();
        Set<String> referenced = new HashSet<>();
        TableMetadata metadata = ((HasTableOperations) table).operations().current();
        referenced.add(normalize(metadata.metadataFileLocation()));
        metadata.previousFiles().forEach(e -> referenced.add(normalize(e.file())));
        metadata.statisticsFiles().forEach(s -> referenced.add(normalize(s.path())));
        metadata.partitionStatisticsFiles().forEach(s -> referenced.add(normalize(s.path())));
        for (Snapshot snapshot : table.snapshots()) {
            referenced.add(normalize(snapshot.manifestListLocation()));
            for (ManifestFile manifest : snapshot.allManifests(table.io())) {
                referenced.add(normalize(manifest.path()));
                if (manifest.content() != org.apache.iceberg.ManifestContent.DATA) {
                    // our tables are copy-on-write, but an engine may have written delete files: keep them
                    try (ManifestReader<org.apache.iceberg.DeleteFile> reader = ManifestFiles.readDeleteManifest(manifest, table.io(), table.specs())) {
                        reader.forEach(f -> referenced.add(normalize(f.location())));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    continue;
                }
                try (ManifestReader<DataFile> reader = ManifestFiles.read(manifest, table.io(), table.specs())) {
                    for (DataFile file : reader) {
                        referenced.add(normalize(file.location()));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        int removed = 0;
        for (FileInfo file : prefixes.listPrefix(table.location())) {
            if (file.createdAtMillis() < olderThan.toEpochMilli() && !referenced.contains(normalize(file.location()))) {
                table.io().deleteFile(file.location());
                removed++;
            }
        }
        return removed;
    }

    /** {@code file:/a/b}, {@code file:///a/b} and {@code /a/b} name the same file. */
    static String normalize(String location) {
        if (location.startsWith("file:")) {
            return LocalFileIO.path(location).normalize().toString();
        }
        return location;
    }
}

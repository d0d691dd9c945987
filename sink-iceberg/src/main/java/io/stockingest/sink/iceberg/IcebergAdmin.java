package io.stockingest.sink.iceberg;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/**
 * The operator's side of the Iceberg sink for the command line: {@code db migrate} / {@code db info},
 * {@code db maintain}, {@code runs} and {@code export}. Everything runs on the sink's I/O thread.
 */
public final class IcebergAdmin implements AutoCloseable {
    private final IcebergSink sink;

    private IcebergAdmin(IcebergSink sink) {
        this.sink = requireNonNull(sink, "sink is null");
    }

    public static IcebergAdmin open(String uri, Settings settings) {
        return new IcebergAdmin(IcebergSink.open(IcebergConfig.from(uri, settings), settings));
    }

    /** Creates the namespace and every table, or adds the columns the lake gained; one line per table. */
    public List<String> migrate() {
        return sink.onIoThread("migrate", () -> sink.tables().migrate());
    }

    /** What {@link #migrate} would do, one line per table; nothing is created. */
    public List<String> planMigration() {
        return sink.onIoThread("plan the migration", () -> sink.tables().planMigration());
    }

    /** One line per table: format, partitioning, sort order, current snapshot, location. */
    public List<String> info() {
        return sink.onIoThread("describe the tables", () -> sink.tables().info());
    }

    /**
     * Compacts small files, expires snapshots older than {@code retention}, removes orphan files older than
     * {@code orphanAge}; one line per table.
     */
    public List<String> maintain(Duration retention, Duration orphanAge) {
        if (orphanAge.compareTo(Duration.ofHours(1)) < 0) {
            throw new IngestException(ErrorKind.USAGE, "the orphan age must be at least 1 hour: younger files may belong to a run that has not committed yet");
        }
        return sink.onIoThread("maintain the tables", () -> {
            List<String> lines = new ArrayList<>();
            for (IcebergTable def : IcebergTable.values()) {
                if (!sink.tables().exists(def)) {
                    continue;
                }
                lines.add(IcebergMaintenance.maintain(sink.tables().table(def), def, Instant.now(), retention, orphanAge).line());
            }
            return lines;
        });
    }

    /** The metrics documents of the recorded runs ({@code ingest_runs}), newest first, at most {@code limit}. */
    public List<String> runs(int limit) {
        return runs(sink, limit);
    }

    /** The metrics document of run {@code runId}, or empty when {@code ingest_runs} holds no such run. */
    public Optional<String> run(String runId) {
        return run(sink, runId);
    }

    /** {@link #runs(int)} of an opened sink; the table is loaded, never created or evolved. */
    static List<String> runs(IcebergSink sink, int limit) {
        return sink.onIoThread("read ingest_runs", () -> {
            Optional<Table> table = sink.tables().existing(IcebergTable.INGEST_RUNS);
            if (table.isEmpty()) {
                return List.<String>of();
            }
            List<Record> rows = new ArrayList<>();
            try (CloseableIterable<Record> it = IcebergGenerics.read(table.get()).select("run_id", "started_at", "metrics").build()) {
                it.forEach(r -> rows.add(r.copy()));
            }
            rows.sort(Comparator.comparing((Record r) -> r.getField("started_at").toString()).thenComparing(r -> r.getField("run_id").toString()).reversed());
            return rows.stream().limit(limit).map(r -> r.getField("metrics").toString()).toList();
        });
    }

    /** {@link #run(String)} of an opened sink; the table is loaded, never created or evolved. */
    static Optional<String> run(IcebergSink sink, String runId) {
        return sink.onIoThread("read ingest_runs", () -> {
            Optional<Table> table = sink.tables().existing(IcebergTable.INGEST_RUNS);
            if (table.isEmpty()) {
                return Optional.<String>empty();
            }
            try (CloseableIterable<Record> it = IcebergGenerics.read(table.get()).where(Expressions.equal("run_id", runId)).select("run_id", "metrics").build()) {
                for (Record r : it) {
                    if (runId.equals(r.getField("run_id"))) {
                        return Optional.of(r.getField("metrics").toString());
                    }
                }
            }
            return Optional.<String>empty();
        });
    }

    /**
     * Writes every row of {@code table} as CSV (a header of the column names); returns the rows written. The file
     * appears whole or not at all (written beside it, then moved).
     *
     * @throws IngestException {@code USAGE} for another format than {@code csv}, a {@code where} filter, or an unknown table
     */
    public long exportCsv(String tableName, String format, String where, Path output) {
        if (!"csv".equals(format) || where != null) {
            throw new IngestException(ErrorKind.USAGE, "export from an Iceberg sink writes a whole table as CSV (--format csv, no --where)");
        }
        IcebergTable def = java.util.Arrays.stream(IcebergTable.values()).filter(t -> t.tableName().equals(tableName.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IngestException(ErrorKind.USAGE, "Unknown table '" + tableName + "' (known: "
                        + String.join(", ", java.util.Arrays.stream(IcebergTable.values()).map(IcebergTable::tableName).toList()) + ")"));
        return sink.onIoThread("export " + tableName, () -> {
            if (!sink.tables().exists(def)) {
                throw new IngestException(ErrorKind.USAGE, "Table " + tableName + " does not exist yet in " + sink.name());
            }
            Table table = sink.tables().table(def);
            table.refresh();
            List<Types.NestedField> columns = table.schema().columns();
            long n = 0;
            if (output.toAbsolutePath().getParent() != null) {
                Files.createDirectories(output.toAbsolutePath().getParent());
            }
            Path temporary = output.resolveSibling(output.getFileName() + ".tmp");
            try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8);
                    CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
                out.write(String.join(",", columns.stream().map(Types.NestedField::name).toList()) + "\n");
                for (Record row : rows) {
                    for (int i = 0; i < columns.size(); i++) {
                        out.write((i > 0 ? "," : "") + csv(row.getField(columns.get(i).name())));
                    }
                    out.write("\n");
                    n++;
                }
            } catch (IOException e) {
                Files.deleteIfExists(temporary);
                throw new UncheckedIOException("Cannot write " + output, e);
            }
            Files.move(temporary, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return n;
        });
    }

    private static String csv(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        return text.contains(",") || text.contains("\"") || text.contains("\n") ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }

    @Override
    public void close() {
        sink.close();
    }
}

package io.stockingest.sink.snowflake;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * The statements of one table's load, in the order they run:
 * <ol>
 *   <li>{@code puts}: the files to the internal stage (none with an external stage); PUT is not transactional</li>
 *   <li>{@code createStaging}: a transient staging table like the target (DDL, which Snowflake commits on its
 *       own, so it runs before the transaction)</li>
 *   <li>{@code BEGIN}, {@code copies} (at most 1,000 files each), the {@code gate} query (null for tables without a
 *       gate), the {@code merge}, {@code COMMIT}; a failing gate rolls back instead of merging</li>
 *   <li>{@code dropStaging}, then {@code removes} (the run's files in the internal stage)</li>
 * </ol>
 */
public record LoadPlan(
        SnowflakeTable table,
        String runId,
        List<String> files,
        List<String> puts,
        String createStaging,
        List<String> copies,
        String gate,
        String merge,
        String dropStaging,
        List<String> removes) {

    public LoadPlan {
        requireNonNull(table, "table is null");
        requireNonNull(runId, "runId is null");
        files = List.copyOf(files);
        puts = List.copyOf(puts);
        requireNonNull(createStaging, "createStaging is null");
        copies = List.copyOf(copies);
        requireNonNull(merge, "merge is null");
        requireNonNull(dropStaging, "dropStaging is null");
        removes = List.copyOf(removes);
    }

    static LoadPlan of(SnowflakeStatements sql, SnowflakeTable table, String runId, java.nio.file.Path runDir, List<String> files) {
        List<String> puts = sql.externalStage() ? List.of()
                : files.stream().map(f -> sql.put(runDir.resolve(f), table, runId)).toList();
        return new LoadPlan(table, runId, files, puts, sql.createStaging(table, runId), sql.copies(table, runId, files),
                table.gate().isEmpty() ? null : sql.gate(table, runId), sql.merge(table, runId), sql.dropStaging(table, runId),
                sql.externalStage() ? List.of() : List.of(sql.removeStaged(table, runId)));
    }

    /** Every statement of a successful load, transaction boundaries included. */
    public List<String> statements() {
        List<String> all = new ArrayList<>(puts);
        all.add(createStaging);
        all.add("BEGIN");
        all.addAll(copies);
        if (gate != null) {
            all.add(gate);
        }
        all.add(merge);
        all.add("COMMIT");
        all.add(dropStaging);
        all.addAll(removes);
        return all;
    }
}

package io.stockingest.app;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.inject.Plugins;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.spi.RecordedRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code runs}: the recorded runs of a lake ({@code logs/ingest/...}) or of a sink that offers {@link RecordedRuns}
 * (Iceberg's {@code ingest_runs}), newest first, or one run's whole document. A run records itself when it starts
 * ({@code running}, with its pid and host) and as it goes; a {@code running} record whose process is gone from this
 * host (killed, crashed) is shown as {@code interrupted}, with what it had written by its last record. A run on
 * another host is shown as recorded: its process cannot be seen from here.
 */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "The recorded runs with their metrics.")
final class RunsCommand implements Callable<Integer> {
    private final Environment env;

    @Option(names = "--sink", description = "parquet:DIR, iceberg:DIR or iceberg (default: ${DEFAULT-VALUE})", defaultValue = "parquet:./data")
    String sink;

    @Option(names = "--limit", description = "How many runs to list (default: ${DEFAULT-VALUE})", defaultValue = "20")
    int limit;

    @Parameters(arity = "0..1", paramLabel = "RUN_ID", description = "Show this run's metrics document")
    String runId;

    RunsCommand(Environment env) {
        this.env = env;
    }

    /**
     * Prints {@code rows} (the first is the header) in columns as wide as their widest cell, two spaces apart; the
     * columns from {@code firstNumeric} on are right-aligned.
     */
    private void printAligned(List<List<String>> rows, int firstNumeric) {
        int[] widths = new int[rows.getFirst().size()];
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                String cell = row.get(i);
                String pad = " ".repeat(widths[i] - cell.length());
                line.append(i == 0 ? "" : "  ").append(i >= firstNumeric ? pad + cell : cell + (i == widths.length - 1 ? "" : pad));
            }
            env.out().println(line);
        }
    }

    @Override
    public Integer call() {
        if (!sink.startsWith("parquet:")) {
            Plugins plugins = Assembly.plugins(env);
            RecordedRuns recorded = plugins.sinkCapability(sink, RecordedRuns.class).orElseThrow(() -> new IngestException(ErrorKind.USAGE,
                    "runs reads a lake (parquet:DIR) or a sink that records runs (" + String.join(", ", plugins.sinkExamples(RecordedRuns.class))
                            + "); got '" + sink + "'"));
            String uri = Assembly.resolveSink(plugins, sink, env);
            if (runId != null) {
                env.out().println(recorded.run(uri, Assembly.settings(env), runId)
                        .orElseThrow(() -> new IngestException(ErrorKind.USAGE, "No run '" + runId + "' in " + sink)));
                return 0;
            }
            print(recorded.runs(uri, Assembly.settings(env), limit));
            return 0;
        }
        Path logs = env.resolve(sink.substring("parquet:".length())).resolve("logs/ingest");
        List<Path> files;
        try (Stream<Path> walk = Files.exists(logs) ? Files.walk(logs) : Stream.empty()) {
            files = walk.filter(p -> p.getFileName().toString().matches("run-[0-9A-Za-z-]+\\.json"))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
                    .toList();
        } catch (IOException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot list " + logs + ": " + e.getMessage(), e);
        }
        try {
            if (runId != null) {
                Path file = files.stream().filter(p -> p.getFileName().toString().equals("run-" + runId + ".json")).findFirst()
                        .orElseThrow(() -> new IngestException(ErrorKind.USAGE, "No run '" + runId + "' under " + logs));
                env.out().println(Files.readString(file));
                return 0;
            }
            List<RunReport> reports = new ArrayList<>();
            for (Path file : files.stream().limit(limit).toList()) {
                reports.add(RunReport.fromJson(Files.readString(file)));
            }
            print(reports);
            return 0;
        } catch (IOException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot read a run under " + logs + ": " + e.getMessage(), e);
        }
    }

    /** The recorded status, or {@code interrupted} for a {@code running} record whose process is gone from this host. */
    static String status(RunReport report) {
        return RunReport.RUNNING.equals(report.status()) && report.process() != null && report.process().goneFromThisHost()
                ? RunReport.INTERRUPTED : report.status();
    }

    private void print(List<RunReport> reports) {
        List<List<String>> table = new ArrayList<>();
        table.add(List.of("run", "command", "source", "range", "status", "symbols", "failed", "rows", "quarantined"));
        for (RunReport r : reports) {
            String range = r.from() == null ? "" : r.from() + ".." + r.to();
            table.add(List.of(r.runId(), r.command(), r.source(), range, status(r), Long.toString(r.symbolsRequested()),
                    Long.toString(r.symbolsFailed()), Long.toString(r.rowsWritten()), Long.toString(r.rowsQuarantined())));
        }
        printAligned(table, 5);
    }
}

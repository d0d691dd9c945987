package io.stockingest.core.metrics;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.http.Secrets;
import java.io.IOException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The metrics document of one run, as written to {@code logs/ingest/...}, the {@code ingest_runs} table and
 * {@code --metrics-out}. Field names are snake_case in JSON; times are ISO-8601 instants ({@link Instant#toString()}).
 */
@JsonPropertyOrder(alphabetic = false)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunReport(
        String runId,
        String command,
        String source,
        String interval,
        String from,
        String to,
        List<String> sinks,
        Instant startedAt,
        Instant finishedAt,
        long durationMs,
        int exitCode,
        String status,
        int symbolsRequested,
        int symbolsSucceeded,
        int symbolsFailed,
        long requests,
        long retries,
        long throttled,
        long filesWritten,
        long filesSkipped,
        long rowsWritten,
        long rowsQuarantined,
        Map<String, Long> quarantinedByRule,
        List<String> errors,
        Map<String, SymbolReport> symbols,
        long sessionsStored,
        long requestsSaved,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> notes,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, SinkWrites> bySink,
        @JsonInclude(JsonInclude.Include.NON_NULL) RunProcess process) {

    /** A run still recorded as running, see {@link #process}. */
    public static final String RUNNING = "running";
    /** A run stopped by a signal ({@code SIGTERM}), or one recorded as running whose process is gone. */
    public static final String INTERRUPTED = "interrupted";

    /**
     * The process of a run recorded while it runs (status {@value #RUNNING}, or {@value #INTERRUPTED} when a signal
     * stopped it): {@code runs} shows a running record whose process is gone from this host as interrupted.
     *
     * @param startedAt when the process started (a pid reused by a later process is not taken for the run's)
     */
    public record RunProcess(long pid, String host, Instant startedAt) {
        public RunProcess {
            java.util.Objects.requireNonNull(host, "host is null");
        }

        /** This process on this host. */
        public static RunProcess current() {
            ProcessHandle self = ProcessHandle.current();
            return new RunProcess(self.pid(), hostName(), self.info().startInstant().orElse(null));
        }

        /** This machine's name (from the kernel or the environment; no name service is asked, it may hang). */
        public static String hostName() {
            try {
                java.nio.file.Path proc = java.nio.file.Path.of("/proc/sys/kernel/hostname");
                if (java.nio.file.Files.isReadable(proc)) {
                    String name = java.nio.file.Files.readString(proc).strip();
                    if (!name.isEmpty()) {
                        return name;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // fall back to the environment
            }
            return System.getenv().getOrDefault("HOSTNAME", System.getenv().getOrDefault("COMPUTERNAME", "localhost"));
        }

        /**
         * Whether this record's process is known to be gone: it ran on this host and no process has its pid, or the
         * one that has it started later. A process on another host is never known to be gone.
         */
        public boolean goneFromThisHost() {
            if (!host.equals(hostName())) {
                return false;
            }
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isEmpty() || !handle.get().isAlive()) {
                return true;
            }
            Optional<Instant> start = handle.get().info().startInstant();
            return startedAt != null && start.isPresent() && start.get().isAfter(startedAt.plusSeconds(1));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new SimpleModule("instants")
                    .addSerializer(Instant.class, ToStringSerializer.instance)
                    .addDeserializer(Instant.class, new StdScalarDeserializer<Instant>(Instant.class) {
                        @Override
                        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                            return Instant.parse(p.getValueAsString());
                        }
                    }))
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public RunReport {
        sinks = sinks == null ? List.of() : List.copyOf(sinks);
        quarantinedByRule = quarantinedByRule == null ? Map.of() : Map.copyOf(quarantinedByRule);
        errors = errors == null ? List.of() : List.copyOf(errors);
        symbols = symbols == null ? Map.of() : Map.copyOf(symbols);
        notes = notes == null ? List.of() : List.copyOf(notes);
        bySink = bySink == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(bySink));
    }

    /**
     * What one sink stored in the run ({@code files_written}, {@code files_skipped}, {@code rows_written}); a sink that
     * stores rows in tables (a database) has no file counts. The run's own {@code rows_written} is the sum over sinks.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SinkWrites(Long filesWritten, Long filesSkipped, long rowsWritten) {
        /** What a sink that stores files (a lake) stored. */
        public static SinkWrites files(long written, long skipped, long rows) {
            return new SinkWrites(written, skipped, rows);
        }

        /** What a sink that stores rows in tables (a database) stored. */
        public static SinkWrites rows(long rows) {
            return new SinkWrites(null, null, rows);
        }

        String describe() {
            return filesWritten == null ? String.format("%d rows written", rowsWritten)
                    : String.format("%d files written, %d skipped, %d rows written", filesWritten, filesSkipped, rowsWritten);
        }
    }

    /** This report with what each sink stored, in the run's sink order. */
    public RunReport withSinkWrites(Map<String, SinkWrites> writes) {
        return new RunReport(runId, command, source, interval, from, to, sinks, startedAt, finishedAt, durationMs, exitCode, status,
                symbolsRequested, symbolsSucceeded, symbolsFailed, requests, retries, throttled, filesWritten, filesSkipped, rowsWritten,
                rowsQuarantined, quarantinedByRule, errors, symbols, sessionsStored, requestsSaved, notes, writes, process);
    }

    /** A report without notes. */
    public RunReport(String runId, String command, String source, String interval, String from, String to, List<String> sinks, Instant startedAt,
            Instant finishedAt, long durationMs, int exitCode, String status, int symbolsRequested, int symbolsSucceeded, int symbolsFailed,
            long requests, long retries, long throttled, long filesWritten, long filesSkipped, long rowsWritten, long rowsQuarantined,
            Map<String, Long> quarantinedByRule, List<String> errors, Map<String, SymbolReport> symbols, long sessionsStored, long requestsSaved) {
        this(runId, command, source, interval, from, to, sinks, startedAt, finishedAt, durationMs, exitCode, status, symbolsRequested,
                symbolsSucceeded, symbolsFailed, requests, retries, throttled, filesWritten, filesSkipped, rowsWritten, rowsQuarantined,
                quarantinedByRule, errors, symbols, sessionsStored, requestsSaved, List.of(), Map.of(), null);
    }

    /** This report with {@code more} notes (facts about the run that are not errors: "no calendar for venue XIDX"). */
    public RunReport withNotes(List<String> more) {
        List<String> all = new java.util.ArrayList<>(notes);
        all.addAll(more);
        return new RunReport(runId, command, source, interval, from, to, sinks, startedAt, finishedAt, durationMs, exitCode, status,
                symbolsRequested, symbolsSucceeded, symbolsFailed, requests, retries, throttled, filesWritten, filesSkipped, rowsWritten,
                rowsQuarantined, quarantinedByRule, errors, symbols, sessionsStored, requestsSaved, all, bySink, process);
    }

    /** This report as recorded while {@code running} runs, or once it was interrupted: with its status and process. */
    public RunReport withStatus(String newStatus, RunProcess runProcess) {
        return new RunReport(runId, command, source, interval, from, to, sinks, startedAt, finishedAt, durationMs, exitCode, newStatus,
                symbolsRequested, symbolsSucceeded, symbolsFailed, requests, retries, throttled, filesWritten, filesSkipped, rowsWritten,
                rowsQuarantined, quarantinedByRule, errors, symbols, sessionsStored, requestsSaved, notes, bySink, runProcess);
    }

    /**
     * A report with no planning savings ({@code sessionsStored}: sessions every sink already held, so not fetched;
     * {@code requestsSaved}: provider calls that spared), for runs that do not plan from stored sessions.
     */
    public RunReport(String runId, String command, String source, String interval, String from, String to, List<String> sinks,
            Instant startedAt, Instant finishedAt, long durationMs, int exitCode, String status, int symbolsRequested,
            int symbolsSucceeded, int symbolsFailed, long requests, long retries, long throttled, long filesWritten,
            long filesSkipped, long rowsWritten, long rowsQuarantined, Map<String, Long> quarantinedByRule, List<String> errors,
            Map<String, SymbolReport> symbols) {
        this(runId, command, source, interval, from, to, sinks, startedAt, finishedAt, durationMs, exitCode, status, symbolsRequested,
                symbolsSucceeded, symbolsFailed, requests, retries, throttled, filesWritten, filesSkipped, rowsWritten, rowsQuarantined,
                quarantinedByRule, errors, symbols, 0, 0);
    }

    /** Per-symbol counts and errors. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record SymbolReport(
            String status,
            long requests,
            long retries,
            long throttled,
            long rowsFetched,
            long rowsWritten,
            long rowsQuarantined,
            long filesWritten,
            long filesSkipped,
            List<String> errors) {
        public SymbolReport {
            errors = errors == null ? List.of() : List.copyOf(errors);
        }
    }

    /** The document as pretty-printed JSON, secrets masked. */
    public String toJson() {
        try {
            return Secrets.redact(JSON.writeValueAsString(this));
        } catch (JsonProcessingException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot serialise the run metrics: " + e.getOriginalMessage(), e);
        }
    }

    public static RunReport fromJson(String json) {
        try {
            return JSON.readValue(json, RunReport.class);
        } catch (JsonProcessingException e) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, "Cannot read run metrics: " + e.getOriginalMessage(), e);
        }
    }

    /** A symbol's error for work dropped when the run stopped (the stopping error is among the run's errors). */
    public static final String NOT_ATTEMPTED = "not attempted: the run stopped";

    /** Up to 100 symbols, space-separated, then where the rest are. */
    private static String names(List<String> symbols) {
        int listed = Math.min(symbols.size(), 100);
        return String.join(" ", symbols.subList(0, listed)) + (listed < symbols.size() ? " ... (all in the metrics file)" : "");
    }

    /** The one-screen summary printed at the end of a run. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        String range = from == null && to == null ? "" : (from == null ? "" : from) + ".." + (to == null ? "" : to) + "  ";
        out.append(String.format("run %s  %s --source %s  %s%s%s (exit %d)%n", runId, command, source, interval == null ? "" : interval + " ",
                range, status, exitCode));
        long upToDate = symbols.values().stream().filter(s -> s.status().equals("up_to_date")).count();
        out.append(String.format("symbols   %d requested, %d succeeded, %d failed%s%n", symbolsRequested, symbolsSucceeded, symbolsFailed,
                upToDate == 0 ? "" : " (" + upToDate + " already up to date, nothing fetched)"));
        out.append(String.format("requests  %d (retries %d, throttled %d)%n", requests, retries, throttled));
        if (sessionsStored > 0 || requestsSaved > 0) {
            out.append(String.format("stored    %d sessions already stored, %d requests saved%n", sessionsStored, requestsSaved));
        }
        String quarantined = String.format("%d quarantined%s", rowsQuarantined, quarantinedByRule.isEmpty() ? "" : " " + quarantinedByRule);
        if (bySink.size() > 1) {
            // each sink its own line: summed, two sinks would report every row twice
            out.append(String.format("rows      %s%n", quarantined));
            bySink.forEach((sink, writes) -> out.append(String.format("sink      %s: %s%n", sink, writes.describe())));
        } else {
            if (bySink.values().stream().allMatch(writes -> writes.filesWritten() != null)) { // a database counts no files
                out.append(String.format("files     %d written, %d skipped (already present)%n", filesWritten, filesSkipped));
            }
            out.append(String.format("rows      %d written, %s%n", rowsWritten, quarantined));
        }
        out.append(String.format("duration  %.1f s  sinks %s%n", durationMs / 1000.0, String.join(", ", sinks)));
        int shown = 0;
        List<String> notAttempted = new java.util.ArrayList<>();
        List<String> stoppedTheRun = new java.util.ArrayList<>();
        for (var entry : new java.util.TreeMap<>(symbols).entrySet()) {
            SymbolReport symbol = entry.getValue();
            if (symbol.errors().isEmpty()) {
                continue;
            }
            if (symbol.status().equals("not_attempted")) {
                notAttempted.add(entry.getKey());
                continue;
            }
            // the error that stopped the run is said once, below
            List<String> own = symbol.errors().stream().filter(e -> !e.equals(NOT_ATTEMPTED)).toList();
            if (!errors.isEmpty() && errors.containsAll(own)) {
                stoppedTheRun.add(entry.getKey());
                continue;
            }
            if (shown++ == 10) {
                out.append(String.format("... and more failures: see the metrics file%n"));
                break;
            }
            out.append(String.format("  %s: %s%n", entry.getKey(), String.join("; ", symbol.errors())));
        }
        if (!stoppedTheRun.isEmpty()) {
            out.append(String.format("failed with the error below: %s%n", names(stoppedTheRun)));
        }
        if (!notAttempted.isEmpty()) {
            out.append(String.format("not attempted (the run stopped): %d symbols: %s%n", notAttempted.size(), names(notAttempted)));
        }
        for (String error : errors) {
            out.append(String.format("error: %s%n", error));
        }
        for (String note : notes) {
            out.append(String.format("note: %s%n", note));
        }
        return Secrets.redact(out.toString());
    }
}

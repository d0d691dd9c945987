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
import java.util.List;
import java.util.Map;

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
        Map<String, SymbolReport> symbols) {

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

    /** The one-screen summary printed at the end of a run. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("run %s  %s --source %s  %s %s..%s  %s (exit %d)%n", runId, command, source,
                interval == null ? "" : interval, from, to, status, exitCode));
        long upToDate = symbols.values().stream().filter(s -> s.status().equals("up_to_date")).count();
        out.append(String.format("symbols   %d requested, %d succeeded, %d failed%s%n", symbolsRequested, symbolsSucceeded, symbolsFailed,
                upToDate == 0 ? "" : " (" + upToDate + " already up to date, nothing fetched)"));
        out.append(String.format("requests  %d (retries %d, throttled %d)%n", requests, retries, throttled));
        out.append(String.format("files     %d written, %d skipped (already present)%n", filesWritten, filesSkipped));
        out.append(String.format("rows      %d written, %d quarantined%s%n", rowsWritten, rowsQuarantined,
                quarantinedByRule.isEmpty() ? "" : " " + quarantinedByRule));
        out.append(String.format("duration  %.1f s  sinks %s%n", durationMs / 1000.0, String.join(", ", sinks)));
        int shown = 0;
        for (var entry : new java.util.TreeMap<>(symbols).entrySet()) {
            if (entry.getValue().errors().isEmpty()) {
                continue;
            }
            if (shown++ == 10) {
                out.append(String.format("... and more failures: see the metrics file%n"));
                break;
            }
            out.append(String.format("  %s: %s%n", entry.getKey(), String.join("; ", entry.getValue().errors())));
        }
        for (String error : errors) {
            out.append(String.format("error: %s%n", error));
        }
        return Secrets.redact(out.toString());
    }
}

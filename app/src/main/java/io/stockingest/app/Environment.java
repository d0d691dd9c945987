package io.stockingest.app;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stockingest.core.http.Ticker;
import io.stockingest.core.metrics.RunReport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * What a command sees of the outside world: environment variables, working directory, output streams, the clock
 * and how to log ({@link LogStyle}). Tests run commands in-process with their own.
 */
public record Environment(Map<String, String> variables, Path workingDirectory, PrintStream out, PrintStream err, Ticker ticker, boolean interactive,
        LogStyle log) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Environment {
        variables = Map.copyOf(requireNonNull(variables, "variables is null"));
        requireNonNull(workingDirectory, "workingDirectory is null");
        requireNonNull(out, "out is null");
        requireNonNull(err, "err is null");
        requireNonNull(ticker, "ticker is null");
        requireNonNull(log, "log is null");
    }

    public Environment(Map<String, String> variables, Path workingDirectory, PrintStream out, PrintStream err, Ticker ticker, boolean interactive) {
        this(variables, workingDirectory, out, err, ticker, interactive, LogStyle.DEFAULT);
    }

    public static Environment system() {
        return new Environment(System.getenv(), Path.of("").toAbsolutePath(), System.out, System.err, Ticker.SYSTEM, System.console() != null);
    }

    /**
     * The same environment logging in {@code style}: stderr formatted and filtered by it, and no redrawn progress
     * bar unless the text style at its normal level goes to a terminal.
     */
    public Environment logging(LogStyle style) {
        return new Environment(variables, workingDirectory, out, LogOutput.wrap(err, style, ticker), ticker, interactive && style.equals(LogStyle.DEFAULT), style);
    }

    /** Resolves a user-given path against the working directory. */
    public Path resolve(String path) {
        return workingDirectory.resolve(path).normalize();
    }

    /**
     * A run's summary on stdout: the text block; with {@code --log-format json} one JSON object (the metrics
     * document, {@code "msg": "run summary"}); nothing with {@code --quiet} (the exit code and the metrics tell).
     */
    public void printSummary(RunReport report) {
        if (log.quiet()) {
            return;
        }
        if (log.format() == LogStyle.Format.TEXT) {
            out.print(report.summary());
            return;
        }
        try {
            ObjectNode line = JSON.createObjectNode();
            line.put("ts", ticker.now().truncatedTo(ChronoUnit.MILLIS).toString());
            line.put("level", "info");
            line.put("logger", "stock-ingest");
            line.put("msg", "run summary");
            line.set("run", JSON.readTree(report.toJson()));
            out.println(JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the run summary as JSON", e);
        }
    }
}

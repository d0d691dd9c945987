package io.stockingest.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stockingest.app.LogStyle.Level;
import io.stockingest.core.http.Ticker;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The log stream (stderr) of a run in its {@link LogStyle}: whole lines, each given a level, dropped below the
 * threshold, and in the JSON format written as one object a line ({@code ts}, {@code level}, {@code logger},
 * {@code msg}) for Kubernetes, Datadog, Loki or CloudWatch. A line's level: {@code ERROR} for the tool's own
 * {@code stock-ingest: ...} failure lines; the level of an SLF4J line ({@code WARN logger - message}); {@code WARN}
 * for lines that say something could not be done ({@code warning:}, {@code : cannot }); {@code INFO} otherwise
 * (progress, watch's state).
 *
 * <p>Thread-safe: a line is assembled and written under the stream's lock, so lines of concurrent writers never mix.
 */
final class LogOutput extends PrintStream {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SLF4J = Pattern.compile("^(TRACE|DEBUG|INFO|WARN|ERROR) (\\S+) - (.*)$", Pattern.DOTALL);

    private LogOutput(LineSink lines) {
        super(lines, true, StandardCharsets.UTF_8);
    }

    static PrintStream wrap(PrintStream target, LogStyle style, Ticker clock) {
        return style.equals(LogStyle.DEFAULT) ? target : new LogOutput(new LineSink(target, style, clock));
    }

    /** One line in the style: the text as it was, or a JSON object; null when below the threshold. */
    static String format(String line, LogStyle style, Ticker clock) {
        Level level = Level.INFO;
        String logger = "stock-ingest";
        String message = line;
        Matcher slf4j = SLF4J.matcher(line);
        if (line.startsWith("stock-ingest: ")) {
            level = Level.ERROR;
            message = line.substring("stock-ingest: ".length());
        } else if (slf4j.matches()) {
            level = slf4j.group(1).equals("TRACE") ? Level.DEBUG : Level.valueOf(slf4j.group(1));
            logger = slf4j.group(2);
            message = slf4j.group(3);
        } else if (line.startsWith("warning: ") || line.contains(": cannot ")) {
            level = Level.WARN;
        }
        if (level.compareTo(style.threshold()) < 0) {
            return null;
        }
        if (style.format() == LogStyle.Format.TEXT) {
            return line;
        }
        ObjectNode json = JSON.createObjectNode();
        json.put("ts", clock.now().truncatedTo(ChronoUnit.MILLIS).toString());
        json.put("level", level.label());
        json.put("logger", logger);
        json.put("msg", message);
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a log line as JSON", e);
        }
    }

    /** Collects bytes into lines; a carriage return (a terminal's redraw) ends a line too. */
    private static final class LineSink extends OutputStream {
        private final PrintStream target;
        private final LogStyle style;
        private final Ticker clock;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        /** A lock, not a monitor: lines are printed under it, and a virtual thread blocked on a monitor pins its carrier on Java 21. */
        private final ReentrantLock lock = new ReentrantLock();

        LineSink(PrintStream target, LogStyle style, Ticker clock) {
            this.target = target;
            this.style = style;
            this.clock = clock;
        }

        @Override
        public void write(int b) {
            lock.lock();
            try {
                append(b);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            lock.lock();
            try {
                for (int i = offset; i < offset + length; i++) {
                    append(bytes[i]);
                }
            } finally {
                lock.unlock();
            }
        }

        private void append(int b) {
            if (b == '\n' || b == '\r') {
                emit();
            } else {
                line.write(b);
            }
        }

        @Override
        public void flush() {
            lock.lock();
            try {
                target.flush();
            } finally {
                lock.unlock();
            }
        }

        private void emit() {
            if (line.size() == 0) {
                return;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            String formatted = format(text, style, clock);
            if (formatted != null) {
                target.println(formatted);
            }
        }
    }
}

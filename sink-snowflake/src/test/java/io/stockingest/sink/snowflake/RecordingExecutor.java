package io.stockingest.sink.snowflake;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hand-written {@link SqlExecutor} fake: records every statement (BEGIN, COMMIT and ROLLBACK as text), answers
 * queries from canned results by statement prefix, fails on request, and keeps the bytes of every file a PUT
 * names (the sink deletes its files after the load).
 */
final class RecordingExecutor implements SqlExecutor {
    private static final Pattern PUT_FILE = Pattern.compile("^PUT 'file://([^']+)'");
    final List<String> statements = new ArrayList<>();
    final Map<String, byte[]> putFiles = new LinkedHashMap<>();
    private final Map<String, Function<String, List<Map<String, Object>>>> answers = new LinkedHashMap<>();
    private String failOn;
    boolean closed;

    /** Answers every statement starting with {@code prefix}. */
    RecordingExecutor answer(String prefix, Function<String, List<Map<String, Object>>> rows) {
        answers.put(prefix, rows);
        return this;
    }

    RecordingExecutor answer(String prefix, List<Map<String, Object>> rows) {
        return answer(prefix, sql -> rows);
    }

    /** Throws a SINK error on the first statement starting with {@code prefix}. */
    RecordingExecutor failOn(String prefix) {
        this.failOn = prefix;
        return this;
    }

    @Override
    public void execute(String sql) {
        run(sql);
    }

    @Override
    public List<Map<String, Object>> query(String sql) {
        run(sql);
        return answers.entrySet().stream().filter(e -> sql.startsWith(e.getKey())).findFirst()
                .map(e -> e.getValue().apply(sql)).orElse(List.of());
    }

    private void run(String sql) {
        statements.add(sql);
        if (failOn != null && sql.startsWith(failOn)) {
            throw new IngestException(ErrorKind.SINK, "Snowflake statement failed (" + sql.substring(0, Math.min(40, sql.length())) + "): boom");
        }
        Matcher put = PUT_FILE.matcher(sql);
        if (put.find()) {
            Path file = Path.of(put.group(1));
            try {
                putFiles.put(file.getFileName().toString(), Files.readAllBytes(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void begin() {
        run("BEGIN");
    }

    @Override
    public void commit() {
        run("COMMIT");
    }

    @Override
    public void rollback() {
        run("ROLLBACK");
    }

    @Override
    public void close() {
        closed = true;
    }

    /** The statements with their first word only, for order checks: PUT, CREATE, BEGIN, COPY, SELECT, MERGE, ... */
    List<String> verbs() {
        return statements.stream().map(s -> s.split(" ", 2)[0]).toList();
    }
}

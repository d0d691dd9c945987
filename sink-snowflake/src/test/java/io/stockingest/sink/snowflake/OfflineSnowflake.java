package io.stockingest.sink.snowflake;

import io.stockingest.lake.ParquetFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An offline Snowflake account for the sink contract: it carries out the few statements the sink's loads consist of,
 * on rows in memory, so that what a reader would see can be read back. {@code PUT} keeps a file in the stage;
 * {@code COPY INTO} reads the named staged Parquet files into the session's staging table; {@code MERGE INTO} upserts
 * the staging rows by the statement's {@code ON} key (the last row of a key wins); a transaction's merges become
 * visible at {@code COMMIT} only and vanish at {@code ROLLBACK}; {@code MERGE INTO ingest_runs} records the run id; the
 * features' stored-sessions query ({@link SnowflakeStatements#storedSessions}) is answered from the committed
 * {@code PRICES_DAILY} rows as Snowflake would (upper-case labels; per symbol the last {@code n} sessions before its
 * first loaded date, and every one from that date on), and so is the query for the symbols whose session has no
 * feature row. It does not evaluate other SQL: the gate's counts are answered
 * as "no breach" ({@code RowRulesSqlTest} checks the rules' SQL) and DDL is accepted as is.
 *
 * <p>Public for app's cross-sink feature test (the test-jar). Thread-safe: each {@link #session()} is one connection's
 * state, the committed tables are shared.
 */
public final class OfflineSnowflake {
    private static final Pattern PUT = Pattern.compile("^PUT 'file://([^']+)' (\\S+) ");
    private static final Pattern COPY = Pattern.compile("^COPY INTO (\\S+) FROM (\\S+) FILES = \\(([^)]*)\\)");
    private static final Pattern MERGE = Pattern.compile("^MERGE INTO (\\S+) AS t USING \\(SELECT \\* FROM (\\S+) QUALIFY");
    private static final Pattern KEY = Pattern.compile("t\\.\"(\\w+)\" = s\\.\"\\1\"");
    private static final Pattern STORED_SESSIONS = Pattern.compile("^SELECT 'tail' AS \"PART\"");
    private static final Pattern SPAN = Pattern.compile("\\('((?:[^']|'')*)', '(\\d{4}-\\d{2}-\\d{2})'\\)");
    private static final Pattern TAIL_LENGTH = Pattern.compile("ORDER BY p\\.\"DATE\" DESC\\) <= (\\d+)");
    private static final Pattern RUN_ID = Pattern.compile("^MERGE INTO \\S*\"INGEST_RUNS\" AS t USING \\(SELECT '([^']*)' AS \"RUN_ID\"");
    private final Map<String, byte[]> stage = new HashMap<>();
    private final Map<String, Map<List<Object>, Map<String, Object>>> tables = new HashMap<>();
    private final List<String> runs = new ArrayList<>();

    /** The committed rows of the table whose quoted name ends the object name, e.g. {@code "PRICES_DAILY"}. */
    public synchronized List<Map<String, Object>> rows(String table) {
        List<Map<String, Object>> out = new ArrayList<>();
        tables.forEach((name, rows) -> {
            if (name.endsWith(".\"" + table + "\"")) {
                out.addAll(rows.values());
            }
        });
        return out;
    }

    synchronized List<String> runs() {
        return List.copyOf(runs);
    }

    public SqlExecutor session() {
        return new Session();
    }

    /** The committed daily sessions before each span (the last {@code n}, newest first) and after it, as Snowflake returns them. */
    private List<Map<String, Object>> storedSessions(String sql) {
        Matcher n = TAIL_LENGTH.matcher(sql);
        if (!n.find()) {
            throw new IllegalArgumentException("Not a stored-sessions query: " + sql);
        }
        int tailLength = Integer.parseInt(n.group(1));
        String values = sql.substring(sql.indexOf(" FROM VALUES ") + 13, sql.indexOf(") AS l ON "));
        List<Map<String, Object>> out = new ArrayList<>();
        Matcher span = SPAN.matcher(values);
        List<Map<String, Object>> prices = rows("PRICES_DAILY");
        while (span.find()) {
            String symbol = span.group(1).replace("''", "'");
            java.time.LocalDate first = java.time.LocalDate.parse(span.group(2));
            List<Map<String, Object>> newestFirst = prices.stream().filter(row -> symbol.equals(row.get("symbol")))
                    .sorted(java.util.Comparator.comparing((Map<String, Object> row) -> date(row)).reversed()).toList();
            int tail = 0;
            for (Map<String, Object> row : newestFirst) {
                if (date(row).isBefore(first) && tail < tailLength) {
                    out.add(answer("tail", row));
                    tail++;
                }
            }
            for (Map<String, Object> row : newestFirst) {
                if (!date(row).isBefore(first)) {
                    out.add(answer("from", row));
                }
            }
        }
        return out;
    }

    /** {@link SnowflakeStatements#withoutFeatures}: the symbols whose given session has no committed feature row. */
    private List<Map<String, Object>> withoutFeatures(String sql) {
        List<Map<String, Object>> features = rows("PRICE_FEATURES");
        List<Map<String, Object>> out = new ArrayList<>();
        Matcher span = SPAN.matcher(sql);
        while (span.find()) {
            String symbol = span.group(1).replace("''", "'");
            java.time.LocalDate date = java.time.LocalDate.parse(span.group(2));
            if (features.stream().noneMatch(row -> symbol.equals(row.get("symbol")) && date.equals(date(row)))) {
                out.add(Map.of("SYMBOL", symbol));
            }
        }
        return out;
    }

    private static java.time.LocalDate date(Map<String, Object> row) {
        Object date = row.get("date");
        return date instanceof java.time.LocalDate d ? d : java.time.LocalDate.ofEpochDay(((Number) date).longValue());
    }

    private static Map<String, Object> answer(String part, Map<String, Object> row) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("PART", part);
        out.put("SYMBOL", row.get("symbol"));
        out.put("DATE", java.sql.Date.valueOf(date(row)));
        for (String column : List.of("open", "high", "low", "close", "volume")) {
            out.put(column.toUpperCase(java.util.Locale.ROOT), row.get(column));
        }
        return out;
    }

    private record Merge(String table, List<String> key, List<Map<String, Object>> rows) {}

    private final class Session implements SqlExecutor {
        private final Map<String, List<Map<String, Object>>> staging = new HashMap<>();
        private final List<Merge> pending = new ArrayList<>();
        private boolean inTransaction;

        @Override
        public void execute(String sql) {
            query(sql);
        }

        @Override
        public List<Map<String, Object>> query(String sql) {
            Matcher m;
            if ((m = PUT.matcher(sql)).find()) {
                Path file = Path.of(m.group(1));
                try {
                    byte[] bytes = Files.readAllBytes(file);
                    synchronized (OfflineSnowflake.this) {
                        stage.put(m.group(2) + file.getFileName(), bytes);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return List.of();
            }
            if ((m = COPY.matcher(sql)).find()) {
                List<Map<String, Object>> loaded = staging.computeIfAbsent(m.group(1), t -> new ArrayList<>());
                List<Map<String, Object>> results = new ArrayList<>();
                for (String quoted : m.group(3).split(", ")) {
                    String name = quoted.substring(1, quoted.length() - 1);
                    byte[] bytes;
                    synchronized (OfflineSnowflake.this) {
                        bytes = stage.get(m.group(2) + name);
                    }
                    List<Map<String, Object>> rows = ParquetFiles.readRows(bytes);
                    loaded.addAll(rows);
                    results.add(Map.of("FILE", name, "STATUS", "LOADED", "ROWS_PARSED", (long) rows.size(), "ROWS_LOADED", (long) rows.size()));
                }
                return results;
            }
            if (sql.startsWith("SELECT l.\"SYMBOL\" FROM (SELECT COLUMN1")) {
                return withoutFeatures(sql);
            }
            if (STORED_SESSIONS.matcher(sql).find()) {
                return storedSessions(sql);
            }
            if ((m = RUN_ID.matcher(sql)).find()) {
                synchronized (OfflineSnowflake.this) {
                    runs.remove(m.group(1));
                    runs.add(m.group(1));
                }
                return List.of();
            }
            if ((m = MERGE.matcher(sql)).find()) {
                List<String> key = new ArrayList<>();
                Matcher k = KEY.matcher(sql);
                while (k.find()) {
                    key.add(k.group(1).toLowerCase(java.util.Locale.ROOT));
                }
                List<Map<String, Object>> rows = staging.getOrDefault(m.group(2), List.of());
                pending.add(new Merge(m.group(1), key, List.copyOf(rows)));
                if (!inTransaction) {
                    commit();
                }
                return List.of(Map.of("NUMBER OF ROWS INSERTED", (long) rows.size(), "NUMBER OF ROWS UPDATED", 0L));
            }
            if (sql.startsWith("SELECT COUNT(*) AS \"ROWS\"")) {
                String from = sql.substring(sql.lastIndexOf(" FROM ") + 6);
                Map<String, Object> counts = new LinkedHashMap<>();
                counts.put("ROWS", (long) staging.getOrDefault(from, List.of()).size());
                return List.of(counts); // no breach counted: see the class comment
            }
            if (sql.startsWith("DROP TABLE IF EXISTS ")) {
                staging.remove(sql.substring("DROP TABLE IF EXISTS ".length()));
            }
            return List.of();
        }

        @Override
        public void begin() {
            inTransaction = true;
        }

        @Override
        public void commit() {
            synchronized (OfflineSnowflake.this) {
                for (Merge merge : pending) {
                    Map<List<Object>, Map<String, Object>> table = tables.computeIfAbsent(merge.table(), t -> new LinkedHashMap<>());
                    for (Map<String, Object> row : merge.rows()) {
                        table.put(merge.key().stream().map(row::get).toList(), row);
                    }
                }
            }
            pending.clear();
            inTransaction = false;
        }

        @Override
        public void rollback() {
            pending.clear();
            inTransaction = false;
        }

        @Override
        public void close() {
            staging.clear();
        }
    }
}

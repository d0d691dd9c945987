package io.stockingest.lake;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.SinkReader;
import io.stockingest.core.spi.StoredSessions;
import io.stockingest.core.spi.Table;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A lake directory (PRODUCT.md's layout) read through an embedded, in-memory DuckDB over its Parquet files. DuckDB
 * loads no extension (Parquet reading is built in; auto-install and auto-load are switched off) and its settings are
 * locked once the connection is set up. Paths in the SQL come only from the lake root and validated values
 * ({@link Symbol}, intervals, dates); every other value is a bound parameter. A dataset with no file answers an
 * empty table. Daily and yearly files of the same session (both may exist) count once: the newer ingest wins.
 * Features come from {@code features/prices} where the lake has them, and are otherwise computed with the same
 * windows as PostgreSQL's {@code price_features} / {@code price_cumulative_7d}. Thread-safe.
 */
public final class LakeReader implements SinkReader {
    private static final Pattern INTERVAL = Pattern.compile("[0-9]{1,3}[a-z]{1,3}");
    private static final Pattern RUN_FILE = Pattern.compile("run-([0-9A-Za-z-]+)\\.json");
    private static final Pattern RUN_ID = Pattern.compile("[0-9A-Za-z-]{1,64}");
    private static final int CONNECTIONS = 4;

    private final Path root;
    private final String raw;
    private final JdbcTables jdbc;
    private final StoredSessions stored;

    private final String description;

    /**
     * @param rawPrefix the folder of provider data ({@code S3_RAW_PREFIX}, default {@code raw})
     * @param stored which sessions the lake holds, by its keys (the lake sink's own listing); closed with this reader
     *     when it is {@link AutoCloseable}
     */
    public LakeReader(Path root, String rawPrefix, StoredSessions stored) {
        this(root, rawPrefix, stored, "lake " + root.toAbsolutePath().normalize());
    }

    /** @param description what {@link #describe} says (no secret in it) */
    public LakeReader(Path root, String rawPrefix, StoredSessions stored, String description) {
        this.description = requireNonNull(description, "description is null");
        this.stored = requireNonNull(stored, "stored is null");
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        this.raw = requireNonNull(rawPrefix, "rawPrefix is null");
        if (!Pattern.matches("[A-Za-z0-9_=-]+(/[A-Za-z0-9_=-]+)*", rawPrefix)) {
            throw new IllegalArgumentException("raw prefix '" + rawPrefix + "' must be folder names of letters, digits, '_', '-' or '='");
        }
        this.jdbc = new JdbcTables(LakeReader::open, CONNECTIONS, "the lake " + this.root);
    }

    private static Connection open() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement st = c.createStatement()) {
            st.execute("SET autoinstall_known_extensions = false");
            st.execute("SET autoload_known_extensions = false");
            st.execute("SET threads = 2");
            st.execute("SET lock_configuration = true");
        }
        return c;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public List<String> symbols() {
        return children(root.resolve(raw).resolve("prices"), "symbol=").stream().filter(LakeReader::isSymbol).sorted().toList();
    }

    private static boolean isSymbol(String s) {
        try {
            return Symbol.parse(s).value().equals(s);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The latest row of each session of a symbol's daily files (daily and yearly), as a subquery of the columns
     * {@code date, open, high, low, close, adj_close, volume}. One scan: each session's row is the {@code arg_max} by
     * {@code ingest_ts} of the row's values packed in one struct (so they come from the same row). DuckDB plans the
     * equivalent {@code QUALIFY row_number() ... = 1} as a semi-join that scans the files twice, which made a 5-year
     * series cost ~40% more (docs/performance.md).
     */
    private Optional<String> dailyRows(Symbol symbol) {
        Path dir = root.resolve(raw).resolve("prices").resolve("symbol=" + symbol.value());
        if (!hasParquet(dir)) {
            return Optional.empty();
        }
        return Optional.of("(SELECT date, r.open AS open, r.high AS high, r.low AS low, r.close AS close, r.adj_close AS adj_close,"
                + " r.volume AS volume FROM (SELECT date, arg_max({'open': open, 'high': high, 'low': low, 'close': close,"
                + " 'adj_close': adj_close, 'volume': volume}, ingest_ts) AS r FROM " + parquet(dir) + " GROUP BY date))");
    }

    @Override
    public Table daily(Symbol symbol, LocalDate from, LocalDate to) {
        List<String> columns = List.of("date", "open", "high", "low", "close", "adj_close", "volume", "ma_20", "ma_50", "volatility_20d");
        Optional<String> rows = dailyRows(symbol);
        if (rows.isEmpty()) {
            return Table.empty(columns);
        }
        Path features = root.resolve("features").resolve("prices").resolve("symbol=" + symbol.value());
        if (hasParquet(features)) {
            return jdbc.query("SELECT p.date, p.open, p.high, p.low, p.close, p.adj_close, p.volume, f.ma_20, f.ma_50, f.volatility_20d"
                    + " FROM " + rows.get() + " p LEFT JOIN " + parquet(features) + " f ON f.date = p.date"
                    + " WHERE p.date BETWEEN ? AND ? ORDER BY p.date", from, to);
        }
        // the windows of price_features (V3__features.sql), over stored sessions; computed from the 50 sessions before "from"
        return jdbc.query("WITH s AS (SELECT *, row_number() OVER (ORDER BY date) AS n, ln(close / lag(close) OVER (ORDER BY date)) AS r FROM "
                + rows.get() + "), w AS (SELECT date, open, high, low, close, adj_close, volume,"
                + " CASE WHEN n >= 20 THEN avg(close) OVER (ORDER BY date ROWS 19 PRECEDING) END AS ma_20,"
                + " CASE WHEN n >= 50 THEN avg(close) OVER (ORDER BY date ROWS 49 PRECEDING) END AS ma_50,"
                + " CASE WHEN n >= 21 THEN stddev_samp(r) OVER (ORDER BY date ROWS 19 PRECEDING) END AS volatility_20d FROM s)"
                + " SELECT * FROM w WHERE date BETWEEN ? AND ? ORDER BY date", from, to);
    }

    @Override
    public List<String> intervals(Symbol symbol) {
        Path intraday = root.resolve(raw).resolve("intraday");
        return children(intraday, "interval=").stream()
                .filter(i -> INTERVAL.matcher(i).matches() && Files.isDirectory(intraday.resolve("interval=" + i).resolve("symbol=" + symbol.value())))
                .sorted().toList();
    }

    @Override
    public Table intraday(Symbol symbol, String interval, LocalDate from, LocalDate to) {
        List<String> columns = List.of("ts", "date", "open", "high", "low", "close", "volume");
        if (!INTERVAL.matcher(interval).matches()) {
            return Table.empty(columns);
        }
        Path dir = root.resolve(raw).resolve("intraday").resolve("interval=" + interval).resolve("symbol=" + symbol.value());
        if (!hasParquet(dir)) {
            return Table.empty(columns);
        }
        return jdbc.query("SELECT ts, date, open, high, low, close, volume FROM " + parquet(dir) + " WHERE date BETWEEN ? AND ?"
                + " QUALIFY row_number() OVER (PARTITION BY ts ORDER BY ingest_ts DESC) = 1 ORDER BY ts", from, to);
    }

    @Override
    public Table cumulative(Symbol symbol, LocalDate from, LocalDate to) {
        List<String> columns = List.of("date", "opens", "highs", "lows", "closes", "volumes", "avg_7_day_volume", "volatility_7_day");
        Path stored = root.resolve("features").resolve("cumulative_7d").resolve("symbol=" + symbol.value());
        if (hasParquet(stored)) {
            return jdbc.query("SELECT " + String.join(", ", columns) + " FROM " + parquet(stored) + " WHERE date BETWEEN ? AND ? ORDER BY date", from, to);
        }
        Optional<String> rows = dailyRows(symbol);
        if (rows.isEmpty()) {
            return Table.empty(columns);
        }
        return jdbc.query("WITH s AS (SELECT *, row_number() OVER (ORDER BY date) AS n, ln(close / lag(close) OVER (ORDER BY date)) AS r FROM "
                + rows.get() + "), w AS (SELECT date, list(open) OVER w7 AS opens, list(high) OVER w7 AS highs, list(low) OVER w7 AS lows,"
                + " list(close) OVER w7 AS closes, list(volume) OVER w7 AS volumes,"
                + " CASE WHEN n >= 7 THEN avg(volume) OVER w7 END AS avg_7_day_volume,"
                + " CASE WHEN n >= 8 THEN stddev_samp(r) OVER w7 END AS volatility_7_day"
                + " FROM s WINDOW w7 AS (ORDER BY date ROWS 6 PRECEDING))"
                + " SELECT * FROM w WHERE date BETWEEN ? AND ? ORDER BY date", from, to);
    }

    @Override
    public Table actions(Symbol symbol) {
        List<Path> files = symbolDirsOfEachType("actions", symbol);
        if (files.isEmpty()) {
            return Table.empty(List.of("type", "ex_date", "amount", "numerator", "denominator", "pay_date"));
        }
        return jdbc.query("SELECT type, ex_date, amount, numerator, denominator, pay_date FROM " + parquet(files)
                + " QUALIFY row_number() OVER (PARTITION BY type, ex_date ORDER BY ingest_ts DESC) = 1 ORDER BY ex_date, type");
    }

    @Override
    public List<LocalDate> optionDates(Symbol underlying) {
        return children(root.resolve(raw).resolve("options").resolve("underlying=" + underlying.value()), "date=").stream()
                .flatMap(d -> {
                    try {
                        return Stream.of(LocalDate.parse(d));
                    } catch (java.time.format.DateTimeParseException e) {
                        return Stream.empty();
                    }
                })
                .sorted(Comparator.reverseOrder()).toList();
    }

    @Override
    public Table optionChain(Symbol underlying, LocalDate date) {
        List<String> columns = List.of("contract", "contract_type", "expiration", "strike", "bid", "ask", "bid_size", "ask_size", "midpoint",
                "last_price", "implied_volatility", "delta", "gamma", "theta", "vega", "open_interest", "day_volume", "underlying_price");
        Path dir = root.resolve(raw).resolve("options").resolve("underlying=" + underlying.value()).resolve("date=" + date);
        if (!hasParquet(dir)) {
            return Table.empty(columns);
        }
        // files written before the last quote and trade were kept lack those columns: they read as null
        List<String> present = jdbc.query("DESCRIBE SELECT * FROM " + parquet(dir)).column("column_name").stream().map(String.class::cast).toList();
        String select = String.join(", ", columns.stream().map(c -> present.contains(c) ? c : "CAST(NULL AS DOUBLE) AS " + c).toList());
        return jdbc.query("SELECT " + select + " FROM " + parquet(dir)
                + " QUALIFY row_number() OVER (PARTITION BY contract ORDER BY ingest_ts DESC) = 1 ORDER BY expiration, strike, contract_type");
    }

    @Override
    public Table fundamentals(Symbol symbol) {
        List<Path> dirs = symbolDirsOfEachType("fundamentals", symbol);
        if (dirs.isEmpty()) {
            return Table.empty(List.of("statement_type", "period", "fiscal_year", "period_end", "currency", "line_items"));
        }
        return jdbc.query("SELECT statement_type, period, fiscal_year, period_end, currency, line_items FROM " + parquet(dirs)
                + " QUALIFY row_number() OVER (PARTITION BY statement_type, period, period_end ORDER BY ingest_ts DESC) = 1"
                + " ORDER BY statement_type, period_end, period");
    }

    /** {@code raw/DATASET/type=T/symbol=S} of every type T that holds Parquet files of the symbol. */
    private List<Path> symbolDirsOfEachType(String dataset, Symbol symbol) {
        List<Path> dirs = new ArrayList<>();
        for (String type : children(root.resolve(raw).resolve(dataset), "type=")) {
            Path dir = root.resolve(raw).resolve(dataset).resolve("type=" + type).resolve("symbol=" + symbol.value());
            if (hasParquet(dir)) {
                dirs.add(dir);
            }
        }
        return dirs;
    }

    @Override
    public List<String> runDocuments(int limit) {
        List<Path> files = runFiles();
        List<String> out = new ArrayList<>();
        for (Path file : files.subList(0, Math.min(limit, files.size()))) {
            out.add(read(file));
        }
        return out;
    }

    @Override
    public Optional<String> runDocument(String runId) {
        if (!RUN_ID.matcher(runId).matches()) {
            return Optional.empty();
        }
        return runFiles().stream().filter(f -> f.getFileName().toString().equals("run-" + runId + ".json")).findFirst().map(LakeReader::read);
    }

    /** {@code logs/ingest/date=D/run-ID.json}, newest first (by date folder, then run id). */
    private List<Path> runFiles() {
        Path logs = root.resolve("logs").resolve("ingest");
        if (!Files.isDirectory(logs)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(logs, 2)) {
            return walk.filter(p -> RUN_FILE.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))
                    .sorted(Comparator.comparing((Path p) -> p.getParent().getFileName().toString())
                            .thenComparing(p -> p.getFileName().toString()).reversed())
                    .toList();
        } catch (IOException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot list the runs under " + logs + ": " + e.getMessage(), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Table quarantine(String rule, Symbol symbol, LocalDate from, LocalDate to, int limit) {
        List<String> columns = List.of("run_id", "symbol", "interval", "date", "ts", "rule", "detail", "open", "high", "low", "close", "volume");
        Path dir = root.resolve("quarantine").resolve("prices");
        if (!hasParquet(dir)) {
            return Table.empty(columns);
        }
        return jdbc.query("SELECT run_id, symbol, interval, date, strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS ts, rule, detail,"
                + " open, high, low, close, volume FROM " + parquet(dir) + " WHERE " + JdbcTables.QUARANTINE_FILTER
                + " ORDER BY date DESC, symbol, rule, ts LIMIT ?", JdbcTables.quarantineParams(rule, symbol, from, to, limit));
    }

    @Override
    public Table quarantineCounts(String rule, Symbol symbol, LocalDate from, LocalDate to) {
        Path dir = root.resolve("quarantine").resolve("prices");
        if (!hasParquet(dir)) {
            return Table.empty(List.of("rule", "symbol", "date", "rows"));
        }
        return jdbc.query("SELECT rule, symbol, date, count(*) AS rows FROM " + parquet(dir) + " WHERE " + JdbcTables.QUARANTINE_FILTER
                + " GROUP BY rule, symbol, date ORDER BY date DESC, symbol, rule", JdbcTables.quarantineParams(rule, symbol, from, to, null));
    }

    @Override
    public StoredSessions storedSessions() {
        return stored;
    }

    /** {@code read_parquet} over every Parquet file under the folders; Hive partitions are not read (the files hold the columns). */
    private static String parquet(Path dir) {
        return parquet(List.of(dir));
    }

    private static String parquet(Path dir, String columns) {
        return "(SELECT " + columns + " FROM " + parquet(dir) + ")";
    }

    private static String parquet(List<Path> dirs) {
        List<String> globs = dirs.stream().map(d -> literal(d.toString() + "/**/*.parquet")).toList();
        return "read_parquet([" + String.join(", ", globs) + "], hive_partitioning = false, union_by_name = true)";
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static boolean hasParquet(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.anyMatch(p -> p.getFileName().toString().endsWith(".parquet"));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** The values of {@code PREFIXvalue} folders directly under {@code dir}. */
    private static List<String> children(Path dir, String prefix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix))
                    .map(n -> n.substring(prefix.length())).toList();
        } catch (IOException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        jdbc.close();
        if (stored instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closing what only listed the lake: nothing was written
            }
        }
    }
}

package io.stockingest.sink.iceberg;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.SinkReader;
import io.stockingest.core.spi.StoredSessions;
import io.stockingest.core.spi.Table;
import io.stockingest.lake.JdbcTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The read side of an Iceberg sink ({@code serve --sink iceberg:DIR}): Iceberg's table scan plans the data files of
 * each table's current snapshot (pruned by symbol where the table is keyed by one), and an embedded, in-memory DuckDB
 * reads those Parquet files, with the same SQL shapes and column names as the lake's reader ({@code LakeReader}).
 * Tables are only loaded, never created or evolved; a table that does not exist reads as empty. The sink writes
 * copy-on-write (no delete files); a scan that plans delete files is refused rather than answered wrongly. Only a
 * local warehouse is read (DuckDB would need its httpfs extension for S3). Every value is a bound parameter; paths in
 * the SQL come only from the scan. Thread-safe: catalog work runs on the sink's I/O thread.
 */
final class IcebergReader implements SinkReader {
    private static final Pattern INTERVAL = Pattern.compile("[0-9]{1,3}[a-z]{1,3}");
    private static final int CONNECTIONS = 4;

    private final IcebergSink sink;
    private final JdbcTables jdbc;

    IcebergReader(IcebergSink sink) {
        this.sink = requireNonNull(sink, "sink is null");
        this.jdbc = new JdbcTables(IcebergReader::open, CONNECTIONS, "the Iceberg tables of " + sink.name());
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

    /** The local paths of the data files of {@code def}'s current snapshot that may hold rows matching {@code filter}. */
    private List<String> files(IcebergTable def, Expression filter) {
        return sink.onIoThread("plan a scan of " + def.tableName(), () -> {
            Optional<org.apache.iceberg.Table> table = sink.tables().existing(def);
            if (table.isEmpty() || table.get().currentSnapshot() == null) {
                return List.<String>of();
            }
            List<String> paths = new ArrayList<>();
            try (CloseableIterable<FileScanTask> tasks = table.get().newScan().filter(filter).planFiles()) {
                for (FileScanTask task : tasks) {
                    if (!task.deletes().isEmpty()) {
                        throw new IngestException(ErrorKind.SINK, "Table " + def.tableName() + " of " + sink.name()
                                + " has delete files (written by another engine?): serve reads copy-on-write tables only");
                    }
                    paths.add(localPath(task.file().location()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return paths.stream().distinct().sorted().toList();
        });
    }

    private String localPath(String location) {
        if (location.startsWith("file:")) {
            return java.nio.file.Path.of(java.net.URI.create(location.startsWith("file:/") && !location.startsWith("file://")
                    ? "file://" + location.substring("file:".length()) : location)).toString();
        }
        if (location.startsWith("/")) {
            return location;
        }
        throw new IngestException(ErrorKind.USAGE, "serve reads an Iceberg warehouse in a local directory only; " + sink.name() + " keeps its files elsewhere");
    }

    private static String parquet(List<String> files) {
        return "read_parquet([" + String.join(", ", files.stream().map(IcebergReader::literal).toList()) + "], hive_partitioning = false, union_by_name = true)";
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static Expression bySymbol(String column, Symbol symbol) {
        return Expressions.equal(column, symbol.value());
    }

    @Override
    public String describe() {
        return "Iceberg " + sink.name();
    }

    @Override
    public List<String> symbols() {
        List<String> files = files(IcebergTable.PRICES_DAILY, Expressions.alwaysTrue());
        if (files.isEmpty()) {
            return List.of();
        }
        return jdbc.query("SELECT DISTINCT symbol FROM " + parquet(files) + " ORDER BY symbol").column("symbol").stream().map(String.class::cast).toList();
    }

    /** The latest row of each session of a symbol's daily bars, as a subquery whose one parameter is the symbol. */
    private Optional<String> dailyRows(Symbol symbol) {
        List<String> files = files(IcebergTable.PRICES_DAILY, bySymbol("symbol", symbol));
        if (files.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("(SELECT * FROM " + parquet(files) + " WHERE symbol = ? QUALIFY row_number() OVER (PARTITION BY date ORDER BY ingest_ts DESC) = 1)");
    }

    @Override
    public Table daily(Symbol symbol, LocalDate from, LocalDate to) {
        List<String> columns = List.of("date", "open", "high", "low", "close", "adj_close", "volume", "ma_20", "ma_50", "volatility_20d");
        Optional<String> rows = dailyRows(symbol);
        if (rows.isEmpty()) {
            return Table.empty(columns);
        }
        List<String> features = files(IcebergTable.PRICE_FEATURES, bySymbol("symbol", symbol));
        if (!features.isEmpty()) {
            return jdbc.query("SELECT p.date, p.open, p.high, p.low, p.close, p.adj_close, p.volume, f.ma_20, f.ma_50, f.volatility_20d"
                    + " FROM " + rows.get() + " p LEFT JOIN (SELECT * FROM " + parquet(features) + " WHERE symbol = ?) f ON f.date = p.date"
                    + " WHERE p.date BETWEEN ? AND ? ORDER BY p.date", symbol.value(), symbol.value(), from, to);
        }
        // the windows of price_features (V3__features.sql), as the lake's reader computes them
        return jdbc.query("WITH s AS (SELECT *, row_number() OVER (ORDER BY date) AS n, ln(close / lag(close) OVER (ORDER BY date)) AS r FROM "
                + rows.get() + "), w AS (SELECT date, open, high, low, close, adj_close, volume,"
                + " CASE WHEN n >= 20 THEN avg(close) OVER (ORDER BY date ROWS 19 PRECEDING) END AS ma_20,"
                + " CASE WHEN n >= 50 THEN avg(close) OVER (ORDER BY date ROWS 49 PRECEDING) END AS ma_50,"
                + " CASE WHEN n >= 21 THEN stddev_samp(r) OVER (ORDER BY date ROWS 19 PRECEDING) END AS volatility_20d FROM s)"
                + " SELECT * FROM w WHERE date BETWEEN ? AND ? ORDER BY date", symbol.value(), from, to);
    }

    @Override
    public List<String> intervals(Symbol symbol) {
        List<String> files = files(IcebergTable.PRICES_INTRADAY, bySymbol("symbol", symbol));
        if (files.isEmpty()) {
            return List.of();
        }
        return jdbc.query("SELECT DISTINCT \"interval\" FROM " + parquet(files) + " WHERE symbol = ? ORDER BY 1", symbol.value())
                .column("interval").stream().map(String.class::cast).filter(i -> INTERVAL.matcher(i).matches()).toList();
    }

    @Override
    public Table intraday(Symbol symbol, String interval, LocalDate from, LocalDate to) {
        List<String> columns = List.of("ts", "date", "open", "high", "low", "close", "volume");
        List<String> files = INTERVAL.matcher(interval).matches() ? files(IcebergTable.PRICES_INTRADAY, bySymbol("symbol", symbol)) : List.of();
        if (files.isEmpty()) {
            return Table.empty(columns);
        }
        return jdbc.query("SELECT ts, date, open, high, low, close, volume FROM " + parquet(files)
                + " WHERE symbol = ? AND \"interval\" = ? AND date BETWEEN ? AND ?"
                + " QUALIFY row_number() OVER (PARTITION BY ts ORDER BY ingest_ts DESC) = 1 ORDER BY ts", symbol.value(), interval, from, to);
    }

    @Override
    public Table cumulative(Symbol symbol, LocalDate from, LocalDate to) {
        List<String> columns = List.of("date", "opens", "highs", "lows", "closes", "volumes", "avg_7_day_volume", "volatility_7_day");
        List<String> stored = files(IcebergTable.PRICE_CUMULATIVE_7D, bySymbol("symbol", symbol));
        if (!stored.isEmpty()) {
            return jdbc.query("SELECT " + String.join(", ", columns) + " FROM " + parquet(stored) + " WHERE symbol = ? AND date BETWEEN ? AND ? ORDER BY date",
                    symbol.value(), from, to);
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
                + " SELECT * FROM w WHERE date BETWEEN ? AND ? ORDER BY date", symbol.value(), from, to);
    }

    @Override
    public Table actions(Symbol symbol) {
        List<String> files = files(IcebergTable.CORPORATE_ACTIONS, bySymbol("symbol", symbol));
        if (files.isEmpty()) {
            return Table.empty(List.of("type", "ex_date", "amount", "numerator", "denominator", "pay_date"));
        }
        return jdbc.query("SELECT type, ex_date, amount, numerator, denominator, pay_date FROM " + parquet(files) + " WHERE symbol = ?"
                + " QUALIFY row_number() OVER (PARTITION BY type, ex_date ORDER BY ingest_ts DESC) = 1 ORDER BY ex_date, type", symbol.value());
    }

    @Override
    public List<LocalDate> optionDates(Symbol underlying) {
        List<String> files = files(IcebergTable.OPTION_SNAPSHOTS, bySymbol("underlying", underlying));
        if (files.isEmpty()) {
            return List.of();
        }
        return jdbc.query("SELECT DISTINCT date FROM " + parquet(files) + " WHERE underlying = ? ORDER BY date DESC", underlying.value())
                .column("date").stream().map(d -> LocalDate.parse(d.toString())).toList();
    }

    @Override
    public Table optionChain(Symbol underlying, LocalDate date) {
        List<String> columns = List.of("contract", "contract_type", "expiration", "strike", "bid", "ask", "bid_size", "ask_size", "midpoint",
                "last_price", "implied_volatility", "delta", "gamma", "theta", "vega", "open_interest", "day_volume", "underlying_price");
        List<String> files = files(IcebergTable.OPTION_SNAPSHOTS, bySymbol("underlying", underlying));
        if (files.isEmpty()) {
            return Table.empty(columns);
        }
        // files written before the last quote and trade were kept lack those columns: they read as null
        List<String> present = jdbc.query("DESCRIBE SELECT * FROM " + parquet(files)).column("column_name").stream().map(String.class::cast).toList();
        String select = String.join(", ", columns.stream().map(c -> present.contains(c) ? c : "CAST(NULL AS DOUBLE) AS " + c).toList());
        return jdbc.query("SELECT " + select + " FROM " + parquet(files) + " WHERE underlying = ? AND date = ?"
                + " QUALIFY row_number() OVER (PARTITION BY contract ORDER BY ingest_ts DESC) = 1 ORDER BY expiration, strike, contract_type",
                underlying.value(), date);
    }

    @Override
    public Table fundamentals(Symbol symbol) {
        List<String> files = files(IcebergTable.FUNDAMENTALS, bySymbol("symbol", symbol));
        if (files.isEmpty()) {
            return Table.empty(List.of("statement_type", "period", "fiscal_year", "period_end", "currency", "line_items"));
        }
        return jdbc.query("SELECT statement_type, period, fiscal_year, period_end, currency, line_items FROM " + parquet(files) + " WHERE symbol = ?"
                + " QUALIFY row_number() OVER (PARTITION BY statement_type, period, period_end ORDER BY ingest_ts DESC) = 1"
                + " ORDER BY statement_type, period_end, period", symbol.value());
    }

    @Override
    public List<String> runDocuments(int limit) {
        return IcebergAdmin.runs(sink, limit);
    }

    @Override
    public Optional<String> runDocument(String runId) {
        return IcebergAdmin.run(sink, runId);
    }

    @Override
    public Table quarantine(String rule, Symbol symbol, LocalDate from, LocalDate to, int limit) {
        List<String> columns = List.of("run_id", "symbol", "interval", "date", "ts", "rule", "detail", "open", "high", "low", "close", "volume");
        List<String> files = files(IcebergTable.QUARANTINE, Expressions.alwaysTrue());
        if (files.isEmpty()) {
            return Table.empty(columns);
        }
        return jdbc.query("SELECT run_id, symbol, interval, date, strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS ts, rule, detail,"
                + " open, high, low, close, volume FROM " + parquet(files) + " WHERE " + JdbcTables.QUARANTINE_FILTER
                + " ORDER BY date DESC, symbol, rule, ts LIMIT ?", JdbcTables.quarantineParams(rule, symbol, from, to, limit));
    }

    @Override
    public Table quarantineCounts(String rule, Symbol symbol, LocalDate from, LocalDate to) {
        List<String> files = files(IcebergTable.QUARANTINE, Expressions.alwaysTrue());
        if (files.isEmpty()) {
            return Table.empty(List.of("rule", "symbol", "date", "rows"));
        }
        return jdbc.query("SELECT rule, symbol, date, count(*) AS rows FROM " + parquet(files) + " WHERE " + JdbcTables.QUARANTINE_FILTER
                + " GROUP BY rule, symbol, date ORDER BY date DESC, symbol, rule", JdbcTables.quarantineParams(rule, symbol, from, to, null));
    }

    /** Counted by DuckDB over the files the scan plans for {@code range} (months as {@code YYYY-MM}, dates as ISO text). */
    @Override
    public Optional<Table> storedByMonth(DateRange range) {
        List<String> files = files(IcebergTable.PRICES_DAILY, Expressions.and(
                Expressions.greaterThanOrEqual("date", (int) range.from().toEpochDay()), Expressions.lessThanOrEqual("date", (int) range.to().toEpochDay())));
        if (files.isEmpty()) {
            return Optional.of(Table.empty(List.of("symbol", "month", "stored", "first", "last")));
        }
        return Optional.of(jdbc.query("SELECT symbol, strftime(date, '%Y-%m') AS month, count(DISTINCT date) AS stored,"
                + " CAST(min(date) AS VARCHAR) AS first, CAST(max(date) AS VARCHAR) AS last FROM " + parquet(files)
                + " WHERE date BETWEEN ? AND ? GROUP BY 1, 2 ORDER BY 1, 2", range.from(), range.to()));
    }

    /** The sink's own answer (one query of prices_daily's current snapshot per call). */
    @Override
    public StoredSessions storedSessions() {
        return sink;
    }

    @Override
    public void close() {
        try {
            jdbc.close();
        } finally {
            sink.close();
        }
    }
}

package io.stockingest.sink.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.config.Settings;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.CorporateAction;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.StoredSessions;
import io.stockingest.core.spi.WriteOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.StreamSupport;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Iceberg sink against a real catalog: what it writes is read back row for row by Iceberg's generic reader and,
 * independently, by DuckDB over the data files a table scan plans. Subclasses give the catalog (SQLite, PostgreSQL).
 */
abstract class AbstractIcebergSinkTest {
    static final LocalDate FROM = LocalDate.of(2024, 9, 3);
    static final LocalDate TO = LocalDate.of(2024, 10, 4);

    @TempDir
    Path dir;

    /** A fresh catalog configuration (its own namespace or database) for one test. */
    abstract IcebergConfig config();

    Settings settings() {
        return Settings.of(Map.of());
    }

    IcebergSink open() {
        return IcebergSink.open(config(), settings());
    }

    static RunContext run(int n) {
        Instant now = Instant.parse("2024-10-05T12:00:00Z").plusSeconds(n);
        return new RunContext("1728129600-000" + n, "prices", "fmp", now, now);
    }

    static List<Bar> bars(String symbol, LocalDate from, LocalDate to, double base) {
        List<Bar> bars = new ArrayList<>();
        int i = 0;
        for (NyseCalendar.Session s : NyseCalendar.instance().sessions(from, to)) {
            double o = base + i;
            bars.add(new Bar(new Symbol(symbol), Interval.D1, s.open().toInstant(), s.date(), o, o + 2, o - 1, o + 1, o + 0.5, 1000L + i,
                    i % 2 == 0 ? o + 0.25 : null, i % 3 == 0 ? null : 10L + i, "fmp", Adjustment.SPLITS));
            i++;
        }
        return bars;
    }

    static BarBatch batch(List<Bar> bars, LocalDate from, LocalDate to, RunContext ctx) {
        return new BarBatch(bars.getFirst().symbol(), bars.getFirst().interval(), new DateRange(from, to), bars, WriteOptions.DEFAULT, ctx);
    }

    static void write(IcebergSink sink, RunContext ctx, List<List<Bar>> perSymbol) {
        perSymbol.forEach(bars -> sink.writeBars(batch(bars, FROM, TO, ctx)));
        sink.flush();
    }

    static Table table(IcebergSink sink, IcebergTable def) {
        return sink.onIoThread("load", () -> {
            Table t = sink.tables().table(def);
            t.refresh();
            return t;
        });
    }

    /** Every row of prices_daily by Iceberg's generic reader, as "symbol date open high low close adj volume vwap tx source". */
    static List<String> genericRows(IcebergSink sink) {
        return sink.onIoThread("read", () -> {
            Table t = sink.tables().table(IcebergTable.PRICES_DAILY);
            t.refresh();
            List<String> out = new ArrayList<>();
            try (CloseableIterable<Record> rows = IcebergGenerics.read(t).build()) {
                for (Record r : rows) {
                    out.add(r.getField("symbol") + " " + r.getField("date") + " " + r.getField("open") + " " + r.getField("high") + " " + r.getField("low")
                            + " " + r.getField("close") + " " + r.getField("adj_close") + " " + r.getField("volume") + " " + r.getField("vwap") + " "
                            + r.getField("transactions") + " " + r.getField("source"));
                    assertThat(r.getField("ingest_ts")).as("ingest_ts is a UTC timestamp").isInstanceOf(OffsetDateTime.class);
                }
            }
            out.sort(null);
            return out;
        });
    }

    /** The same rows read by DuckDB's read_parquet over the data files the current snapshot's scan plans. */
    static List<String> duckdbRows(IcebergSink sink) throws Exception {
        List<String> files = sink.onIoThread("plan", () -> {
            Table t = sink.tables().table(IcebergTable.PRICES_DAILY);
            t.refresh();
            try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
                return StreamSupport.stream(tasks.spliterator(), false).map(task -> LocalFileIO.path(task.file().location()).toString()).toList();
            }
        });
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT symbol, date, open, high, low, close, adj_close, volume, vwap, transactions, source FROM read_parquet(["
                        + String.join(", ", files.stream().map(f -> "'" + f + "'").toList()) + "])")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getObject(2, LocalDate.class) + " " + rs.getDouble(3) + " " + rs.getDouble(4) + " " + rs.getDouble(5) + " "
                        + rs.getDouble(6) + " " + rs.getDouble(7) + " " + rs.getLong(8) + " " + (rs.getObject(9) == null ? "null" : rs.getDouble(9)) + " "
                        + (rs.getObject(10) == null ? "null" : rs.getLong(10)) + " " + rs.getString(11));
            }
        }
        out.sort(null);
        return out;
    }

    static List<String> expected(List<List<Bar>> perSymbol) {
        List<String> out = new ArrayList<>();
        perSymbol.forEach(bars -> bars.forEach(b -> out.add(b.symbol().value() + " " + b.date() + " " + b.open() + " " + b.high() + " " + b.low() + " "
                + b.close() + " " + b.adjClose() + " " + b.volume() + " " + b.vwap() + " " + b.transactions() + " " + b.source())));
        out.sort(null);
        return out;
    }

    static List<Snapshot> snapshots(IcebergSink sink, IcebergTable def) {
        Table t = table(sink, def);
        return StreamSupport.stream(t.snapshots().spliterator(), false).toList();
    }

    @Test
    void writesTablesThatGenericReaderAndDuckDbReadRowForRow() throws Exception {
        List<List<Bar>> data = List.of(bars("AAPL", FROM, TO, 100), bars("MSFT", FROM, TO, 400), bars("BRK.B", FROM, TO, 450));
        try (IcebergSink sink = open()) {
            write(sink, run(1), data);
            assertThat(genericRows(sink)).as("Iceberg's generic reader").isEqualTo(expected(data)).hasSize(3 * 24);
            assertThat(duckdbRows(sink)).as("DuckDB over the planned data files").isEqualTo(expected(data));
            Table t = table(sink, IcebergTable.PRICES_DAILY);
            assertThat(t.spec().fields()).as("hidden partition month(date)").singleElement().satisfies(f -> assertThat(f.transform().toString()).isEqualTo("month"));
            assertThat(t.currentSnapshot().summary()).as("the run's snapshot summary")
                    .containsEntry("stock-ingest.run-id", run(1).runId()).containsEntry("stock-ingest.source", "fmp")
                    .containsEntry("stock-ingest.rows", "72").containsEntry("added-records", "72");
            assertThat(snapshots(sink, IcebergTable.PRICES_DAILY)).as("one snapshot per run").hasSize(1);
            assertThat(t.refs().keySet()).as("no run branch left").containsExactly("main");
            assertThat(((org.apache.iceberg.HasTableOperations) t).operations().current().formatVersion()).isEqualTo(2);
        }
    }

    @Test
    void identicalRerunCommitsNoSnapshotAndChangedRerunReplacesExactlyItsRows() {
        List<List<Bar>> data = List.of(bars("AAPL", FROM, TO, 100), bars("MSFT", FROM, TO, 400));
        try (IcebergSink sink = open()) {
            write(sink, run(1), data);
            long first = table(sink, IcebergTable.PRICES_DAILY).currentSnapshot().snapshotId();
            write(sink, run(2), data);
            assertThat(table(sink, IcebergTable.PRICES_DAILY).currentSnapshot().snapshotId()).as("identical rerun: no new snapshot").isEqualTo(first);
            assertThat(snapshots(sink, IcebergTable.PRICES_DAILY)).hasSize(1);

            // AAPL again over part of the range, with new prices and a session fewer: exactly those rows are replaced
            LocalDate from = LocalDate.of(2024, 9, 16);
            LocalDate to = LocalDate.of(2024, 9, 20);
            List<Bar> changed = new ArrayList<>(bars("AAPL", from, to, 200));
            changed.removeLast();
            sink.writeBars(batch(changed, from, to, run(3)));
            sink.flush();
            List<String> want = new ArrayList<>();
            expected(data).stream().filter(r -> !(r.startsWith("AAPL ") && !r.substring(5, 15).isEmpty()
                    && new DateRange(from, to).contains(LocalDate.parse(r.substring(5, 15))))).forEach(want::add);
            want.addAll(expected(List.of(changed)));
            want.sort(null);
            assertThat(genericRows(sink)).as("MSFT and AAPL outside 09-16..09-20 kept; AAPL inside replaced (09-20 gone)").isEqualTo(want);
            Snapshot current = table(sink, IcebergTable.PRICES_DAILY).currentSnapshot();
            assertThat(current.summary()).containsEntry("stock-ingest.run-id", run(3).runId()).containsEntry("stock-ingest.rows", "4");
            assertThat(current.parentId()).as("published on top of the first run").isEqualTo(first);
        }
    }

    @Test
    void storedSessionsAreTheDatesMainHoldsPerSymbolInTheRange() {
        try (IcebergSink sink = open()) {
            Symbol aapl = new Symbol("AAPL");
            Symbol msft = new Symbol("MSFT");
            DateRange range = new DateRange(LocalDate.of(2024, 9, 30), LocalDate.of(2024, 10, 8));
            assertThat(sink.storedSessions(List.of(aapl), Interval.D1, range)).as("no table yet").containsEntry(aapl, StoredSessions.Stored.NONE);
            write(sink, run(1), List.of(bars("AAPL", FROM, TO, 100)));
            var stored = sink.storedSessions(List.of(aapl, msft), Interval.D1, range);
            assertThat(stored.get(aapl).dates()).as("AAPL's sessions 09-30..10-04 (the run ended 10-04)").containsExactlyInAnyOrder(
                    LocalDate.of(2024, 9, 30), LocalDate.of(2024, 10, 1), LocalDate.of(2024, 10, 2), LocalDate.of(2024, 10, 3), LocalDate.of(2024, 10, 4));
            assertThat(stored.get(msft)).as("a symbol with nothing stored").isEqualTo(StoredSessions.Stored.NONE);
        }
    }

    @Test
    void refusedGateLeavesMainUntouchedNamesTheChecksAndDropsTheStagedSnapshot() {
        try (IcebergSink sink = open()) {
            write(sink, run(1), List.of(bars("AAPL", FROM, TO, 100)));
            Table before = table(sink, IcebergTable.PRICES_DAILY);
            long main = before.currentSnapshot().snapshotId();
            List<String> rowsBefore = genericRows(sink);

            List<Bar> bad = new ArrayList<>(bars("MSFT", FROM, TO, 400));
            Bar b = bad.get(3);
            bad.set(3, new Bar(b.symbol(), b.interval(), b.ts(), b.date(), b.open(), b.low() - 5, b.low(), b.close(), null, b.volume(), null, null, "fmp", b.adjustment()));
            Bar weekend = bad.get(4);
            bad.set(4, new Bar(weekend.symbol(), weekend.interval(), weekend.ts(), LocalDate.of(2024, 9, 14), weekend.open(), weekend.high(), weekend.low(),
                    weekend.close(), null, weekend.volume(), null, null, "fmp", weekend.adjustment()));
            sink.writeBars(batch(bad, FROM, TO, run(2)));
            assertThatThrownBy(sink::flush)
                    .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.DQ_GATE))
                    .hasMessageContaining("Data-quality gate refused run " + run(2).runId() + " for prices_daily")
                    .hasMessageContaining("ohlc_consistent: 1 rows (MSFT)")
                    .hasMessageContaining("not_a_session: 1 rows (MSFT)")
                    .hasMessageContaining("main unchanged");
            Table after = table(sink, IcebergTable.PRICES_DAILY);
            assertThat(after.currentSnapshot().snapshotId()).as("main untouched").isEqualTo(main);
            assertThat(after.refs().keySet()).as("the run's branch is gone").containsExactly("main");
            assertThat(snapshots(sink, IcebergTable.PRICES_DAILY)).as("the staged snapshot was dropped").extracting(Snapshot::snapshotId).containsExactly(main);
            assertThat(genericRows(sink)).isEqualTo(rowsBefore);
        }
    }

    @Test
    void datasetsMergeByKeyAndAnUnchangedWriteCommitsNothing() {
        try (IcebergSink sink = open()) {
            CorporateAction split = new CorporateAction(new Symbol("AAPL"), CorporateAction.Type.SPLIT, LocalDate.of(2020, 8, 31), null, 4.0, 1.0,
                    null, null, null, null, "fmp");
            CorporateAction dividend = new CorporateAction(new Symbol("AAPL"), CorporateAction.Type.DIVIDEND, LocalDate.of(2024, 8, 12), 0.25, null, null,
                    LocalDate.of(2024, 8, 12), LocalDate.of(2024, 8, 15), LocalDate.of(2024, 8, 1), "USD", "fmp");
            assertThat(sink.writeActions(List.of(split, dividend), WriteOptions.DEFAULT, run(1)).rowsWritten()).isEqualTo(2);
            assertThat(sink.writeActions(List.of(dividend), WriteOptions.DEFAULT, run(2)).filesWritten()).as("unchanged: nothing committed").isZero();
            CorporateAction raised = new CorporateAction(new Symbol("AAPL"), CorporateAction.Type.DIVIDEND, LocalDate.of(2024, 8, 12), 0.26, null, null,
                    LocalDate.of(2024, 8, 12), LocalDate.of(2024, 8, 15), LocalDate.of(2024, 8, 1), "USD", "fmp");
            sink.writeActions(List.of(raised), WriteOptions.DEFAULT, run(3));
            List<String> rows = sink.onIoThread("read", () -> {
                Table t = sink.tables().table(IcebergTable.CORPORATE_ACTIONS);
                t.refresh();
                List<String> out = new ArrayList<>();
                try (CloseableIterable<Record> it = IcebergGenerics.read(t).build()) {
                    it.forEach(r -> out.add(r.getField("type") + " " + r.getField("ex_date") + " " + r.getField("amount") + " " + r.getField("numerator")));
                }
                out.sort(null);
                return out;
            });
            assertThat(rows).containsExactly("dividend 2024-08-12 0.26 null", "split 2020-08-31 null 4.0");
            assertThat(snapshots(sink, IcebergTable.CORPORATE_ACTIONS)).as("two changes, two snapshots").hasSize(2);
        }
    }

    @Test
    void concurrentWritersOfDifferentSymbolsAllCommitAndEqualOneRun() throws Exception {
        List<List<Bar>> data = List.of(bars("AAPL", FROM, TO, 100), bars("MSFT", FROM, TO, 400), bars("KO", FROM, TO, 60), bars("XOM", FROM, TO, 110));
        IcebergConfig config = config();
        try (IcebergSink first = IcebergSink.open(config, settings())) {
            first.tables(); // the tables are created by the first write of each writer below, concurrently
        }
        List<Callable<Void>> writers = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            List<Bar> mine = data.get(k);
            int n = k + 1;
            writers.add(() -> {
                try (IcebergSink sink = IcebergSink.open(config, settings())) {
                    write(sink, run(n), List.of(mine));
                }
                return null;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (Future<Void> f : pool.invokeAll(writers)) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        try (IcebergSink sink = IcebergSink.open(config, settings())) {
            assertThat(genericRows(sink)).as("four concurrent writers equal one run").isEqualTo(expected(data));
            assertThat(snapshots(sink, IcebergTable.PRICES_DAILY)).as("one published snapshot per writer on main's history")
                    .filteredOn(s -> s.summary().containsKey("stock-ingest.run-id")).hasSizeGreaterThanOrEqualTo(4);
            assertThat(table(sink, IcebergTable.PRICES_DAILY).refs().keySet()).containsExactly("main");
        }
    }

    static void unchecked(IOException e) {
        throw new UncheckedIOException(e);
    }

    static TableIdentifier id(IcebergConfig config, IcebergTable def) {
        return TableIdentifier.of(config.namespace(), def.tableName());
    }

    static List<DataFile> dataFiles(Catalog catalog, TableIdentifier id) throws IOException {
        Table t = catalog.loadTable(id);
        try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
            return StreamSupport.stream(tasks.spliterator(), false).map(FileScanTask::file).map(f -> (DataFile) f.copy()).toList();
        }
    }
}

package io.stockingest.sparkcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.config.Settings;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.CorporateAction;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.FinancialStatement;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.OptionSnapshot;
import io.stockingest.core.model.Quote;
import io.stockingest.core.model.StatementType;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.Rejected;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.sink.iceberg.IcebergCatalogs;
import io.stockingest.sink.iceberg.IcebergConfig;
import io.stockingest.sink.iceberg.IcebergSink;
import io.stockingest.sink.postgres.testkit.PostgresTestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark 3.5 with Iceberg's 1.10 Spark runtime reads what the Iceberg sink (Iceberg 1.12) wrote, through the same
 * JDBC catalogs: the embedded SQLite catalog of {@code iceberg:DIR} and a PostgreSQL catalog under another
 * {@code ICEBERG_CATALOG_NAME}. The catalogs are registered with the {@code --conf} lines of the Spark section of
 * docs/iceberg.md, so the snippet users copy is the one tested. Spark runs in local mode (no UI, bound to
 * 127.0.0.1) in a JDK 17 child process ({@code SparkRead.java}, JDK 17's source launcher): Spark 3.5's Hadoop client
 * calls {@code Subject.getSubject}, which throws on JDK 23 and later.
 *
 * <p>Every row of every table, as Spark returns it, must equal Iceberg's generic reader's row (every column, lists and
 * maps included); per-symbol counts and sums of {@code prices_daily} in Spark SQL must equal the written bars; time
 * travel to each snapshot ({@code VERSION AS OF}) must return the rows that snapshot holds; the list columns of
 * {@code price_cumulative_7d} must answer SQL's array functions.
 *
 * <p>Only with {@code -Pspark}: {@code ./mvnw -B -ntp -Pspark -pl spark-check -am test -Dtest=SparkReadTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class SparkReadTest {
    private static final LocalDate FROM = LocalDate.of(2024, 7, 1);
    private static final LocalDate TO = LocalDate.of(2024, 10, 4);
    private static final Symbol AAPL = new Symbol("AAPL");
    /** The catalog name of the PostgreSQL catalog: not the default, to show the setting and Spark's name must agree. */
    private static final String PG_CATALOG = "stock_ingest_pg";

    @TempDir
    Path dir;

    @Test
    void sparkReadsEveryTableOfBothCatalogsRowForRowWithTimeTravel() throws Exception {
        // the sink writes every table, twice (run 2 replaces some AAPL sessions) through each catalog
        Settings none = Settings.of(Map.of());
        IcebergConfig sqlite = IcebergConfig.from("iceberg:" + dir.resolve("ice"), none);
        String pgNamespace = PostgresTestServer.freshSchema();
        Settings pgSettings = Settings.of(Map.of(
                "ICEBERG_CATALOG_URI", pgUri(),
                "ICEBERG_CATALOG_USER", "postgres",
                "ICEBERG_CATALOG_PASSWORD", "postgres",
                "ICEBERG_CATALOG_NAME", PG_CATALOG,
                "ICEBERG_WAREHOUSE", dir.resolve("pg-warehouse").toString(),
                "ICEBERG_NAMESPACE", pgNamespace));
        IcebergConfig pg = IcebergConfig.from("iceberg", pgSettings);
        List<Bar> daily = writeEverything(sqlite, none);
        assertThat(writeEverything(pg, pgSettings)).isEqualTo(daily);

        // Spark, configured as docs/iceberg.md says
        Map<String, String> conf = docsSparkConf();
        Map<String, String> sparkConf = new LinkedHashMap<>();
        conf.forEach((k, v) -> sparkConf.put(k, v.replace("/data/ice", dir.resolve("ice").toString())));
        // the PostgreSQL catalog: the same settings under its catalog name, with uri, jdbc.user and jdbc.password
        conf.forEach((k, v) -> {
            if (k.startsWith("spark.sql.catalog.stock_ingest")) {
                sparkConf.put(k.replace("spark.sql.catalog.stock_ingest", "spark.sql.catalog." + PG_CATALOG), v);
            }
        });
        sparkConf.put("spark.sql.catalog." + PG_CATALOG + ".uri", pgUri());
        sparkConf.put("spark.sql.catalog." + PG_CATALOG + ".jdbc.user", "postgres");
        sparkConf.put("spark.sql.catalog." + PG_CATALOG + ".jdbc.password", "postgres");
        sparkConf.put("spark.sql.catalog." + PG_CATALOG + ".warehouse", "file:" + dir.resolve("pg-warehouse"));
        String sqliteNs = "stock_ingest." + sqlite.namespace();
        String pgNs = PG_CATALOG + "." + pgNamespace;
        List<String> spark = runSpark(sparkConf, sqliteNs, pgNs);

        for (var c : List.of(Map.entry(sqliteNs, sqlite), Map.entry(pgNs, pg))) {
            String ns = c.getKey();
            IcebergConfig config = c.getValue();
            Settings settings = config == sqlite ? none : pgSettings;
            Catalog catalog = IcebergCatalogs.open(config, settings);
            try {
                List<TableIdentifier> ids = catalog.listTables(Namespace.of(config.namespace()));
                List<String> names = ids.stream().map(TableIdentifier::name).sorted().toList();
                assertThat(names).as("the sink wrote every table").containsExactly("corporate_actions", "fundamentals", "ingest_runs", "option_snapshots",
                        "price_cumulative_7d", "price_features", "prices_daily", "prices_intraday", "quarantine", "quotes");
                assertThat(lines(spark, "TABLES", ns)).as("Spark lists the tables of " + ns).containsExactly(String.join(",", names));
                for (String name : names) {
                    Table table = catalog.loadTable(TableIdentifier.of(config.namespace(), name));
                    assertThat(((org.apache.iceberg.HasTableOperations) table).operations().current().formatVersion()).as(name).isEqualTo(2);
                    String what = ns + "." + name;
                    assertThat(lines(spark, "SCHEMA", what)).as("Spark's columns of " + what).containsExactly(sparkSchema(table.schema()));
                    List<String> rows = rows(table, null);
                    assertThat(rows).as(what + " has rows").isNotEmpty();
                    assertThat(sorted(lines(spark, "ROW", what))).as("every row of " + what + " read by Spark").isEqualTo(rows);
                }

                // prices_daily against the written bars, in Spark SQL
                String prices = ns + ".prices_daily";
                Map<String, List<Bar>> bySymbol = daily.stream().collect(Collectors.groupingBy(b -> b.symbol().value(), TreeMap::new, Collectors.toList()));
                List<String> agg = lines(spark, "AGG", prices);
                assertThat(agg).hasSize(bySymbol.size());
                int i = 0;
                for (var e : bySymbol.entrySet()) {
                    String[] got = agg.get(i++).split("\\|");
                    List<Bar> bars = e.getValue();
                    assertThat(got[0]).isEqualTo(e.getKey());
                    assertThat(Long.parseLong(got[1])).as("count of " + e.getKey()).isEqualTo(bars.size());
                    assertThat(Double.parseDouble(got[2])).as("sum(close) of " + e.getKey()).isCloseTo(bars.stream().mapToDouble(Bar::close).sum(), offset(1e-6));
                    assertThat(Long.parseLong(got[3])).as("sum(volume) of " + e.getKey()).isEqualTo(bars.stream().mapToLong(Bar::volume).sum());
                    assertThat(got[4] + " " + got[5]).isEqualTo(bars.stream().map(Bar::date).min(LocalDate::compareTo).orElseThrow() + " "
                            + bars.stream().map(Bar::date).max(LocalDate::compareTo).orElseThrow());
                }

                // one snapshot per run, and time travel to each
                Table table = catalog.loadTable(TableIdentifier.of(config.namespace(), "prices_daily"));
                List<Snapshot> snapshots = new ArrayList<>();
                table.snapshots().forEach(snapshots::add);
                assertThat(snapshots).as("two runs changed prices_daily").hasSize(2);
                assertThat(lines(spark, "SNAPSHOT", prices)).containsExactlyElementsOf(
                        snapshots.stream().map(s -> s.snapshotId() + " " + s.summary().get("stock-ingest.run-id")).toList());
                List<String> rowsAt = lines(spark, "ROWAT", prices);
                for (Snapshot s : snapshots) {
                    String prefix = s.snapshotId() + " ";
                    assertThat(sorted(rowsAt.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).toList()))
                            .as("prices_daily VERSION AS OF " + s.snapshotId()).isEqualTo(rows(table, s.snapshotId()));
                }
                assertThat(rows(table, snapshots.get(0).snapshotId())).as("time travel shows another table than now").isNotEqualTo(rows(table, null));

                // the list columns of price_cumulative_7d through SQL's array functions
                Table cumulative = catalog.loadTable(TableIdentifier.of(config.namespace(), "price_cumulative_7d"));
                List<String> want = new ArrayList<>();
                Map<String, Double> closes = daily.stream().collect(Collectors.toMap(b -> b.symbol().value() + " " + b.date(), Bar::close));
                try (CloseableIterable<Record> records = IcebergGenerics.read(cumulative).build()) {
                    for (Record r : records) {
                        List<?> c7 = (List<?>) r.getField("closes");
                        List<?> opens = (List<?>) r.getField("opens");
                        long volumes = ((List<?>) r.getField("volumes")).stream().mapToLong(v -> (Long) v).sum();
                        double high = ((List<?>) r.getField("highs")).stream().mapToDouble(v -> (Double) v).max().orElseThrow();
                        double low = ((List<?>) r.getField("lows")).stream().mapToDouble(v -> (Double) v).min().orElseThrow();
                        assertThat(c7.getLast()).as("the last of closes is the session's close").isEqualTo(closes.get(r.getField("symbol") + " " + r.getField("date")));
                        want.add(String.join("|", r.getField("symbol").toString(), r.getField("date").toString(), String.valueOf(c7.size()),
                                value(c7.getLast()), value(opens.getFirst()), String.valueOf(volumes), String.valueOf(high), String.valueOf(low)));
                    }
                }
                assertThat(want).as("price_cumulative_7d has rows").isNotEmpty();
                assertThat(sorted(lines(spark, "CUM", ns + ".price_cumulative_7d"))).isEqualTo(sorted(want));
            } finally {
                if (catalog instanceof AutoCloseable closeable) {
                    closeable.close();
                }
            }
        }
    }

    private static String pgUri() {
        return "jdbc:postgresql://127.0.0.1:" + PostgresTestServer.port() + "/postgres";
    }

    /** Writes every table through the sink in two runs; returns prices_daily's bars as they stand after both. */
    private static List<Bar> writeEverything(IcebergConfig config, Settings settings) {
        List<Bar> aapl = bars("AAPL", FROM, TO, 100);
        List<Bar> msft = bars("MSFT", FROM, TO, 400);
        List<Bar> brk = bars("BRK.B", FROM, TO, 450);
        RunContext run1 = run(1);
        try (IcebergSink sink = IcebergSink.open(config, settings)) {
            for (List<Bar> bars : List.of(aapl, msft, brk)) {
                sink.writeBars(new BarBatch(bars.getFirst().symbol(), Interval.D1, new DateRange(FROM, TO), bars, WriteOptions.DEFAULT, run1));
            }
            LocalDate day = LocalDate.of(2024, 9, 4);
            List<Bar> intraday = new ArrayList<>();
            Instant open = day.atTime(13, 30).toInstant(ZoneOffset.UTC);
            for (int i = 0; i < 12; i++) {
                double o = 220 + i * 0.1;
                intraday.add(new Bar(AAPL, Interval.M5, open.plusSeconds(300L * i), day, o, o + 0.2, o - 0.1, o + 0.1, null, 5000L + i,
                        i % 2 == 0 ? o + 0.05 : null, 40L + i, "polygon", Adjustment.SPLITS));
            }
            sink.writeBars(new BarBatch(AAPL, Interval.M5, new DateRange(day, day), intraday, WriteOptions.DEFAULT, run1));
            Bar broken = new Bar(AAPL, Interval.D1, aapl.get(3).ts(), aapl.get(3).date(), 10, 9, 8, 11, null, 5, null, null, "fmp", Adjustment.SPLITS);
            sink.writeQuarantine(List.of(new Rejected(broken, "ohlc_consistent", "open 10.0 high 9.0 low 8.0 close 11.0")), run1);
            sink.flush();
            Map<String, Double> items = new TreeMap<>(Map.of("revenue", 391_035_000_000d, "netIncome", 93_736_000_000d, "eps", 6.11));
            sink.writeStatements(List.of(
                    new FinancialStatement(AAPL, StatementType.INCOME, "FY", 2024, LocalDate.of(2024, 9, 28), LocalDate.of(2024, 11, 1),
                            Instant.parse("2024-11-01T10:01:36Z"), "USD", items, "fmp"),
                    new FinancialStatement(AAPL, StatementType.BALANCE, "FY", 2024, LocalDate.of(2024, 9, 28), null, null, null,
                            Map.of("totalAssets", 364_980_000_000d, "weird", Double.NaN), "fmp")), WriteOptions.DEFAULT, run1);
            sink.writeOptions(List.of(
                    new OptionSnapshot("O:AAPL230616C00150000", AAPL, "call", "american", 150, LocalDate.of(2023, 6, 16), 100d, 29.99, 32.25, 29d, 29d,
                            8d, 30.7738, 8133d, 0.3570277203465058, 0.6436614934293701, 0.0061735291012820675, -0.028227189324641973, 0.6381159723175714,
                            179.075, 159.9606, 28.9, 29.25, 294d, 209d, 29.075, 29.25, Instant.parse("2022-04-29T17:44:23.172073Z"), LocalDate.of(2022, 4, 29),
                            "polygon"),
                    new OptionSnapshot("O:AAPL230616P00140000", AAPL, "put", "american", 140, LocalDate.of(2023, 6, 16), 100d, null, null, null, null,
                            null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, LocalDate.of(2022, 4, 29),
                            "polygon")), WriteOptions.DEFAULT, run1);
            sink.writeActions(List.of(
                    new CorporateAction(AAPL, CorporateAction.Type.SPLIT, LocalDate.of(2020, 8, 31), null, 4d, 1d, null, null, null, null, "yahoo"),
                    new CorporateAction(AAPL, CorporateAction.Type.DIVIDEND, LocalDate.of(2024, 8, 12), 0.25, null, null, LocalDate.of(2024, 8, 12),
                            LocalDate.of(2024, 8, 15), LocalDate.of(2024, 8, 1), "USD", "fmp")), WriteOptions.DEFAULT, run1);
            sink.writeQuotes(List.of(
                    new Quote(AAPL, Instant.parse("2024-10-04T15:00:00.123456Z"), 226.5, 226.49, 226.51, 31_000_000L, 227.9, 228.0, 224.6, 226.8,
                            "REGULAR", "yahoo"),
                    new Quote(new Symbol("MSFT"), Instant.parse("2024-10-04T15:00:01Z"), 416.1, null, null, null, null, null, null, null, null, "yahoo")),
                    run1);
            sink.writeRun(report(run1, 3));
            sink.flush();
        }
        // run 2: AAPL again over part of the range with new prices and a session fewer
        LocalDate from = LocalDate.of(2024, 9, 16);
        LocalDate to = LocalDate.of(2024, 9, 20);
        List<Bar> changed = new ArrayList<>(bars("AAPL", from, to, 200));
        changed.removeLast();
        RunContext run2 = run(2);
        try (IcebergSink sink = IcebergSink.open(config, settings)) {
            sink.writeBars(new BarBatch(AAPL, Interval.D1, new DateRange(from, to), changed, WriteOptions.DEFAULT, run2));
            sink.flush();
            sink.writeRun(report(run2, 1));
            sink.flush();
        }
        List<Bar> now = new ArrayList<>(changed);
        aapl.stream().filter(b -> b.date().isBefore(from) || b.date().isAfter(to)).forEach(now::add);
        now.addAll(msft);
        now.addAll(brk);
        now.sort(java.util.Comparator.comparing((Bar b) -> b.symbol().value()).thenComparing(Bar::date));
        return now;
    }

    private static RunContext run(int n) {
        Instant now = Instant.parse("2024-10-05T12:00:00Z").plusSeconds(n);
        return new RunContext("1728129600-000" + n, "prices", "fmp", now, now);
    }

    private static RunReport report(RunContext run, int symbols) {
        return new RunReport(run.runId(), "prices", "fmp", "1d", FROM.toString(), TO.toString(), List.of("iceberg"), run.startedAt(),
                run.startedAt().plusSeconds(5), 5000, 0, "succeeded", symbols, symbols, 0, symbols, 0, 0, 0, 0, 0, 1, Map.of("ohlc_consistent", 1L),
                List.of(), Map.of());
    }

    private static List<Bar> bars(String symbol, LocalDate from, LocalDate to, double base) {
        List<Bar> bars = new ArrayList<>();
        int i = 0;
        for (NyseCalendar.Session s : NyseCalendar.instance().sessions(from, to)) {
            double o = base + i + (i % 7) * 0.37;
            bars.add(new Bar(new Symbol(symbol), Interval.D1, s.open().toInstant(), s.date(), o, o + 2, o - 1, o + 1, o + 0.5, 1000L + i * 17,
                    i % 2 == 0 ? o + 0.25 : null, i % 3 == 0 ? null : 10L + i, "fmp", Adjustment.SPLITS));
            i++;
        }
        return bars;
    }

    /** The {@code --conf} settings of the Spark block of docs/iceberg.md, in order; its packages match the classpath. */
    private static Map<String, String> docsSparkConf() throws IOException {
        String docs = Files.readString(Path.of(System.getProperty("docs.iceberg")));
        int section = docs.indexOf("### Spark 3.5");
        assertThat(section).as("docs/iceberg.md has a Spark 3.5 section").isNotNegative();
        int start = docs.indexOf("```bash", section);
        String block = docs.substring(start, docs.indexOf("```", start + 7));
        Map<String, String> conf = new LinkedHashMap<>();
        Matcher m = Pattern.compile("--conf (\\S+?)=(\\S+)").matcher(block);
        while (m.find()) {
            conf.put(m.group(1), m.group(2));
        }
        assertThat(conf).as("the catalog settings in the docs").containsKeys("spark.sql.extensions", "spark.sql.catalog.stock_ingest",
                "spark.sql.catalog.stock_ingest.type", "spark.sql.catalog.stock_ingest.uri", "spark.sql.catalog.stock_ingest.warehouse");
        String classpath = Files.readString(Path.of(System.getProperty("spark.classpath.file")));
        Matcher packages = Pattern.compile("--packages (\\S+)").matcher(block);
        assertThat(packages.find()).as("the docs name the packages").isTrue();
        for (String coordinate : packages.group(1).split(",")) {
            String[] gav = coordinate.split(":");
            assertThat(classpath).as("the docs' package %s is the one tested", coordinate)
                    .contains("/" + gav[0].replace('.', '/') + "/" + gav[1] + "/" + gav[2] + "/" + gav[1] + "-" + gav[2] + ".jar");
        }
        return conf;
    }

    /** Runs SparkRead.java on JDK 17 with Spark's classpath; its result lines. */
    private List<String> runSpark(Map<String, String> conf, String... namespaces) throws Exception {
        Path java = Path.of(System.getProperty("spark.java.home"), "bin", "java");
        assertThat(java).as("Spark 3.5 needs a JDK 17 (set -Dspark.java.home=...)").isExecutable();
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx1g", "-Djava.io.tmpdir=" + dir, "-Dspark.local.dir=" + dir.resolve("spark-tmp")));
        // the module openings Spark's own launcher adds on JDK 17 (JavaModuleOptions)
        for (String p : List.of("java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio", "java.util", "java.util.concurrent",
                "java.util.concurrent.atomic", "sun.nio.ch", "sun.nio.cs", "sun.security.action", "sun.util.calendar")) {
            cmd.add("--add-opens=java.base/" + p + "=ALL-UNNAMED");
        }
        conf.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of("-cp", Files.readString(Path.of(System.getProperty("spark.classpath.file"))).strip(), System.getProperty("spark.program")));
        cmd.addAll(List.of(namespaces));
        Path out = dir.resolve("spark.out");
        Path err = dir.resolve("spark.err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("Spark did not finish in 10 minutes");
        }
        String errors = Files.readString(err);
        assertThat(p.exitValue()).as("Spark's exit code; stderr:\n%s", errors.length() > 20_000 ? errors.substring(errors.length() - 20_000) : errors)
                .isZero();
        return Files.readAllLines(out);
    }

    private static List<String> lines(List<String> spark, String kind, String what) {
        String prefix = kind + "\t" + what + "\t";
        return spark.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).toList();
    }

    private static List<String> sorted(List<String> lines) {
        return lines.stream().sorted().toList();
    }

    /** Every row of the table (at a snapshot, or the current one) by Iceberg's generic reader, formatted as SparkRead does. */
    private static List<String> rows(Table table, Long snapshot) {
        List<String> out = new ArrayList<>();
        var read = IcebergGenerics.read(table);
        if (snapshot != null) {
            read = read.useSnapshot(snapshot);
        }
        try (CloseableIterable<Record> records = read.build()) {
            records.forEach(r -> out.add(row(r)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(null);
        return out;
    }

    private static String row(StructLike r) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < r.size(); i++) {
            values.add(value(r.get(i, Object.class)));
        }
        return String.join("|", values);
    }

    /** SparkRead.value's format for Iceberg's generic values. */
    private static String value(Object v) {
        if (v == null) {
            return "null";
        } else if (v instanceof CharSequence c) {
            return c.toString().replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
        } else if (v instanceof StructLike s) {
            return "(" + row(s) + ")";
        } else if (v instanceof Map<?, ?> m) {
            Map<String, String> sorted = new TreeMap<>();
            m.forEach((k, x) -> sorted.put(value(k), value(x)));
            return sorted.toString();
        } else if (v instanceof List<?> l) {
            return "[" + l.stream().map(SparkReadTest::value).collect(Collectors.joining(",")) + "]";
        } else if (v instanceof ByteBuffer b) {
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            return HexFormat.of().formatHex(bytes);
        } else if (v instanceof java.math.BigDecimal d) {
            return d.toPlainString();
        } else if (v instanceof OffsetDateTime t) {
            return t.toInstant().toString();
        }
        return v.toString();
    }

    /** The columns Spark must show for an Iceberg schema: name and Spark's type name. */
    private static String sparkSchema(org.apache.iceberg.Schema schema) {
        return schema.columns().stream().map(f -> f.name() + ":" + sparkType(f.type())).collect(Collectors.joining(","));
    }

    private static String sparkType(Type type) {
        return switch (type.typeId()) {
            case STRING -> "string";
            case LONG -> "bigint";
            case INTEGER -> "int";
            case DOUBLE -> "double";
            case FLOAT -> "float";
            case BOOLEAN -> "boolean";
            case DATE -> "date";
            case TIMESTAMP -> ((Types.TimestampType) type).shouldAdjustToUTC() ? "timestamp" : "timestamp_ntz";
            case BINARY, FIXED -> "binary";
            case DECIMAL -> "decimal(" + ((Types.DecimalType) type).precision() + "," + ((Types.DecimalType) type).scale() + ")";
            case LIST -> "array<" + sparkType(type.asListType().elementType()) + ">";
            case MAP -> "map<" + sparkType(type.asMapType().keyType()) + "," + sparkType(type.asMapType().valueType()) + ">";
            case STRUCT -> "struct<" + type.asStructType().fields().stream().map(f -> f.name() + ":" + sparkType(f.type()))
                    .collect(Collectors.joining(",")) + ">";
            default -> throw new AssertionError("a type the tables do not use: " + type);
        };
    }
}

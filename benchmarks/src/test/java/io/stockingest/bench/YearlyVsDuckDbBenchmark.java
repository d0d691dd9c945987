package io.stockingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.stockingest.app.Environment;
import io.stockingest.app.Main;
import io.stockingest.core.http.Ticker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Not a unit test: the yearly layout for 1,000 symbols x 5 years (5,000 files, about 1.26 M rows) from
 * provider-shaped JSON (FMP {@code /stable/historical-price-eod/full}, one file per symbol) to Parquet, through the
 * real CLI ({@code prices --source fmp --backfill --sink parquet:DIR}: FMP source parsing, validation, the lake sink),
 * next to DuckDB's {@code COPY (SELECT ... FROM read_json(...)) TO ... (FORMAT PARQUET, PARTITION_BY (symbol, year))}
 * on the same JSON files. Prints rows/s of both and the ratio. Run with
 * {@code ./mvnw -q -o -pl benchmarks -am test -Dgroups=benchmark -DexcludedGroups=none -Dtest=YearlyVsDuckDbBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>Our side reads each JSON file from disk per request through a loopback HTTP server in this JVM (the source
 * only speaks HTTP), so our figure includes HTTP and the server's CPU; DuckDB reads the files directly. Both read
 * the same files from the page cache: the server reads a symbol's file per request (no in-memory copy made in
 * advance), DuckDB its glob; both write into the same file system ({@code /dev/shm} by default, see
 * {@link #workBase}; {@code -Dbench.dir=DIR} to choose). We warm up on 200 symbols and DuckDB on one file, then the
 * two alternate for {@code -Dbench.rounds=N} measured rounds (default 3). It reports the best round of each side
 * against the other's best, and the median of the rounds' own ratios (each round's pair ran back to back, so a
 * drift of the machine's speed moves both). {@code -Dbench.symbols=N} changes the symbol count,
 * {@code -Dbench.workers=N} sets {@code MAX_WORKERS} for our run (default: the product's 8).
 *
 * <p>Besides wall time it prints each side's process CPU seconds, user and kernel (this JVM's, so DuckDB's native
 * threads count too), which depend much less on the load of a shared machine than wall time does.
 */
@Tag("benchmark")
class YearlyVsDuckDbBenchmark {
    static final LocalDate FROM = LocalDate.of(2020, 1, 1);
    static final LocalDate TO = LocalDate.of(2024, 12, 31);

    @Test
    void yearlyLayoutFromJsonAgainstDuckDb() throws Exception {
        int symbolCount = Integer.getInteger("bench.symbols", 1000);
        Path work = Files.createTempDirectory(workBase(), "bench-yearly");
        try {
            Path json = Files.createDirectories(work.resolve("json"));
            List<String> symbols = Bench.symbols(symbolCount);
            long rows = writeJson(work, json, symbols);

            int rounds = Integer.getInteger("bench.rounds", 3);
            if (rounds < 1) {
                throw new IllegalArgumentException("-Dbench.rounds must be at least 1, not " + rounds);
            }
            double oursSeconds = Double.MAX_VALUE;
            double oursCpu = Double.MAX_VALUE;
            double duckSeconds = Double.MAX_VALUE;
            double duckCpu = Double.MAX_VALUE;
            List<Double> pairedRatios = new ArrayList<>();
            try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = duck.createStatement()) {
                ours(work, json, symbols.subList(0, Math.min(200, symbols.size())), "warm");
                duckdb(sql, json, work.resolve("duck-warm"), "'" + json.resolve(symbols.getFirst() + ".json") + "'");
                // the two sides alternate, each round into new directories; the best round of each counts, which is
                // what a shared machine's load disturbs least, and each round's pair gives a ratio of its own
                for (int round = 1; round <= rounds; round++) {
                    String lake = round == rounds ? "lake" : "lake-" + round;
                    Path duckOut = work.resolve(round == rounds ? "duck" : "duck-" + round);
                    // odd rounds run ours first, even rounds DuckDB first, so neither always follows the other
                    boolean oursFirst = round % 2 == 1;
                    double ourRound = 0;
                    double duckRound = 0;
                    CpuTimes ourCpuRound = null;
                    CpuTimes duckCpuRound = null;
                    for (int side = 0; side < 2; side++) {
                        settle();
                        CpuTimes before = CpuTimes.now();
                        if ((side == 0) == oursFirst) {
                            ourRound = ours(work, json, symbols, lake);
                            ourCpuRound = CpuTimes.now().minus(before);
                        } else {
                            duckRound = duckdb(sql, json, duckOut, "'" + json + "/*.json'");
                            duckCpuRound = CpuTimes.now().minus(before);
                        }
                    }
                    pairedRatios.add(duckRound / ourRound);
                    System.out.printf(Locale.ROOT, "BENCHMARK round %d/%d (%s first): ours %.2f s (CPU %s), DuckDB %.2f s (CPU %s), ours/DuckDB %.2fx, "
                            + "load average %s%n", round, rounds, oursFirst ? "ours" : "DuckDB", ourRound, ourCpuRound, duckRound, duckCpuRound,
                            duckRound / ourRound, Bench.loadAverage());
                    oursSeconds = Math.min(oursSeconds, ourRound);
                    oursCpu = Math.min(oursCpu, ourCpuRound.total());
                    duckSeconds = Math.min(duckSeconds, duckRound);
                    duckCpu = Math.min(duckCpu, duckCpuRound.total());
                    if (round < rounds) {
                        delete(work.resolve(lake));
                        delete(duckOut);
                    }
                }
                long oursFiles;
                try (var files = Files.walk(work.resolve("lake/raw/prices"))) {
                    oursFiles = files.filter(p -> p.toString().endsWith(".parquet")).count();
                }
                long duckFiles;
                try (var files = Files.walk(work.resolve("duck"))) {
                    duckFiles = files.filter(p -> p.toString().endsWith(".parquet")).count();
                }
                // DuckDB reads our files back: every row, the same closes as the JSON
                long ourRows = scalar(sql, "SELECT count(*) FROM read_parquet('" + work.resolve("lake/raw/prices") + "/**/*.parquet')");
                long duckRows = scalar(sql, "SELECT count(*) FROM read_parquet('" + work.resolve("duck") + "/**/*.parquet')");
                long same = scalar(sql, "SELECT count(*) FROM read_parquet('" + work.resolve("lake/raw/prices") + "/**/*.parquet') o JOIN read_parquet('"
                        + work.resolve("duck") + "/**/*.parquet', hive_partitioning = true) d ON o.symbol = d.symbol AND o.date = d.date "
                        + "AND o.close = d.close AND o.volume = d.volume");
                double oursRate = rows / oursSeconds;
                double duckRate = rows / duckSeconds;
                System.out.printf(Locale.ROOT, "BENCHMARK stock-ingest prices --backfill (JSON -> yearly Parquet), best of %d: %d files, %d rows in %.2f s = %.0f rows/s; "
                        + "process CPU %.2f s (client + loopback server)%n", rounds, oursFiles, ourRows, oursSeconds, oursRate, oursCpu);
                System.out.printf(Locale.ROOT, "BENCHMARK DuckDB %s COPY read_json -> PARTITION_BY (symbol, year), best of %d: %d files, %d rows in %.2f s = %.0f rows/s; "
                        + "process CPU %.2f s%n", duckVersion(sql), rounds, duckFiles, duckRows, duckSeconds, duckRate, duckCpu);
                Collections.sort(pairedRatios);
                double median = pairedRatios.size() % 2 == 1 ? pairedRatios.get(pairedRatios.size() / 2)
                        : (pairedRatios.get(pairedRatios.size() / 2 - 1) + pairedRatios.get(pairedRatios.size() / 2)) / 2;
                System.out.printf(Locale.ROOT, "BENCHMARK ours/DuckDB throughput = %.2fx best against best (goal >= 1.0), %.2fx median of the %d rounds' "
                        + "own ratios (%.2f-%.2fx); CPU per row ours/DuckDB = %.2fx; rows equal in both: %d; load average %s on %d cores%n",
                        oursRate / duckRate, median, pairedRatios.size(), pairedRatios.getFirst(), pairedRatios.getLast(), oursCpu / duckCpu, same,
                        Bench.loadAverage(), Runtime.getRuntime().availableProcessors());
                assertThat(ourRows).as("every row in our lake").isEqualTo(rows);
                assertThat(same).as("DuckDB reads our files with the same values").isEqualTo(rows);
            }
        } finally {
            delete(work);
        }
    }

    /** One FMP-shaped JSON file per symbol ({@link #FROM}..{@link #TO}) in {@code json}; returns the rows they hold. */
    static long writeJson(Path work, Path json, List<String> symbols) throws IOException {
        long bytes = 0;
        for (String symbol : symbols) {
            byte[] body = SyntheticBars.fmpStable(symbol, FROM, TO).getBytes(StandardCharsets.UTF_8);
            Files.write(json.resolve(symbol + ".json"), body);
            bytes += body.length;
        }
        long rows = (long) symbols.size() * SyntheticProvider.sessions(FROM, TO).size();
        System.out.printf(Locale.ROOT, "BENCHMARK input: %d JSON files (FMP stable shape), %.1f MB, %d rows, %s..%s, in %s (%s)%n", symbols.size(),
                bytes / 1e6, rows, FROM, TO, work, Files.getFileStore(work).type());
        return rows;
    }

    /**
     * Lets the JVM finish with the round before: a full collection now, and a pause for the JIT's queue and G1's
     * concurrent threads, which would otherwise run during (and be charged to) the next side's round.
     */
    static void settle() throws InterruptedException {
        System.gc();
        Thread.sleep(1_000);
    }

    /**
     * Where both sides read and write: {@code -Dbench.dir}, else {@code /dev/shm} where it exists, else the temp
     * directory. On this machine's ext4 (a Firecracker VM) creating files and directories right after thousands were
     * deleted, as every round does, spends most of both sides' time in the kernel's inode allocator ({@code perf}:
     * {@code recently_deleted} under {@code ext4_mkdir}/{@code ext4_create}), which swings both figures 2-3x from
     * round to round; tmpfs measures the conversion itself.
     */
    static Path workBase() {
        String base = System.getProperty("bench.dir");
        if (base != null) {
            return Path.of(base);
        }
        Path shm = Path.of("/dev/shm");
        try {
            // the JSON (289 MB) and three rounds' output of both sides; a container's /dev/shm is often 64 MB
            if (Files.isDirectory(shm) && Files.isWritable(shm) && Files.getFileStore(shm).getUsableSpace() > 2_000_000_000L) {
                return shm;
            }
        } catch (IOException unreadable) {
            // fall back to the temp directory
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    static void delete(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static double ours(Path work, Path json, List<String> symbols, String lake) throws IOException {
        return run(work, json, symbols, lake, "--backfill", "--sink", "parquet:" + work.resolve(lake));
    }

    /**
     * The real CLI ({@code prices --source fmp} over {@code symbols}, {@link #FROM}..{@link #TO}, then {@code sinkArgs})
     * against a loopback server that answers FMP's daily endpoint from the JSON files; wall seconds.
     */
    static double run(Path work, Path json, List<String> symbols, String name, String... sinkArgs) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/stable/historical-price-eod/full", exchange -> {
            String symbol = null;
            for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
                if (pair.startsWith("symbol=")) {
                    symbol = URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8);
                }
            }
            byte[] body = Files.readAllBytes(json.resolve(symbol + ".json"));
            exchange.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            Path tickers = work.resolve("tickers-" + name + ".txt");
            Files.write(tickers, symbols);
            Map<String, String> vars = new HashMap<>();
            vars.put("FMP_API_KEY", "synthetic-bench-key");
            vars.put("FMP_BASE_URL", "http://127.0.0.1:" + server.getAddress().getPort());
            vars.put("FMP_PLAN", "ultimate");
            vars.put("FMP_RATE_LIMIT", "1000000/min");
            vars.put("FMP_USAGE_FILE", work.resolve("fmp-usage.txt").toString());
            String workers = System.getProperty("bench.workers");
            if (workers != null) {
                vars.put("MAX_WORKERS", workers);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Environment env = new Environment(vars, work, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Ticker.SYSTEM, false);
            long start = System.nanoTime();
            List<String> args = new ArrayList<>(List.of("prices", "--source", "fmp", "--tickers-path", tickers.toString(), "--from", FROM.toString(),
                    "--to", TO.toString()));
            args.addAll(List.of(sinkArgs));
            int exit = Main.run(env, args.toArray(String[]::new));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(exit).as("exit of the run; stdout:%n%s%nstderr:%n%s", out, err).isZero();
            return seconds;
        } finally {
            server.stop(0);
        }
    }

    /**
     * CPU seconds of this whole JVM (every thread, DuckDB's native ones included), split into user and kernel time
     * where {@code /proc/self/stat} tells (Linux); the split shows what the loopback socket and file writes cost.
     */
    private record CpuTimes(double user, double system, double total) {
        static CpuTimes now() {
            double total = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime() / 1e9;
            try {
                String stat = Files.readString(Path.of("/proc/self/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // fields[11] and [12] are utime and stime (fields 14 and 15 of proc(5)), in clock ticks: USER_HZ is 100
                // on every Linux architecture the JDK runs on (sysconf(_SC_CLK_TCK)); the total comes from the JVM
                return new CpuTimes(Long.parseLong(fields[11]) / 100.0, Long.parseLong(fields[12]) / 100.0, total);
            } catch (IOException | RuntimeException notLinux) {
                return new CpuTimes(Double.NaN, Double.NaN, total);
            }
        }

        CpuTimes minus(CpuTimes earlier) {
            return new CpuTimes(user - earlier.user, system - earlier.system, total - earlier.total);
        }

        @Override
        public String toString() {
            return Double.isNaN(user) ? String.format(Locale.ROOT, "%.2f s", total)
                    : String.format(Locale.ROOT, "%.2f s: user %.2f, kernel %.2f", total, user, system);
        }
    }

    private static double duckdb(Statement sql, Path json, Path out, String files) throws Exception {
        String copy = "COPY (SELECT symbol, date, open, high, low, close, volume, vwap, year(date) AS year FROM read_json(" + files
                + ", format = 'array', columns = {symbol: 'VARCHAR', date: 'DATE', open: 'DOUBLE', high: 'DOUBLE', low: 'DOUBLE', "
                + "close: 'DOUBLE', volume: 'BIGINT', change: 'DOUBLE', changePercent: 'DOUBLE', vwap: 'DOUBLE'})) TO '" + out
                + "' (FORMAT PARQUET, PARTITION_BY (symbol, year))";
        long start = System.nanoTime();
        sql.execute(copy);
        return (System.nanoTime() - start) / 1e9;
    }

    private static long scalar(Statement sql, String query) throws Exception {
        try (ResultSet result = sql.executeQuery(query)) {
            result.next();
            return result.getLong(1);
        }
    }

    private static String duckVersion(Statement sql) throws Exception {
        try (ResultSet result = sql.executeQuery("SELECT version()")) {
            result.next();
            return result.getString(1);
        }
    }
}

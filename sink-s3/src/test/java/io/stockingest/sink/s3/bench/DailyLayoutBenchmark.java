package io.stockingest.sink.s3.bench;

import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.spi.WriteResult;
import io.stockingest.lake.LakeLayout;
import io.stockingest.lake.LakeSchemas;
import io.stockingest.sink.s3.LakeSink;
import io.stockingest.sink.s3.LocalLakeStorage;
import io.stockingest.lake.ParquetFiles;
import io.stockingest.sink.s3.S3BenchSupport;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Not a unit test: writes 10 symbols x 5 years of daily bars in the daily layout (about 12,600 files) to the
 * in-process s3proxy and prints wall seconds and files/s. Run with
 * {@code ./mvnw -q -o -pl sink-s3 test -Dgroups=benchmark -DexcludedGroups=none -Dtest=DailyLayoutBenchmark}.
 * {@code -Dbench.aws=true} also times {@code aws s3 sync} of the same files from a local directory to the same server.
 * {@code -Dbench.dir=/some/dir} keeps the s3proxy bucket on disk there (filesystem blob store) instead of in memory.
 */
@Tag("benchmark")
class DailyLayoutBenchmark {
    private static final List<String> SYMBOLS = List.of("AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "BRK.B", "JPM", "V", "XOM");

    /** The same files written to a local directory, then {@code aws s3 sync} of that directory to a new bucket. */
    private static void awsSync(S3BenchSupport s3, List<BarBatch> batches, double ourSeconds) throws Exception {
        Path dir = Files.createTempDirectory("bench-lake");
        try (LakeSink local = new LakeSink("local", new LocalLakeStorage(dir), LakeLayout.DEFAULT)) {
            batches.forEach(local::writeBars);
        }
        String bucket = s3.newBucket();
        ProcessBuilder aws = new ProcessBuilder("aws", "s3", "sync", "--only-show-errors", "--endpoint-url", s3.endpoint().toString(),
                dir.toString(), "s3://" + bucket + "/").inheritIO();
        aws.environment().put("AWS_ACCESS_KEY_ID", S3BenchSupport.ACCESS_KEY);
        aws.environment().put("AWS_SECRET_ACCESS_KEY", S3BenchSupport.SECRET_KEY);
        aws.environment().put("AWS_DEFAULT_REGION", "us-east-1");
        aws.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        long start = System.nanoTime();
        int exit = aws.start().waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        long objects = s3.storage(bucket).list("raw/").size();
        System.out.printf("BENCHMARK aws s3 sync of the same %d files (exit %d): %.2f s wall, %.0f files/s; aws/ours = %.1fx%n",
                objects, exit, seconds, objects / seconds, seconds / ourSeconds);
        deleteTree(dir);
    }

    /** The same batches to a local directory: the encoder and the sink without any HTTP or S3 server. */
    private static void localDirectory(List<BarBatch> batches, int concurrency) throws Exception {
        for (String round : List.of("warm-up", "measured")) {
            Path dir = Files.createTempDirectory("bench-local");
            try (LakeSink local = new LakeSink("local", new LocalLakeStorage(dir), LakeLayout.DEFAULT, concurrency)) {
                long cpuStart = cpuNanos();
                long start = System.nanoTime();
                WriteResult total = WriteResult.NOTHING;
                for (BarBatch batch : batches) {
                    total = total.plus(local.writeBars(batch));
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                if (round.equals("measured")) {
                    System.out.printf("BENCHMARK same files to a local directory (no S3): %d files in %.2f s wall, %.0f files/s, %.2f ms CPU per file%n",
                            total.filesWritten(), seconds, total.filesWritten() / seconds, (cpuNanos() - cpuStart) / 1e6 / total.filesWritten());
                }
            }
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    @Test
    void dailyLayoutTenSymbolsFiveYears() throws Exception {
        DateRange range = new DateRange(LocalDate.of(2020, 1, 1), LocalDate.of(2024, 12, 31));
        List<LocalDate> sessions = NyseCalendar.instance().sessions(range.from(), range.to()).stream().map(s -> s.date()).toList();
        int concurrency = Integer.parseInt(System.getProperty("bench.concurrency", "32"));
        Instant ingest = Instant.parse("2025-01-02T00:00:00Z");
        RunContext context = new RunContext("1735776000", "prices", "yahoo", ingest, ingest);
        List<BarBatch> batches = new ArrayList<>();
        for (String name : SYMBOLS) {
            Symbol symbol = Symbol.parse(name);
            List<Bar> bars = new ArrayList<>(sessions.size());
            double close = 100;
            for (LocalDate date : sessions) {
                close += Math.sin(date.toEpochDay()) ;
                Instant ts = date.atTime(LocalTime.of(9, 30)).atZone(NyseCalendar.NEW_YORK).toInstant();
                bars.add(new Bar(symbol, Interval.D1, ts, date, close - 1, close + 1, close - 2, close, close * 0.99, 1_000_000L + date.getDayOfYear(),
                        null, 42L, "yahoo", Adjustment.SPLITS));
            }
            batches.add(new BarBatch(symbol, Interval.D1, range, bars, WriteOptions.DEFAULT, context));
        }
        localDirectory(batches, concurrency);
        try (S3BenchSupport s3 = S3BenchSupport.start(System.getProperty("bench.dir"), Map.of("S3_MAX_CONCURRENCY", String.valueOf(concurrency)))) {
            // warm-up on another bucket: JIT, connection pool, Parquet codec
            try (LakeSink warm = new LakeSink("warm", s3.storage(s3.newBucket()), LakeLayout.DEFAULT, concurrency)) {
                warm.writeBars(batches.getLast());
            }
            String bucket = s3.newBucket();
            try (LakeSink sink = new LakeSink("s3://" + bucket, s3.storage(bucket), LakeLayout.DEFAULT, concurrency)) {
                long cpuStart = cpuNanos();
                long start = System.nanoTime();
                WriteResult total = WriteResult.NOTHING;
                for (BarBatch batch : batches) {
                    total = total.plus(sink.writeBars(batch));
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpu = (cpuNanos() - cpuStart) / 1e9;
                System.out.printf("BENCHMARK daily layout to s3proxy: %d files, %d rows, %d symbols x %d sessions, concurrency %d: %.2f s wall, %.0f files/s%n",
                        total.filesWritten(), total.rowsWritten(), SYMBOLS.size(), sessions.size(), concurrency, seconds, total.filesWritten() / seconds);
                System.out.printf("BENCHMARK process CPU %.1f s (client + in-process s3proxy), %.2f ms CPU per file; load average %.1f on %d cores%n",
                        cpu, cpu * 1000 / total.filesWritten(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                        Runtime.getRuntime().availableProcessors());
                long encodeCpu = cpuNanos();
                for (Bar bar : batches.getFirst().bars()) {
                    ParquetFiles.write(LakeSchemas.DAILY, List.of(LakeSchemas.bar(bar, ingest)));
                }
                System.out.printf("BENCHMARK of which Parquet encoding alone: %.2f ms CPU per file%n",
                        (cpuNanos() - encodeCpu) / 1e6 / batches.getFirst().bars().size());
                long rerun = System.nanoTime();
                WriteResult skipped = WriteResult.NOTHING;
                for (BarBatch batch : batches) {
                    skipped = skipped.plus(sink.writeBars(batch));
                }
                System.out.printf("BENCHMARK rerun (all skipped via one listing per symbol): %d skipped in %.2f s%n", skipped.filesSkipped(),
                        (System.nanoTime() - rerun) / 1e9);
                if (Boolean.getBoolean("bench.aws")) {
                    awsSync(s3, batches, seconds);
                }
            }
        }
    }
}

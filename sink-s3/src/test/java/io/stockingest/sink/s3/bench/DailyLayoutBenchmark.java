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
import io.stockingest.sink.s3.LakeLayout;
import io.stockingest.sink.s3.LakeSink;
import io.stockingest.sink.s3.S3BenchSupport;
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
 * {@code -Dbench.dir=/some/dir} keeps the s3proxy bucket on disk there (filesystem blob store) instead of in memory.
 */
@Tag("benchmark")
class DailyLayoutBenchmark {
    private static final List<String> SYMBOLS = List.of("AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "BRK.B", "JPM", "V", "XOM");

    @Test
    void dailyLayoutTenSymbolsFiveYears() {
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
        try (S3BenchSupport s3 = S3BenchSupport.start(System.getProperty("bench.dir"), Map.of("S3_MAX_CONCURRENCY", String.valueOf(concurrency)))) {
            // warm-up on another bucket: JIT, connection pool, Parquet codec
            try (LakeSink warm = new LakeSink("warm", s3.storage(s3.newBucket()), LakeLayout.DEFAULT, concurrency)) {
                warm.writeBars(batches.getLast());
            }
            String bucket = s3.newBucket();
            try (LakeSink sink = new LakeSink("s3://" + bucket, s3.storage(bucket), LakeLayout.DEFAULT, concurrency)) {
                long start = System.nanoTime();
                WriteResult total = WriteResult.NOTHING;
                for (BarBatch batch : batches) {
                    total = total.plus(sink.writeBars(batch));
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("BENCHMARK daily layout to s3proxy: %d files, %d rows, %d symbols x %d sessions, concurrency %d: %.2f s wall, %.0f files/s%n",
                        total.filesWritten(), total.rowsWritten(), SYMBOLS.size(), sessions.size(), concurrency, seconds, total.filesWritten() / seconds);
                long rerun = System.nanoTime();
                WriteResult skipped = WriteResult.NOTHING;
                for (BarBatch batch : batches) {
                    skipped = skipped.plus(sink.writeBars(batch));
                }
                System.out.printf("BENCHMARK rerun (all skipped via one listing per symbol): %d skipped in %.2f s%n", skipped.filesSkipped(),
                        (System.nanoTime() - rerun) / 1e9);
            }
        }
    }
}

package io.stockingest.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.features.FeatureCalculator;
import io.stockingest.core.features.FeatureSeries;
import io.stockingest.core.features.Session;
import io.stockingest.core.model.Symbol;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * CPU time to encode the lake's feature files of 1,000 symbols x 5 years of sessions (one {@code features/prices} and
 * one {@code features/cumulative_7d} file per symbol and year), with the flat encoder (what the lake uses) and with
 * parquet-avro's writer (what it used for the list columns before). Not run by the build (no {@code Test} suffix);
 * run with {@code -Dtest=FeatureFilesEncodeBenchmark}, {@code -Dbench.symbols=N} to change the size; parquet-avro
 * runs on a tenth of the symbols ({@code -Dbench.mrShare=...}) and is scaled up, which the output says.
 */
@Tag("benchmark")
class FeatureFilesEncodeBenchmark {
    @Test
    void encodeFeatureFilesOfAThousandSymbolsForFiveYears() throws Exception {
        int symbols = Integer.getInteger("bench.symbols", 1000);
        double mrShare = Double.parseDouble(System.getProperty("bench.mrShare", "0.1"));
        int sessionsPerYear = 252;
        int years = 5;
        Instant ingest = Instant.parse("2026-12-04T00:00:00Z");
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        ParquetFiles.initialise();
        long rows = 0;
        long flatNanos = 0;
        long flatBytes = 0;
        long mrNanos = 0;
        long mrRows = 0;
        int mrSymbols = Math.max(1, (int) Math.round(symbols * mrShare));
        for (int s = 0; s < symbols; s++) {
            Symbol symbol = Symbol.parse("S" + s);
            SplittableRandom random = new SplittableRandom(s);
            List<Session> sessions = new ArrayList<>(sessionsPerYear * years);
            double close = 10 + random.nextDouble(500);
            LocalDate day = LocalDate.of(2021, 1, 4);
            for (int i = 0; i < sessionsPerYear * years; i++) {
                close *= Math.exp(random.nextGaussian() * 0.02);
                sessions.add(new Session(day, close * 0.99, close * 1.01, close * 0.98, close, 1_000_000 + random.nextInt(5_000_000)));
                day = day.plusDays(day.getDayOfWeek().getValue() == 5 ? 3 : 1);
            }
            FeatureSeries f = FeatureCalculator.compute(symbol, List.of(), sessions);
            for (int y = 0; y < years; y++) {
                List<GenericRecord> features = new ArrayList<>();
                List<GenericRecord> cumulative = new ArrayList<>();
                for (int i = y * sessionsPerYear; i < (y + 1) * sessionsPerYear; i++) {
                    features.add(LakeSchemas.features(f, i, ingest));
                    cumulative.add(LakeSchemas.cumulative(f, i, ingest));
                }
                rows += features.size();
                long t = cpu.getCurrentThreadCpuTime();
                byte[] a = FlatParquetEncoder.encode(LakeSchemas.FEATURES, features).orElseThrow();
                byte[] b = FlatParquetEncoder.encode(LakeSchemas.CUMULATIVE_7D, cumulative).orElseThrow();
                flatNanos += cpu.getCurrentThreadCpuTime() - t;
                flatBytes += a.length + b.length;
                if (s < mrSymbols) {
                    t = cpu.getCurrentThreadCpuTime();
                    ParquetFiles.writeWithParquetMr(LakeSchemas.FEATURES, features);
                    ParquetFiles.writeWithParquetMr(LakeSchemas.CUMULATIVE_7D, cumulative);
                    mrNanos += cpu.getCurrentThreadCpuTime() - t;
                    mrRows += features.size();
                }
            }
        }
        double flat = flatNanos / 1e9;
        double mrScaled = mrNanos / 1e9 * rows / mrRows;
        String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        System.out.printf(Locale.ROOT, "feature-files: %,d rows (%d symbols x %d years), 2 files per symbol and year%n", rows, symbols, years);
        System.out.printf(Locale.ROOT, "  flat encoder     cpu %.2f s  (%.2f us/row, %,d bytes)%n", flat, flatNanos / 1e3 / rows, flatBytes);
        System.out.printf(Locale.ROOT, "  parquet-avro     cpu %.2f s  measured on %,d rows, scaled to %,d rows: %.2f s%n", mrNanos / 1e9, mrRows, rows,
                mrScaled);
        System.out.printf(Locale.ROOT, "  ratio parquet-avro / flat %.1fx  load average %s%n", mrScaled / flat, load);
        assertThat(flatBytes).isPositive();
    }
}

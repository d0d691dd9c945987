package io.stockingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Not a unit test: 1,000 symbols x 5 years of daily bars through the real CLI ({@code prices --source fmp}, from the
 * same FMP-shaped JSON as {@link YearlyVsDuckDbBenchmark}) into {@code --sink iceberg:DIR} (embedded SQLite catalog,
 * write-audit-publish: data files, run branch, the gate's read-back of the staged rows, fast-forward) against the
 * same job into yearly lake files ({@code --backfill --sink parquet:DIR}). The two alternate for
 * {@code -Dbench.rounds=N} rounds (default 3), each into a new directory; prints both times and the ratio (goal:
 * Iceberg at most 1.2x the lake). Run with
 * {@code ./mvnw -q -o -pl benchmarks -am test -Dgroups=benchmark -DexcludedGroups=none -Dtest=IcebergVsLakeBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class IcebergVsLakeBenchmark {
    @Test
    void icebergAgainstTheYearlyLake() throws Exception {
        int symbolCount = Integer.getInteger("bench.symbols", 1000);
        int rounds = Integer.getInteger("bench.rounds", 3);
        Path work = Files.createTempDirectory(YearlyVsDuckDbBenchmark.workBase(), "bench-iceberg");
        try {
            Path json = Files.createDirectories(work.resolve("json"));
            List<String> symbols = Bench.symbols(symbolCount);
            long rows = YearlyVsDuckDbBenchmark.writeJson(work, json, symbols);
            List<String> warm = symbols.subList(0, Math.min(200, symbols.size()));
            YearlyVsDuckDbBenchmark.run(work, json, warm, "warm-lake", "--backfill", "--sink", "parquet:" + work.resolve("warm-lake"));
            YearlyVsDuckDbBenchmark.run(work, json, warm, "warm-ice", "--sink", "iceberg:" + work.resolve("warm-ice"));
            double lakeBest = Double.MAX_VALUE;
            double iceBest = Double.MAX_VALUE;
            List<Double> ratios = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                boolean lakeFirst = round % 2 == 1;
                double lake = 0;
                double ice = 0;
                for (int side = 0; side < 2; side++) {
                    YearlyVsDuckDbBenchmark.settle();
                    if ((side == 0) == lakeFirst) {
                        lake = YearlyVsDuckDbBenchmark.run(work, json, symbols, "lake-" + round, "--backfill", "--sink", "parquet:" + work.resolve("lake-" + round));
                    } else {
                        ice = YearlyVsDuckDbBenchmark.run(work, json, symbols, "ice-" + round, "--sink", "iceberg:" + work.resolve("ice-" + round));
                    }
                }
                ratios.add(ice / lake);
                System.out.printf(Locale.ROOT, "BENCHMARK round %d/%d (%s first): yearly lake %.2f s, iceberg %.2f s, iceberg/lake %.2fx, load average %s%n",
                        round, rounds, lakeFirst ? "lake" : "iceberg", lake, ice, ice / lake, Bench.loadAverage());
                lakeBest = Math.min(lakeBest, lake);
                iceBest = Math.min(iceBest, ice);
                if (round < rounds) {
                    YearlyVsDuckDbBenchmark.delete(work.resolve("lake-" + round));
                    YearlyVsDuckDbBenchmark.delete(work.resolve("ice-" + round));
                }
            }
            long iceRows;
            long iceFiles;
            try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = duck.createStatement();
                    ResultSet rs = sql.executeQuery("SELECT count(*), count(DISTINCT filename) FROM read_parquet('" + work.resolve("ice-" + rounds)
                            + "/warehouse/stock_ingest/prices_daily/data/**/*.parquet', filename = true)")) {
                rs.next();
                iceRows = rs.getLong(1);
                iceFiles = rs.getLong(2);
            }
            Collections.sort(ratios);
            double median = ratios.get(ratios.size() / 2);
            System.out.printf(Locale.ROOT, "BENCHMARK %d symbols x 5 years = %d rows: yearly lake best %.2f s, iceberg:DIR best %.2f s (%d data files); "
                    + "iceberg/lake = %.2fx best against best, %.2fx median of %d rounds (goal <= 1.2x); load average %s on %d cores%n", symbols.size(), rows,
                    lakeBest, iceBest, iceFiles, iceBest / lakeBest, median, rounds, Bench.loadAverage(), Runtime.getRuntime().availableProcessors());
            assertThat(iceRows).as("every row in the Iceberg table's data files").isEqualTo(rows);
        } finally {
            YearlyVsDuckDbBenchmark.delete(work);
        }
    }
}

package io.stockingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.lake.ParquetFiles;
import io.stockingest.source.csv.CsvSourceModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fourth source of docs/extending.md ({@code io.stockingest.source.csv}, in this module's tests) installed next to
 * the shipped plugins and run through the command line, with no other change to {@code app}; the page shows its
 * three files word for word.
 */
class ExtendingExampleTest {
    private static final List<String> FILES = List.of("CsvSourceModule.java", "CsvSourceFactory.java", "CsvSource.java");
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path work;

    private int run(String... args) {
        out.reset();
        err.reset();
        List<com.google.inject.Module> plugins = new ArrayList<>(ShippedPlugins.modules());
        plugins.add(new CsvSourceModule());
        Environment env = new Environment(Map.of("CSV_SOURCE_DIR", work.resolve("csv").toString()), work, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new FakeTicker(Instant.parse("2024-10-01T02:00:00Z")), false).withPlugins(plugins);
        return Main.run(env, args);
    }

    @Test
    void aFourthSourceRunsThroughTheCommandLineIntoTheLake() throws IOException {
        Files.createDirectories(work.resolve("csv"));
        Files.writeString(work.resolve("csv/AAPL.csv"), "date,open,high,low,close,volume\n2024-09-26,227.3,228.5,225.4,227.5,36636700\n"
                + "2024-09-27,228.5,229.5,227.3,227.8,34026000\n2024-09-30,230.0,233.0,229.6,233.0,54541900\n");
        Files.writeString(work.resolve("csv/BRK-B.csv"), "date,open,high,low,close,volume\n2024-09-27,458.0,461.1,457.0,460.5,3001000\n");

        assertThat(run("prices", "--source", "csv", "--symbols", "AAPL,BRK.B", "--from", "2024-09-27", "--to", "2024-09-30", "--sink", "parquet:lake"))
                .as(err.toString()).isZero();

        Path lake = work.resolve("lake");
        List<String> files;
        try (Stream<Path> walk = Files.walk(lake.resolve("raw/prices"))) {
            files = walk.filter(Files::isRegularFile).map(p -> lake.relativize(p).toString()).sorted().toList();
        }
        assertThat(files).as("in range only, BRK.B read from BRK-B.csv").containsExactly(
                "raw/prices/symbol=AAPL/year=2024/month=09/AAPL-2024-09-27.parquet",
                "raw/prices/symbol=AAPL/year=2024/month=09/AAPL-2024-09-30.parquet",
                "raw/prices/symbol=BRK.B/year=2024/month=09/BRK.B-2024-09-27.parquet");
        Map<String, Object> row = ParquetFiles.readRows(Files.readAllBytes(lake.resolve(files.get(1)))).getFirst();
        assertThat(row).containsEntry("symbol", "AAPL").containsEntry("date", LocalDate.of(2024, 9, 30)).containsEntry("close", 233.0)
                .containsEntry("volume", 54541900L).containsEntry("source", "csv");
    }

    @Test
    void theRegistryNamesItAndItsErrorsReachTheUser() throws IOException {
        assertThat(run("prices", "--source", "cvs", "--symbols", "AAPL")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown source 'cvs' (known: csv, fmp, polygon, yahoo)");

        Files.createDirectories(work.resolve("csv"));
        assertThat(run("prices", "--source", "csv", "--symbols", "MSFT", "--from", "2024-09-27", "--to", "2024-09-30", "--sink", "parquet:lake"))
                .as("a symbol without a file fails alone").isEqualTo(1);
        assertThat(err.toString() + out).contains("no file MSFT.csv");
    }

    @Test
    void extendingPageShowsTheExampleWordForWord() throws IOException {
        String docs = Files.readString(Path.of("../docs/extending.md"));
        for (String file : FILES) {
            String source = Files.readString(Path.of("src/test/java/io/stockingest/source/csv", file));
            assertThat(docs).as(file).contains(source.strip());
        }
    }
}

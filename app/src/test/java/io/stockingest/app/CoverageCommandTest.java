package io.stockingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coverage} against a lake written by {@code prices} from recorded Yahoo responses, then given known gaps. */
class CoverageCommandTest {
    private final FixtureServer yahoo = new FixtureServer();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path work;

    @AfterEach
    void stop() {
        yahoo.close();
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        Environment environment = new Environment(Map.of("YAHOO_BASE_URL", yahoo.baseUri().toString(), "YAHOO_RATE_LIMIT", "100/sec"), work,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new FakeTicker(Instant.parse("2024-10-01T02:00:00Z")), false);
        return Main.run(environment, args);
    }

    @BeforeEach
    void lakeWithGaps() throws IOException {
        yahoo.on("/v8/finance/chart/AAPL", Reply.json(200, PricesCommandTest.fixture("chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json")));
        assertThat(run("prices", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06")).as(err.toString()).isZero();
    }

    @Test
    void aCompleteLakeHasNothingMissingAndExits0() {
        assertThat(run("coverage", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06")).as(err.toString()).isZero();
        assertThat(out.toString()).containsPattern("parquet:\\S+  AAPL\\s+49\\s+49\\s+0\\s*\\n");
    }

    @Test
    void listsExactlyTheDeletedDatesAsRangesAndExits1() throws IOException {
        Path lake = work.resolve("data/raw/prices/symbol=AAPL/year=2020");
        Files.delete(lake.resolve("month=09/AAPL-2020-09-04.parquet"));
        Files.delete(lake.resolve("month=09/AAPL-2020-09-08.parquet")); // 09-07 is Labor Day: one gap of two sessions
        Files.delete(lake.resolve("month=10/AAPL-2020-10-15.parquet"));
        Files.delete(lake.resolve("month=11/AAPL-2020-11-06.parquet"));

        assertThat(run("coverage", "--symbols", "AAPL,MSFT", "--from", "2020-08-31", "--to", "2020-11-06", "--format", "csv"))
                .as(err.toString()).isEqualTo(1);

        assertThat(out.toString().lines().toList()).hasSize(3).satisfies(lines -> {
            assertThat(lines.get(0)).isEqualTo("sink,symbol,expected,stored,missing,missing_ranges");
            assertThat(lines.get(1)).endsWith(",AAPL,49,45,4,2020-09-04..2020-09-08 2020-10-15 2020-11-06");
            assertThat(lines.get(2)).endsWith(",MSFT,49,0,49,2020-08-31..2020-11-06");
        });

        assertThat(run("coverage", "--symbols", "AAPL", "--from", "2020-10-01", "--to", "2020-10-31", "--format", "json")).isEqualTo(1);
        assertThat(out.toString()).contains("\"symbol\":\"AAPL\",\"expected\":22,\"stored\":21,\"missing\":1,"
                + "\"missing_ranges\":[{\"from\":\"2020-10-15\",\"to\":\"2020-10-15\"}]");
    }

    @Test
    void aYearlyFileCoversItsYear() {
        assertThat(run("prices", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06", "--backfill", "--sink", "parquet:yearly"))
                .as(err.toString()).isZero();
        assertThat(run("coverage", "--sink", "parquet:yearly", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06")).isZero();
        assertThat(run("coverage", "--sink", "parquet:yearly", "--symbols", "AAPL", "--from", "2020-12-28", "--to", "2021-01-05")).isEqualTo(1);
        assertThat(out.toString()).as("2020's sessions are covered by its file, 2021's are not").contains("2021-01-04..2021-01-05");
    }
}

package io.stockingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import io.stockingest.sink.s3.LakeInstanceLock;
import io.stockingest.lake.ParquetFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code watch} end to end: local server replaying Yahoo's cookie, crumb and v7 quote → lake, on a fake clock. */
class WatchCommandTest {
    private final FixtureServer yahoo = new FixtureServer();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path work;

    @AfterEach
    void stop() {
        yahoo.close();
    }

    private int run(Instant start, String... args) {
        Environment env = new Environment(Map.of("YAHOO_BASE_URL", yahoo.baseUri().toString(), "YAHOO_COOKIE_URL",
                yahoo.baseUri().resolve("/cookie").toString(), "YAHOO_RATE_LIMIT", "100/sec"), work,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), new FakeTicker(start), false);
        return Main.run(env, args);
    }

    @Test
    void pollsUntilTheCloseAndWritesQuoteFiles() throws Exception {
        yahoo.on("/cookie", Reply.text(200, "").withHeader("Set-Cookie", "A3=d=AQAB; Domain=.yahoo.com"));
        yahoo.on("/v1/test/getcrumb", Reply.text(200, PricesCommandTest.fixture("v1_test_getcrumb_body.txt")));
        yahoo.on("/v7/finance/quote", Reply.json(200, PricesCommandTest.fixture("v7_quote_AAPL_with_crumb.json")));
        // Monday 2024-09-30 15:50 New York: ten polls before the close
        int exit = run(Instant.parse("2024-09-30T19:50:00Z"), "watch", "--symbols", "AAPL", "--every", "60s", "--until-close", "--metrics-out", "m.json");
        assertThat(exit).as(err.toString()).isZero();
        assertThat(yahoo.requests().stream().filter(r -> r.path().equals("/v7/finance/quote"))).hasSize(10);
        assertThat(yahoo.requests().stream().filter(r -> r.path().equals("/v1/test/getcrumb"))).hasSize(1);
        // the recorded quote is stamped 2025-02-14 16:00 New York; ten identical polls keep one row
        Path file = work.resolve("data/raw/quotes/date=2025-02-14/symbol=AAPL/AAPL-2025-02-14-1600.parquet");
        assertThat(ParquetFiles.readRows(Files.readAllBytes(file))).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("symbol", "AAPL").containsEntry("price", 244.6).containsEntry("bid", 244.44).containsEntry("ask", 253.37)
                .containsEntry("volume", 40896227L).containsEntry("market_state", "CLOSED").containsEntry("ts", Instant.ofEpochSecond(1739566800)));
        assertThat(err.toString()).contains("the market closed; --until-close: stopping");
        assertThat(Files.readString(work.resolve("m.json"))).contains("\"command\" : \"watch\"").doesNotContain("haT3oykhHqZ");
    }

    @Test
    void aSecondInstanceOnTheSameLakeIsRefused() throws Exception {
        Files.createDirectories(work.resolve("data"));
        try (var lock = LakeInstanceLock.acquire(work.resolve("data"), "watch", Instant.parse("2024-09-30T13:30:00Z"))) {
            assertThat(run(Instant.parse("2024-09-30T14:00:00Z"), "watch", "--symbols", "AAPL")).isEqualTo(2);
            assertThat(err.toString()).contains("watch is already running (pid " + ProcessHandle.current().pid() + ", since 2024-09-30T13:30:00Z)");
        }
        assertThat(yahoo.requests()).isEmpty();
    }

    @Test
    void aStaleLockFileFromAKilledProcessDoesNotBlock() throws Exception {
        Files.createDirectories(work.resolve("data"));
        Files.writeString(work.resolve("data/.watch.lock"), "pid 999999, since 2024-01-01T00:00:00Z");
        try (var lock = LakeInstanceLock.acquire(work.resolve("data"), "watch", Instant.parse("2024-09-30T13:30:00Z"))) {
            assertThat(Files.readString(work.resolve("data/.watch.lock"))).startsWith("pid " + ProcessHandle.current().pid());
        }
    }

    @Test
    void badDurationsAreUsageErrors() {
        assertThat(run(Instant.parse("2024-09-30T14:00:00Z"), "watch", "--symbols", "AAPL", "--every", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("--every 'soon' must be a duration like 30s, 5m or 1h");
    }
}

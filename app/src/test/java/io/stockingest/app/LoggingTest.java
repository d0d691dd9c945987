package io.stockingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --log-format json}, {@code --quiet} and {@code --verbose} on a real {@code prices} run (local Yahoo → local lake). */
class LoggingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FixtureServer yahoo = new FixtureServer();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path work;

    @BeforeEach
    void serve() {
        yahoo.on("/v8/finance/chart/AAPL", Reply.json(200, PricesCommandTest.fixture("chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json")));
    }

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

    private static List<String> lines(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void jsonFormatWritesOneObjectALineOnBothStreams() throws Exception {
        assertThat(run("prices", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06", "--log-format", "json")).isZero();
        assertThat(lines(err)).isNotEmpty().allSatisfy(line -> {
            JsonNode json = JSON.readTree(line);
            assertThat(json.get("level").asText()).isIn("info", "warn", "error");
            assertThat(json.get("ts").asText()).isEqualTo("2024-10-01T02:00:00Z");
            assertThat(json.get("msg").asText()).isNotBlank();
        });
        assertThat(lines(err)).anySatisfy(line -> assertThat(JSON.readTree(line).get("msg").asText()).startsWith("progress: 1/1 symbols"));
        JsonNode summary = JSON.readTree(lines(out).getFirst());
        assertThat(lines(out)).hasSize(1);
        assertThat(summary.get("msg").asText()).isEqualTo("run summary");
        assertThat(summary.at("/run/rows_written").asLong()).isEqualTo(49);
        assertThat(summary.at("/run/command").asText()).isEqualTo("prices");
    }

    @Test
    void jsonFormatMakesErrorsJsonTooAndBadValuesAreUsageErrors() throws Exception {
        assertThat(run("--log-format=json", "prices", "--symbols", "AAPL", "--from", "2020-13-01")).isEqualTo(2);
        assertThat(lines(err)).isNotEmpty().allSatisfy(line -> assertThat(JSON.readTree(line).get("level").asText()).isEqualTo("error"));
        assertThat(run("prices", "--symbols", "AAPL", "--log-format", "xml")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--log-format").contains("xml");
    }

    @Test
    void quietPrintsNothingOnSuccessButStillFails() {
        assertThat(run("prices", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06", "--quiet")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(run("-q", "prices", "--symbols", "AAPL", "--from", "2020-13-01")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("stock-ingest: ").contains("2020-13-01");
    }

    @Test
    void formatsSlf4jLinesWithTheirOwnLevelAndLogger() {
        LogStyle verboseJson = new LogStyle(LogStyle.Format.JSON, LogStyle.Level.DEBUG);
        FakeTicker clock = new FakeTicker(Instant.parse("2024-10-01T02:00:00.123456Z"));
        assertThat(LogOutput.format("DEBUG io.stockingest.core.http.RetryingTransport - Retrying GET x after 503 (attempt 2/5)", verboseJson, clock))
                .isEqualTo("{\"ts\":\"2024-10-01T02:00:00.123Z\",\"level\":\"debug\",\"logger\":\"io.stockingest.core.http.RetryingTransport\","
                        + "\"msg\":\"Retrying GET x after 503 (attempt 2/5)\"}");
        assertThat(LogOutput.format("DEBUG io.stockingest.x - hidden", LogStyle.DEFAULT, clock)).isNull();
        assertThat(LogOutput.format("watch: cannot write the run metrics to s3", new LogStyle(LogStyle.Format.TEXT, LogStyle.Level.WARN), clock))
                .isEqualTo("watch: cannot write the run metrics to s3");
        assertThat(LogOutput.format("progress: 1/2 symbols", new LogStyle(LogStyle.Format.TEXT, LogStyle.Level.WARN), clock)).isNull();
    }
}

package io.stockingest.app.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.app.Environment;
import io.stockingest.app.Main;
import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve} as a real child process of the fat jar: it answers on loopback, and SIGTERM ends it with 0; bad usage is 2. */
class ServeSignalIT {
    private static final Map<String, String> ENV = Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));

    @Test
    void servesOnLoopbackAndExitsZeroOnSigterm(@TempDir Path work) throws Exception {
        Files.createDirectories(work.resolve("data"));
        try (FatJar serve = FatJar.start(work, ENV, List.of("serve", "--sink", "parquet:data", "--port", "0"))) {
            Pattern url = Pattern.compile("at (http://127\\.0\\.0\\.1:[0-9]+/)");
            serve.await(() -> url.matcher(serve.out()).find(), Duration.ofSeconds(60));
            Matcher m = url.matcher(serve.out());
            assertThat(m.find()).isTrue();
            HttpResponse<String> symbols = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.group(1) + "api/symbols")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(symbols.statusCode()).isEqualTo(200);
            assertThat(symbols.body()).isEqualTo("{\"symbols\":[]}");
            assertThat(serve.err()).as("loopback: no warning").doesNotContain("warning");
            serve.signal("TERM");
            assertThat(serve.waitFor(Duration.ofSeconds(60))).as("exit after SIGTERM; stderr:%n%s", serve.err()).isZero();
            assertThat(serve.out()).contains("stock-ingest serve: stopped");
        }
    }

    @Test
    void aSinkItCannotReadIsBadUsage(@TempDir Path work) throws Exception {
        try (FatJar serve = FatJar.start(work, ENV, List.of("serve", "--sink", "snowflake"))) {
            assertThat(serve.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(serve.err()).contains("serve reads ").contains("parquet:DIR").contains("postgres").contains("it cannot read 'snowflake'");
        }
        try (FatJar serve = FatJar.start(work, ENV, List.of("serve", "--sink", "parquet:missing"))) {
            assertThat(serve.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(serve.err()).contains("No lake at");
        }
    }

    /** The lake is read by DuckDB inside the fat jar (its driver and native library shaded in): a stored bar comes back. */
    @Test
    void readsAStoredLakeThroughTheJarsDuckDb(@TempDir Path work) throws Exception {
        try (FixtureServer yahoo = new FixtureServer(); InputStream chart = ServeSignalIT.class.getResourceAsStream("/yahoo/chart_AAPL_1d_2020-01-01_2020-01-03.json")) {
            yahoo.on("/v8/finance/chart/AAPL", Reply.json(200, new String(chart.readAllBytes(), StandardCharsets.UTF_8)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
            Environment env = new Environment(Map.of("YAHOO_BASE_URL", yahoo.baseUri().toString(), "YAHOO_RATE_LIMIT", "100/sec"), work, print, print,
                    new FakeTicker(Instant.parse("2020-01-04T02:00:00Z")), false);
            assertThat(Main.run(env, "prices", "--symbols", "AAPL", "--from", "2020-01-02", "--to", "2020-01-02", "--sink", "parquet:data"))
                    .as(out.toString(StandardCharsets.UTF_8)).isZero();
        }
        try (FatJar serve = FatJar.start(work, ENV, List.of("serve", "--sink", "parquet:data", "--port", "0"))) {
            Pattern url = Pattern.compile("at (http://127\\.0\\.0\\.1:[0-9]+/)");
            serve.await(() -> url.matcher(serve.out()).find(), Duration.ofSeconds(60));
            Matcher m = url.matcher(serve.out());
            assertThat(m.find()).isTrue();
            HttpResponse<String> prices = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.group(1) + "api/prices/AAPL")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(prices.statusCode()).as(prices.body()).isEqualTo(200);
            assertThat(prices.body()).as("the one session of the recorded chart").contains("\"rows\":[[\"2020-01-02\",74.05999755859375,75.1500015258789,");
            serve.signal("TERM");
            assertThat(serve.waitFor(Duration.ofSeconds(60))).isZero();
        }
    }

    /** {@code --sink iceberg:DIR} is served too (#24): the Iceberg plugin's reader, DuckDB over the planned files, inside the fat jar. */
    @Test
    void readsAStoredIcebergWarehouseThroughTheJar(@TempDir Path work) throws Exception {
        try (FixtureServer yahoo = new FixtureServer(); InputStream chart = ServeSignalIT.class.getResourceAsStream("/yahoo/chart_AAPL_1d_2020-01-01_2020-01-03.json")) {
            yahoo.on("/v8/finance/chart/AAPL", Reply.json(200, new String(chart.readAllBytes(), StandardCharsets.UTF_8)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
            Environment env = new Environment(Map.of("YAHOO_BASE_URL", yahoo.baseUri().toString(), "YAHOO_RATE_LIMIT", "100/sec"), work, print, print,
                    new FakeTicker(Instant.parse("2020-01-04T02:00:00Z")), false);
            assertThat(Main.run(env, "prices", "--symbols", "AAPL", "--from", "2020-01-02", "--to", "2020-01-02", "--sink", "iceberg:ice"))
                    .as(out.toString(StandardCharsets.UTF_8)).isZero();
        }
        try (FatJar serve = FatJar.start(work, ENV, List.of("serve", "--sink", "iceberg:ice", "--port", "0"))) {
            Pattern url = Pattern.compile("at (http://127\\.0\\.0\\.1:[0-9]+/)");
            serve.await(() -> url.matcher(serve.out()).find(), Duration.ofSeconds(60));
            Matcher m = url.matcher(serve.out());
            assertThat(m.find()).isTrue();
            HttpResponse<String> prices = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.group(1) + "api/prices/AAPL")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(prices.statusCode()).as(prices.body()).isEqualTo(200);
            assertThat(prices.body()).as("the one session of the recorded chart").contains("\"rows\":[[\"2020-01-02\",74.05999755859375,75.1500015258789,");
            serve.signal("TERM");
            assertThat(serve.waitFor(Duration.ofSeconds(60))).isZero();
        }
    }
}

package io.stockingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import io.stockingest.core.config.Settings;
import io.stockingest.lake.ParquetFiles;
import io.stockingest.sink.s3.S3Objects;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prices --tickers-path s3://BUCKET/KEY.csv --sink s3://BUCKET/PREFIX} end to end: the tickers file and the
 * lake in a real S3-compatible server (s3proxy on a temporary directory, on 127.0.0.1), Yahoo replayed by a fixture server.
 *
 * <p>The server checks AWS signatures (V4) like S3; the test puts the tickers file and reads objects back through
 * {@link S3Objects} with the same settings as the CLI.
 */
class S3EndToEndTest {
    private final FixtureServer yahoo = new FixtureServer();
    private static final String KEY_ID = "e2e-access-key";
    private static final String SECRET = "e2e-secret-key-0123456789";
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private S3Proxy s3;
    private URI endpoint;

    @TempDir
    Path work;

    @BeforeEach
    void start() throws Exception {
        // the bucket "market" is a directory of the server's file-system store
        Files.createDirectories(work.resolve("s3/market"));
        s3 = S3Proxy.builder().blobStore(new FilesystemNio2BlobStore(work.resolve("s3").toString())).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, KEY_ID, SECRET).ignoreUnknownHeaders(true).build();
        s3.start();
        while (!"STARTED".equals(s3.getState())) {
            Thread.onSpinWait();
        }
        endpoint = URI.create("http://127.0.0.1:" + s3.getPort());
    }

    @AfterEach
    void stop() throws Exception {
        s3.stop();
        yahoo.close();
    }

    private Map<String, String> env() {
        return Map.of("YAHOO_BASE_URL", yahoo.baseUri().toString(), "YAHOO_RATE_LIMIT", "100/sec", "S3_ENDPOINT", endpoint.toString(),
                "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", KEY_ID, "AWS_SECRET_ACCESS_KEY", SECRET);
    }

    private byte[] object(String key) {
        return S3Objects.readBytes("s3://market/" + key, Settings.of(env()));
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        Environment environment = new Environment(new HashMap<>(env()), work, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new FakeTicker(Instant.parse("2024-10-01T02:00:00Z")), false);
        return Main.run(environment, args);
    }

    @Test
    void pricesReadsTheTickersFromS3AndWritesTheLakeToS3() throws Exception {
        yahoo.on("/v8/finance/chart/AAPL", Reply.json(200, PricesCommandTest.fixture("chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json")));
        S3Objects.write("s3://market/config/tickers.csv", "\uFEFFname,symbol\nApple,aapl\n# a comment\nApple again,AAPL\n".getBytes(StandardCharsets.UTF_8),
                Settings.of(env()));
        String[] args = {"prices", "--tickers-path", "s3://market/config/tickers.csv", "--from", "2020-08-31", "--to", "2020-11-06",
                "--sink", "s3://market/lake"};

        assertThat(run(args)).as(err.toString()).isZero();

        assertThat(out.toString()).contains("symbols   1 requested, 1 succeeded, 0 failed").contains("files     49 written, 0 skipped");
        assertThat(yahoo.requests()).hasSize(1);
        String key = "lake/raw/prices/symbol=AAPL/year=2020/month=08/AAPL-2020-08-31.parquet";
        byte[] first = object(key);
        assertThat(ParquetFiles.readRows(first)).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("symbol", "AAPL").containsEntry("date", LocalDate.of(2020, 8, 31))
                .containsEntry("open", 127.58000183105469).containsEntry("close", 129.0399932861328)
                .containsEntry("adj_close", 125.82673645019531).containsEntry("volume", 225702700L).containsEntry("source", "yahoo"));
        Matcher runId = Pattern.compile("^run (\\d+-[0-9a-f]{4}) ").matcher(out.toString());
        assertThat(runId.find()).as("run id in %s", out).isTrue();
        assertThat(new String(object("lake/logs/ingest/date=2024-10-01/run-" + runId.group(1) + ".json"), StandardCharsets.UTF_8))
                .contains("\"files_written\" : 49");

        assertThat(run(args)).isZero();
        // a rerun plans from what the lake holds (one listing): nothing is missing, so nothing is fetched or written
        assertThat(out.toString()).contains("requests  0 ").contains("49 sessions already stored").contains("files     0 written");
        assertThat(run(args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7], args[8], "--force")).isZero();
        assertThat(out.toString()).contains("files     49 written, 0 skipped");
        assertThat(object(key)).as("a forced rerun writes the same bytes").isEqualTo(first);
    }

    @Test
    void aMissingTickersObjectIsOneLineAndExit2BeforeAnyRequest() {
        assertThat(run("prices", "--tickers-path", "s3://market/config/nope.csv", "--from", "2020-08-31", "--to", "2020-11-06",
                "--sink", "s3://market/lake")).isEqualTo(2);
        assertThat(err.toString()).startsWith("stock-ingest: ").contains("s3://market/config/nope.csv").contains("no such object");
        assertThat(yahoo.requests()).isEmpty();
    }
}

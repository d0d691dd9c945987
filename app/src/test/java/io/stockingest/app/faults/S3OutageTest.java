package io.stockingest.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.testkit.FixtureServer.Reply;
import io.stockingest.sink.s3.S3TestServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real CLI (in-process) writing daily files into an S3 lake on s3proxy through an {@link S3Gate}: the server stops
 * after an exact number of PUTs (the next one cut mid-body), or answers 503 SlowDown to some PUTs. Each case compares
 * the bucket with a clean run's bucket, object by object and row by row ({@code ingest_ts} aside).
 */
class S3OutageTest {
    /** 4 symbols × 10 sessions = 40 daily files; MAX_WORKERS=1 and S3_MAX_CONCURRENCY=1 write them one after the other. */
    private static final List<String> SYMBOLS = List.of("SA", "SB", "SC", "SD");
    private static final String PREFIX = "lake/raw/prices/";

    @TempDir
    Path work;
    private Cli cli;

    @BeforeEach
    void start() {
        cli = new Cli(work);
        String body = Cli.resource("yahoo/chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json");
        SYMBOLS.forEach(symbol -> cli.server.on("/v8/finance/chart/" + symbol, Reply.json(200, body)));
    }

    @AfterEach
    void stop() {
        try {
            cli.assertNoSecretLeaked();
            assertThat(cli.both()).doesNotContain(S3TestServer.SECRET_KEY);
        } finally {
            cli.close();
        }
    }

    private int run(java.net.URI endpoint, String bucket) {
        Map<String, String> env = new HashMap<>(S3TestServer.env(endpoint));
        env.put("MAX_WORKERS", "1");
        env.put("S3_MAX_ATTEMPTS", "3");
        env.put("S3_MAX_CONCURRENCY", "1"); // one upload at a time, so that "the server stops after PUT n" is exact
        // --no-features: the PUT counts below are price files (the lake's feature files are covered in sink-s3)
        return cli.run(env, "prices", "--symbols", String.join(",", SYMBOLS), "--from", "2020-10-01", "--to", "2020-10-14",
                "--sink", "s3://" + bucket + "/lake", "--metrics-out", "m.json", "--no-features");
    }

    private Map<String, List<Map<String, Object>>> cleanRun() {
        String bucket = S3TestServer.newBucket();
        assertThat(run(S3TestServer.endpoint(), bucket)).as(cli.both()).isZero();
        Map<String, List<Map<String, Object>>> objects = S3TestServer.parquetObjects(bucket, PREFIX);
        assertThat(objects).hasSize(40);
        assertThat(objects.get("symbol=SA/year=2020/month=10/SA-2020-10-01.parquet")).singleElement()
                .satisfies(row -> assertThat(row).containsEntry("close", 116.79000091552734).containsEntry("volume", 116120400L));
        return objects;
    }

    @Test
    void s3StoppingMidRunFailsTheAffectedSymbolsExit1LeavesNothingHalfWrittenAndTheRerunCompletesThem() throws Exception {
        Map<String, List<Map<String, Object>>> clean = cleanRun();
        String bucket = S3TestServer.newBucket();
        try (S3Gate gate = new S3Gate(S3TestServer.endpoint(), 1 + 15, S3Gate.Mode.STOP)) {
            // the sink check's probe, SA's 10 files and 5 of SB's pass; the 17th PUT is cut mid-body and the server is gone from then on
            assertThat(run(gate.endpoint(), bucket)).as(cli.both()).isEqualTo(1);
            assertThat(gate.refused()).as("the client retried the stopped server").isGreaterThanOrEqualTo(3);
            assertThat(cli.out()).contains("SB: ").contains("SC: ").contains("SD: ").contains("s3://" + bucket + "/lake");
            RunReport m = cli.metrics("m.json");
            assertThat(m.exitCode()).isEqualTo(1);
            assertThat(m.symbolsSucceeded()).isEqualTo(1);
            assertThat(m.symbolsFailed()).isEqualTo(3);
            assertThat(m.filesWritten()).as("the summary counts every object stored, those of failed batches too (issue 17 item 3)").isEqualTo(15);

            Map<String, List<Map<String, Object>>> partial = S3TestServer.parquetObjects(bucket, PREFIX); // every object parses: none is partial
            assertThat(partial).as("exactly the PUTs that got through").hasSize(15);
            partial.forEach((key, rows) -> assertThat(rows).as(key).isEqualTo(clean.get(key)));
            assertThat(partial.keySet()).filteredOn(k -> k.startsWith("symbol=SA/")).hasSize(10);
            assertThat(S3TestServer.keys(bucket)).as("no temporary or stray object").allMatch(k -> k.startsWith(PREFIX) || k.startsWith("lake/logs/"));
            assertThat(S3TestServer.pendingUploads(bucket)).as("no multipart upload left open").isZero();

            gate.up();
            assertThat(run(gate.endpoint(), bucket)).as(cli.both()).isZero();
            assertThat(cli.out()).as("the rerun fetches only what the outage left out").contains("15 sessions already stored");
            assertThat(S3TestServer.parquetObjects(bucket, PREFIX)).isEqualTo(clean);
            assertThat(S3TestServer.pendingUploads(bucket)).isZero();
        }
    }

    @Test
    void s3AnsweringSlowDownToSomePutsIsRetriedAndTheRunSucceeds() throws Exception {
        Map<String, List<Map<String, Object>>> clean = cleanRun();
        String bucket = S3TestServer.newBucket();
        try (S3Gate gate = new S3Gate(S3TestServer.endpoint(), Integer.MAX_VALUE, S3Gate.Mode.STOP)) {
            gate.failPuts(2); // the first PUT (the sink check's probe) is refused twice, its third attempt (S3_MAX_ATTEMPTS=3) passes
            assertThat(run(gate.endpoint(), bucket)).as(cli.both()).isZero();
            assertThat(gate.slowDowns()).isEqualTo(2);
            assertThat(S3TestServer.parquetObjects(bucket, PREFIX)).isEqualTo(clean);
            assertThat(cli.metrics("m.json").rowsWritten()).isEqualTo(40);
        }
    }
}

package io.stockingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.app.Environment;
import io.stockingest.app.Main;
import io.stockingest.core.http.Ticker;
import io.stockingest.sink.s3.S3ClientFactory;
import io.stockingest.sink.s3.S3Config;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 rerun scenarios' premise at a small scale: an object seeded into {@link BenchS3}'s filesystem blob store by a
 * hard link is listed, read and planned from exactly like one the CLI wrote with a PUT.
 */
class BenchS3Test {
    private static final LocalDate FROM = LocalDate.parse("2024-07-01");
    private static final LocalDate TO = LocalDate.parse("2024-07-12");

    @TempDir
    Path work;

    @Test
    void aHardLinkedObjectIsListedAndServedAsTheObjectItNamesAndARerunOfSuchALakeAsksTheProviderNothing() throws Exception {
        try (SyntheticProvider provider = SyntheticProvider.start(Optional.empty(), Duration.ZERO);
                BenchS3 s3 = BenchS3.start(Files.createDirectory(work.resolve("s3")))) {
            String bucket = s3.createBucket("bench");
            StringBuilder out = new StringBuilder();
            assertThat(cli(provider, s3, out, "prices", "--source", "fmp", "--symbols", "AAA", "--from", "2024-07-08", "--to", "2024-07-08",
                    "--sink", "s3://bench/seed")).as("the seed run: %s", out).isZero();
            byte[] template = Files.readAllBytes(Stored.only(s3.objectPath(bucket, "seed/raw/prices")));
            List<String> symbols = List.of("AAA", "AAB");
            List<LocalDate> sessions = SyntheticProvider.sessions(FROM, TO);
            assertThat(sessions).as("July 4 is no session").hasSize(9);

            long links = Stored.linkDailyLake(s3.objectPath(bucket, "lake"), symbols, sessions,
                    n -> s3.put(bucket, "templates/template-" + n + ".parquet", template));

            assertThat(links).isEqualTo(18);
            try (S3Client client = S3ClientFactory.create(S3Config.from("s3://bench/lake", s3.settings()), s3.settings())) {
                String templateETag = client.headObject(r -> r.bucket(bucket).key("templates/template-0.parquet")).eTag();
                List<S3Object> listed = client.listObjectsV2Paginator(r -> r.bucket(bucket).prefix("lake/raw/prices/symbol=AAB/")).contents()
                        .stream().toList();
                assertThat(listed).extracting(S3Object::key)
                        .containsExactlyElementsOf(sessions.stream().map(d -> "lake/" + Stored.dailyKey("AAB", d)).toList());
                assertThat(listed).extracting(S3Object::eTag).containsOnly(templateETag);
                assertThat(listed).extracting(S3Object::size).containsOnly((long) template.length);
                String key = "lake/" + Stored.dailyKey("AAB", sessions.getLast());
                assertThat(client.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray()).isEqualTo(template);
            }

            long requestsBefore = provider.requests();
            long s3Before = s3.requests();
            Map<String, Long> callsBefore = s3.operations();
            out.setLength(0);
            int rerun = cli(provider, s3, out, "prices", "--source", "fmp", "--symbols", "AAA,AAB", "--from", FROM.toString(), "--to", TO.toString(),
                    "--sink", "s3://bench/lake");

            assertThat(rerun).as("the rerun: %s", out).isZero();
            assertThat(provider.requests() - requestsBefore).isZero();
            assertThat(out.toString()).contains("18 sessions already stored");
            assertThat(s3.requests() - s3Before).as("the server counts the rerun's requests").isPositive();
            assertThat(s3.operations().get("list") - callsBefore.getOrDefault("list", 0L)).as("a bar listing and a checked listing per symbol")
                    .isGreaterThanOrEqualTo(4);
            out.setLength(0);
            assertThat(cli(provider, s3, out, "coverage", "--symbols", "AAA,AAB", "--from", FROM.toString(), "--to", TO.toString(),
                    "--sink", "s3://bench/lake", "--format", "csv")).as("coverage: %s", out).isZero();
        }
    }

    /** One in-process run of the CLI against the synthetic FMP and the S3 server, its stdout appended to {@code out}. */
    private int cli(SyntheticProvider provider, BenchS3 s3, StringBuilder out, String... args) {
        Map<String, String> vars = new HashMap<>(s3.env());
        vars.put("FMP_API_KEY", "synthetic-bench-key");
        vars.put("FMP_BASE_URL", provider.baseUri().toString());
        vars.put("FMP_PLAN", "ultimate");
        vars.put("FMP_USAGE_FILE", work.resolve("fmp-usage.txt").toString());
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int exit = Main.run(new Environment(vars, work, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8), Ticker.SYSTEM, false), args);
        out.append(stdout.toString(StandardCharsets.UTF_8)).append(stderr.toString(StandardCharsets.UTF_8));
        return exit;
    }
}

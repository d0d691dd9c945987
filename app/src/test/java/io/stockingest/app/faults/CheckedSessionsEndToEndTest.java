package io.stockingest.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.metrics.RunReport;
import io.stockingest.sink.postgres.testkit.PostgresTestServer;
import io.stockingest.sink.s3.S3TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 19, checked sessions, through the CLI against FMP's shape on 127.0.0.1: a session with no bar (a halt) is
 * asked once, not on every rerun; a row quarantined once is not quarantined again by a rerun; {@code --recheck} asks
 * again; {@code coverage} counts them. The same for a local lake, an S3 lake (the S3 test server) and PostgreSQL.
 *
 * <p>The range 2024-06-24..2024-07-12 has 14 NYSE sessions; the synthetic provider answers a bar for every weekday,
 * so Independence Day (Thursday 2024-07-04) comes back as a bar on no session and is quarantined
 * ({@code not_a_session}); AAA has no bar on 2024-07-09 (halted). The runs' clock is 2024-10-01: all settled.
 */
class CheckedSessionsEndToEndTest {
    private static final String[] RANGE = {"--from", "2024-06-24", "--to", "2024-07-12"};

    @TempDir
    Path work;

    private record Target(Map<String, String> env, List<String> sinkArgs) {}

    private static Target target(String kind) {
        return switch (kind) {
            case "lake" -> new Target(Map.of(), List.of());
            case "s3" -> new Target(S3TestServer.env(S3TestServer.endpoint()), List.of("--sink", "s3://" + S3TestServer.newBucket() + "/lake"));
            case "postgres" -> new Target(Map.of("DATABASE_URL", "postgresql://postgres:pw@127.0.0.1:" + PostgresTestServer.port() + "/postgres"),
                    List.of("--sink", "postgres", "--pg-schema", PostgresTestServer.freshSchema()));
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static String[] args(Target target, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(target.sinkArgs());
        return all.toArray(String[]::new);
    }

    private static String[] prices(Target target, String... more) {
        List<String> all = new ArrayList<>(List.of("prices", "--source", "fmp", "--symbols", "AAA,BBB", "--metrics-out", "run.json"));
        all.addAll(List.of(RANGE));
        all.addAll(List.of(more));
        return args(target, all.toArray(String[]::new));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lake", "s3", "postgres"})
    void aHaltIsAskedOnceAndARerunQuarantinesNothingAgain(String kind) {
        Target target = target(kind);
        try (SyntheticFmp fmp = new SyntheticFmp(Set.of(), Set.of("AAA 2024-07-09")); Cli cli = new Cli(work)) {
            Map<String, String> env = new HashMap<>(fmp.env());
            env.putAll(target.env());

            assertThat(cli.run(env, prices(target))).as(cli.both()).isZero();
            RunReport first = cli.metrics("run.json");
            assertThat(fmp.asked()).containsExactlyInAnyOrder("AAA 2024-06-24..2024-07-12", "BBB 2024-06-24..2024-07-12");
            assertThat(first.rowsQuarantined()).as("each symbol's Independence Day bar").isEqualTo(2);

            assertThat(cli.run(env, prices(target))).as(cli.both()).isZero();
            RunReport rerun = cli.metrics("run.json");
            assertThat(fmp.asked()).as("the halt and the quarantined day are recorded as checked: nothing is asked again").hasSize(2);
            assertThat(rerun.requests()).isZero();
            assertThat(rerun.rowsQuarantined()).as("the rerun's quarantine adds nothing").isZero();

            List<String> coverage = new ArrayList<>(List.of("coverage", "--symbols", "AAA,BBB", "--format", "csv"));
            coverage.addAll(List.of(RANGE));
            assertThat(cli.run(env, args(target, coverage.toArray(String[]::new)))).as(cli.both()).isZero();
            assertThat(cli.out().lines().toList()).hasSize(3).satisfies(lines -> {
                assertThat(lines.get(0)).isEqualTo("sink,symbol,expected,stored,checked_empty,quarantined,missing,missing_ranges");
                assertThat(lines.get(1)).as("the halt is checked-empty, not missing").endsWith(",AAA,14,13,1,0,0,");
                assertThat(lines.get(2)).endsWith(",BBB,14,14,0,0,0,");
            });

            assertThat(cli.run(env, prices(target, "--recheck"))).as(cli.both()).isZero();
            assertThat(fmp.asked()).as("--recheck asks for the halted session again, and only for it").hasSize(3)
                    .last().isEqualTo("AAA 2024-07-09..2024-07-09");
            assertThat(cli.metrics("run.json").rowsQuarantined()).isZero();

            assertThat(cli.run(env, prices(target))).as(cli.both()).isZero();
            assertThat(fmp.asked()).as("recorded once more, it is not asked after --recheck either").hasSize(3);
        }
    }

    @Test
    void aRefetchSpanningAQuarantinedDayDoesNotQuarantineItAgain() throws IOException {
        Target lake = target("lake");
        try (SyntheticFmp fmp = new SyntheticFmp(); Cli cli = new Cli(work)) {
            assertThat(cli.run(fmp.env(), prices(lake))).as(cli.both()).isZero();
            assertThat(cli.metrics("run.json").rowsQuarantined()).isEqualTo(2);
            List<String> before = cli.lakeFiles().stream().filter(f -> f.startsWith("raw/")).toList();
            assertThat(before).contains("raw/prices/symbol=AAA/_checked/run-" + cli.metrics("run.json").runId() + ".txt");
            Path month = work.resolve("data/raw/prices/symbol=BBB/year=2024/month=07");
            Files.delete(month.resolve("BBB-2024-07-03.parquet"));
            Files.delete(month.resolve("BBB-2024-07-05.parquet"));

            assertThat(cli.run(fmp.env(), prices(lake))).as(cli.both()).isZero();
            assertThat(fmp.asked()).as("one request over both gaps, Independence Day between them").hasSize(3)
                    .last().isEqualTo("BBB 2024-07-03..2024-07-05");
            assertThat(cli.metrics("run.json").rowsQuarantined()).as("its bar came back and was not quarantined again").isZero();
            assertThat(cli.lakeFiles().stream().filter(f -> f.startsWith("quarantine/"))).hasSize(1);
            assertThat(cli.lakeFiles().stream().filter(f -> f.startsWith("raw/")).toList()).as("the lake is whole again").isEqualTo(before);
        }
    }
}

package io.stockingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against a real PostgreSQL: db migrate, prices into the database and the lake at once, rerun, export. */
class PostgresEndToEndTest {
    private static EmbeddedPostgres pg;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    private int run(FixtureServer yahoo, String... args) {
        out.reset();
        err.reset();
        String url = "postgresql://postgres:pg-secret-pass-9@127.0.0.1:" + pg.getPort() + "/postgres";
        Environment env = new Environment(Map.of("DATABASE_URL", url, "YAHOO_BASE_URL", yahoo.baseUri().toString(), "YAHOO_RATE_LIMIT", "100/sec"),
                work, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new FakeTicker(Instant.parse("2024-10-01T02:00:00Z")), false);
        return Main.run(env, args);
    }

    @Test
    void migratesLoadsRerunsWithoutChangeAndExports() throws Exception {
        try (FixtureServer yahoo = new FixtureServer()) {
            yahoo.on("/v8/finance/chart/AAPL", Reply.json(200, PricesCommandTest.fixture("chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json")));
            assertThat(run(yahoo, "db", "migrate", "--pg-schema", "e2e")).as(err.toString()).isZero();
            assertThat(run(yahoo, "db", "info", "--pg-schema", "e2e")).isZero();
            assertThat(out.toString()).contains("features").contains("Success");

            String[] load = {"prices", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06", "--sink", "postgres", "--sink", "parquet:lake",
                "--pg-schema", "e2e"};
            assertThat(run(yahoo, load)).as(out + "" + err).isZero();
            assertThat(out.toString()).contains("rows      98 written");
            assertThat(run(yahoo, load)).isZero();

            assertThat(run(yahoo, "export", "--table", "prices_daily", "--format", "csv", "--where", "date = '2020-11-06'", "-o", "out.csv",
                    "--pg-schema", "e2e")).as(err.toString()).isZero();
            String csv = Files.readString(work.resolve("out.csv"));
            assertThat(csv.lines().toList()).hasSize(2);
            assertThat(csv).contains("AAPL,2020-11-06,118.31999969482422,119.19999694824219,116.12999725341797,118.69000244140625");

            assertThat(run(yahoo, "export", "--table", "prices_daily", "--where", "1=1; DELETE FROM e2e.prices_daily", "-o", "x.csv",
                    "--pg-schema", "e2e")).isEqualTo(2);
            assertThat(out.toString() + err).doesNotContain("pg-secret-pass-9");
        }
    }
}

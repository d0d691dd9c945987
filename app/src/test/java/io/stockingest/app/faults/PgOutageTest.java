package io.stockingest.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.testkit.FixtureServer.Reply;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL restarted in the middle of a load, through the real CLI (in-process). The test holds an uncommitted
 * row of the third symbol so that its load waits inside its transaction (a point found by pg_stat_activity, not by
 * time), then stops the server (fast shutdown: every session is terminated) and starts it again on the same data
 * directory and port.
 */
class PgOutageTest {
    private static final List<String> SYMBOLS = List.of("SA", "SB", "SC");

    @TempDir
    Path work;
    private EmbeddedPostgres pg;
    private Cli cli;

    @AfterEach
    void stop() throws Exception {
        try {
            cli.assertNoSecretLeaked();
            assertThat(cli.both()).doesNotContain(Db.PASSWORD);
        } finally {
            cli.close();
            if (pg != null) {
                pg.close();
            }
        }
    }

    private EmbeddedPostgres startPg(Path dataDir, int port) throws Exception {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false);
        if (port > 0) {
            builder.setPort(port);
        }
        return builder.start();
    }

    private int run(String schema, String... more) {
        Map<String, String> env = new HashMap<>(Map.of("DATABASE_URL", Db.url(pg.getPort()), "MAX_WORKERS", "1", "PG_BUFFER_ROWS", "0"));
        List<String> args = new java.util.ArrayList<>(List.of("prices", "--symbols", String.join(",", SYMBOLS), "--from", "2020-10-01", "--to", "2020-10-14",
                "--sink", "postgres", "--pg-schema", schema, "--metrics-out", "m.json"));
        args.addAll(List.of(more));
        return cli.run(env, args.toArray(String[]::new));
    }

    @Test
    void postgresRestartedMidLoadRollsThatLoadBackExit1AndTheRerunConvergesToACleanRun() throws Exception {
        Path dataDir = Files.createDirectories(work.resolve("pgdata"));
        pg = startPg(dataDir, 0);
        int port = pg.getPort();
        cli = new Cli(work);
        String body = Cli.resource("yahoo/chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json");
        SYMBOLS.forEach(symbol -> cli.server.on("/v8/finance/chart/" + symbol, Reply.json(200, body)));

        assertThat(run("clean")).as(cli.both()).isZero();
        Map<String, List<Map<String, Object>>> clean = Db.priceTables(port, "clean");
        assertThat(clean.get("prices_daily")).hasSize(30);
        assertThat(clean.get("prices_daily").getFirst()).containsEntry("symbol", "SA").containsEntry("close", 116.79000091552734);

        assertThat(cli.run(Map.of("DATABASE_URL", Db.url(port)), "db", "migrate", "--pg-schema", "restarted")).as(cli.both()).isZero();
        CompletableFuture<Integer> exit;
        try (Connection holder = Db.holdRow(port, "restarted", "SC", "2020-10-07")) {
            exit = CompletableFuture.supplyAsync(() -> run("restarted"));
            Db.awaitBlockedBy(holder); // SA and SB are committed, SC's load waits inside its transaction
            pg.close(); // fast shutdown: the loading session is terminated mid-transaction
        }
        pg = startPg(dataDir, port);
        assertThat(exit.get(120, TimeUnit.SECONDS)).as(cli.both()).isEqualTo(1);
        assertThat(cli.out()).contains("SC: ").contains("rolled back");
        RunReport m = cli.metrics("m.json");
        assertThat(m.symbolsSucceeded()).isEqualTo(2);
        assertThat(m.symbolsFailed()).isEqualTo(1);
        assertThat(Db.priceTables(port, "restarted")).as("SA and SB committed, nothing of SC (nor the test's uncommitted row)")
                .isEqualTo(Db.only(clean, List.of("SA", "SB")));

        assertThat(run("restarted")).as(cli.both()).isZero();
        assertThat(Db.priceTables(port, "restarted")).isEqualTo(clean);
    }
}

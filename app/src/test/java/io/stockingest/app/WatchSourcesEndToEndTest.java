package io.stockingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.config.Settings;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import io.stockingest.sink.postgres.PostgresSinkFactory;
import io.stockingest.sink.s3.ParquetFiles;
import io.stockingest.sink.s3.S3Objects;
import io.stockingest.sink.postgres.testkit.PostgresTestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code watch --source polygon|fmp} end to end on a fake clock: a local server replays the recorded snapshot and
 * quote bodies, quotes land in the lake and in PostgreSQL, and one watch per lake/database.
 */
class WatchSourcesEndToEndTest {
    /** Monday 2024-09-30 15:50 New York: ten polls at 60 s before the close. */
    private static final Instant TEN_MINUTES_BEFORE_CLOSE = Instant.parse("2024-09-30T19:50:00Z");
    private static final String SNAPSHOT = "/v2/snapshot/locale/us/markets/stocks/tickers";
    private static final String KEY = "pk_watch_e2e_key_0f1e2d3c";
    private static final String DB = PostgresTestServer.createDatabase();
    private final FixtureServer server = new FixtureServer();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path work;

    @AfterEach
    void stop() {
        server.close();
    }

    private static String databaseUrl() {
        return "postgresql://postgres:pg-watch-pass-7@127.0.0.1:" + PostgresTestServer.port() + "/" + DB;
    }

    private Map<String, String> variables() {
        Map<String, String> vars = new HashMap<>();
        vars.put("POLYGON_API_KEY", KEY);
        vars.put("POLYGON_BASE_URL", server.baseUri().toString());
        vars.put("POLYGON_RATE_LIMIT", "100/sec");
        vars.put("FMP_API_KEY", KEY);
        vars.put("FMP_BASE_URL", server.baseUri().toString());
        vars.put("FMP_RATE_LIMIT", "100/sec");
        vars.put("FMP_PLAN", "starter");
        vars.put("DATABASE_URL", databaseUrl());
        vars.putAll(s3Variables);
        return vars;
    }

    /** S3 settings of the test that starts s3proxy; empty otherwise. */
    private final Map<String, String> s3Variables = new HashMap<>();

    private int run(String... args) {
        out.reset();
        err.reset();
        Environment env = new Environment(variables(), work, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new FakeTicker(TEN_MINUTES_BEFORE_CLOSE), false);
        return Main.run(env, args);
    }

    static String fixture(String path) {
        try (InputStream in = WatchSourcesEndToEndTest.class.getResourceAsStream("/" + path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String quoteRows(String schema) throws Exception {
        try (Connection c = DriverManager.getConnection(PostgresTestServer.jdbcUrl(DB)); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT symbol, ts, price, bid, ask, volume, day_open, day_high, day_low, previous_close, source FROM "
                        + schema + ".quotes ORDER BY symbol, ts")) {
            StringBuilder rows = new StringBuilder();
            while (rs.next()) {
                for (int i = 1; i <= 11; i++) {
                    rows.append(i > 1 ? "|" : "").append(i == 2 ? rs.getTimestamp(i).toInstant() : rs.getString(i));
                }
                rows.append('\n');
            }
            return rows.toString();
        }
    }

    @Test
    void polygonSnapshotsArePolledUntilTheCloseIntoLakeQuoteFiles() throws Exception {
        server.on(SNAPSHOT, Reply.json(200, fixture("polygon/snapshot_stocks_tickers.client-python-mock.json")));

        int exit = run("watch", "--source", "polygon", "--symbols", "BCAT,AAPL", "--every", "60s", "--until-close", "--metrics-out", "m.json");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(server.requests()).hasSize(10).allSatisfy(request -> {
            assertThat(FixtureServer.query(request)).containsEntry("tickers", "BCAT,AAPL");
            assertThat(request.query()).doesNotContain(KEY);
        });
        // the recorded snapshot is stamped 2020-11-12 09:54:54.630916600 New York (kept to the µs); ten identical polls keep one row
        Path file = work.resolve("data/raw/quotes/date=2020-11-12/symbol=BCAT/BCAT-2020-11-12-0954.parquet");
        assertThat(ParquetFiles.readRows(Files.readAllBytes(file))).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("symbol", "BCAT").containsEntry("price", 20.506).containsEntry("bid", 20.5).containsEntry("ask", 20.6)
                .containsEntry("volume", 37216L).containsEntry("ts", Instant.parse("2020-11-12T14:54:54.630916Z")));
        assertThat(err.toString()).contains("the market closed; --until-close: stopping");
        assertThat(Files.readString(work.resolve("m.json"))).contains("\"source\" : \"polygon\"").doesNotContain(KEY);
    }

    @Test
    void aPolygonPlanWithoutSnapshotsStopsAtOnceWithExit2() throws Exception {
        server.on(SNAPSHOT, Reply.json(403, fixture("polygon/http403_not_authorized_plan_timeframe.issue313.json")));

        assertThat(run("watch", "--source", "polygon", "--symbols", "AAPL,MSFT", "--until-close", "--metrics-out", "m.json")).isEqualTo(2);

        assertThat(server.requests()).hasSize(1);
        assertThat(err.toString()).contains("Cannot fetch quotes of AAPL,MSFT from polygon: 403 NOT_AUTHORIZED (Your plan doesn't include this data")
                .contains("the plan does not include live quotes for any of the watched symbols, so watch stopped").doesNotContain(KEY);
        assertThat(work.resolve("data/raw/quotes")).doesNotExist();
        assertThat(Files.readString(work.resolve("m.json"))).as("a stopped watch still writes the metrics asked for")
                .contains("\"status\" : \"stopped\"").contains("\"exit_code\" : 2").doesNotContain(KEY);
    }

    @Test
    void fmpQuotesGoIntoPostgresAndTheLake() throws Exception {
        server.on("/stable/quote", Reply.json(200, fixture("fmp/stable_quote_AAPL.json")));

        int exit = run("watch", "--source", "fmp", "--symbols", "AAPL", "--until-close", "--sink", "postgres", "--sink", "parquet:lake",
                "--pg-schema", "watch_fmp");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(server.requests()).hasSize(10);
        assertThat(quoteRows("watch_fmp")).isEqualTo("AAPL|2025-09-23T17:23:02Z|254.86|null|null|32409702|255.875|257.34|254.4|256.08|fmp\n");
        assertThat(work.resolve("lake/raw/quotes/date=2025-09-23/symbol=AAPL/AAPL-2025-09-23-1323.parquet")).exists();
        assertThat(out.toString() + err).doesNotContain("pg-watch-pass-7").doesNotContain(KEY);
    }

    @Test
    void polygonQuotesGoIntoPostgresAndASecondWatchOnTheDatabaseIsRefusedWithTheHolder() throws Exception {
        server.on(SNAPSHOT, Reply.json(200, fixture("polygon/snapshot_stocks_tickers.client-python-mock.json")));
        Settings settings = Settings.of(Map.of("DATABASE_URL", databaseUrl(), "PG_SCHEMA", "watch_pg"));

        assertThat(run("watch", "--source", "polygon", "--symbols", "BCAT", "--until-close", "--sink", databaseUrl(), "--pg-schema", "watch_pg"))
                .as(err.toString()).isZero();
        assertThat(quoteRows("watch_pg")).isEqualTo("BCAT|2020-11-12T14:54:54.630916Z|20.506|20.5|20.6|37216|20.64|20.64|20.506|20.63|polygon\n");

        try (Sink other = new PostgresSinkFactory().create("postgres", settings);
                Sink.InstanceLock held = other.lockInstance("watch", Instant.parse("2024-09-30T13:30:00Z")).orElseThrow()) {
            assertThat(run("watch", "--source", "polygon", "--symbols", "BCAT", "--until-close", "--sink", "postgres", "--pg-schema", "watch_pg"))
                    .isEqualTo(2);
            assertThat(err.toString()).contains("watch is already running (pid " + ProcessHandle.current().pid() + ", since 2024-09-30T13:30:00Z;")
                    .contains("stop it first").doesNotContain("pg-watch-pass-7");
        }
        assertThat(server.requests()).as("the refused watch sent no request").hasSize(10);
    }

    @Test
    void aHolderWhoseDatabaseSessionEndedDoesNotBlock() throws Exception {
        server.on(SNAPSHOT, Reply.json(200, fixture("polygon/snapshot_stocks_tickers.client-python-mock.json")));
        Settings settings = Settings.of(Map.of("DATABASE_URL", databaseUrl(), "PG_SCHEMA", "watch_dead"));
        try (Sink other = new PostgresSinkFactory().create("postgres", settings)) {
            Sink.InstanceLock abandoned = other.lockInstance("watch", Instant.parse("2024-09-30T13:30:00Z")).orElseThrow();
            // the holder's session ends as when its process is killed: the server drops the session and its lock
            try (Connection c = DriverManager.getConnection(PostgresTestServer.jdbcUrl(DB)); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity"
                            + " WHERE application_name LIKE 'stock-ingest watch: pid %'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).isTrue();
            }

            assertThat(run("watch", "--source", "polygon", "--symbols", "BCAT", "--until-close", "--sink", "postgres", "--pg-schema", "watch_dead"))
                    .as(err.toString()).isZero();
            assertThat(quoteRows("watch_dead")).startsWith("BCAT|2020-11-12T14:54:54.630916Z|20.506|");
            abandoned.close();
        }
    }

    @Test
    void aWatchOnAnS3LakeHoldsALeaseThatRefusesASecondWatchAndIsReleasedAtTheEnd() throws Exception {
        server.on(SNAPSHOT, Reply.json(200, fixture("polygon/snapshot_stocks_tickers.client-python-mock.json")));
        Files.createDirectories(work.resolve("s3/market"));
        S3Proxy s3 = S3Proxy.builder().blobStore(new FilesystemNio2BlobStore(work.resolve("s3").toString())).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "watch-access-key", "watch-secret-key-0123456789").ignoreUnknownHeaders(true).build();
        s3.start();
        while (!"STARTED".equals(s3.getState())) {
            Thread.onSpinWait();
        }
        try {
            s3Variables.putAll(Map.of("S3_ENDPOINT", "http://127.0.0.1:" + s3.getPort(), "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "watch-access-key",
                    "AWS_SECRET_ACCESS_KEY", "watch-secret-key-0123456789"));
            Settings settings = Settings.of(variables());

            assertThat(run("watch", "--source", "polygon", "--symbols", "BCAT", "--until-close", "--sink", "s3://market/lake")).as(err.toString()).isZero();
            assertThat(err.toString()).doesNotContain("has no instance lock");
            assertThat(S3Objects.readBytes("s3://market/lake/raw/quotes/date=2020-11-12/symbol=BCAT/BCAT-2020-11-12-0954.parquet", settings)).isNotEmpty();
            assertThat(new String(S3Objects.readBytes("s3://market/lake/.watch.lock", settings), StandardCharsets.UTF_8))
                    .contains("pid=" + ProcessHandle.current().pid()).contains("released=true");
            int requests = server.requests().size();

            // a live lease of a watch on another machine
            S3Objects.write("s3://market/lake/.watch.lock", ("host=other-machine\npid_namespace=pid:[1]\npid=4242\ntoken=theirs\n"
                    + "since=2024-09-30T13:30:00Z\nexpires=2999-01-01T00:00:00Z\nreleased=false\n").getBytes(StandardCharsets.UTF_8), settings);
            assertThat(run("watch", "--source", "polygon", "--symbols", "BCAT", "--until-close", "--sink", "s3://market/lake")).isEqualTo(2);
            assertThat(err.toString()).contains("watch is already running (pid 4242, since 2024-09-30T13:30:00Z; host other-machine, lease until "
                    + "2999-01-01T00:00:00Z) on s3://market/lake; stop it first").doesNotContain("watch-secret-key");
            assertThat(server.requests()).as("the refused watch sent no request").hasSize(requests);
        } finally {
            s3.stop();
        }
    }

    @Test
    void aSecondWatchOnTheSameLakeIsRefusedBeforeAnyRequest() throws Exception {
        server.on(SNAPSHOT, Reply.json(200, fixture("polygon/snapshot_stocks_tickers.client-python-mock.json")));
        try (var held = io.stockingest.sink.s3.LakeInstanceLock.acquire(work.resolve("data"), "watch", Instant.parse("2024-09-30T13:30:00Z"))) {
            assertThat(run("watch", "--source", "polygon", "--symbols", "BCAT")).isEqualTo(2);
        }
        assertThat(err.toString()).contains("watch is already running (pid " + ProcessHandle.current().pid() + ", since 2024-09-30T13:30:00Z) on "
                + work.resolve("data").toAbsolutePath().normalize());
        assertThat(server.requests()).isEmpty();
    }
}

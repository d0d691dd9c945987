package io.stockingest.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.sink.s3.S3TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 17 items 4 and 6 (issue 23's "sinks are checked before the first request"), on the fat jar as a child
 * process: a sink that cannot be written exits 2 naming the problem, and the provider ({@link SyntheticFmp}) has
 * seen no request. The PostgreSQL server asks every user but {@code postgres} for a password (scram-sha-256).
 */
class SinkCheckIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String WRITER_PASSWORD = "writerPASS0xC0FFEE";
    private static EmbeddedPostgres pg;

    @TempDir
    Path work;
    private final SyntheticFmp fmp = new SyntheticFmp();

    @BeforeAll
    static void startPg(@TempDir Path data) throws Exception {
        pg = EmbeddedPostgres.builder().setDataDirectory(data.resolve("pg")).start();
        Files.writeString(data.resolve("pg").resolve("pg_hba.conf"), """
                local all all trust
                host all postgres 127.0.0.1/32 trust
                host all postgres ::1/128 trust
                host all all 127.0.0.1/32 scram-sha-256
                host all all ::1/128 scram-sha-256
                """);
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("SET password_encryption = 'scram-sha-256'");
            for (String user : List.of("writer", "nocreate", "noschema")) {
                st.execute("CREATE ROLE " + user + " LOGIN PASSWORD '" + WRITER_PASSWORD + "'");
            }
            st.execute("GRANT CREATE ON DATABASE postgres TO writer");
            st.execute("CREATE SCHEMA guarded"); // owned by postgres, no USAGE for noschema
            st.execute("SELECT pg_reload_conf()");
        }
    }

    @AfterAll
    static void stopPg() throws IOException {
        if (pg != null) {
            pg.close();
        }
    }

    @AfterEach
    void stop() {
        fmp.close();
    }

    private FatJar.Run prices(Map<String, String> extraEnv, String... sinkArgs) {
        Map<String, String> env = new HashMap<>(fmp.env());
        env.putAll(extraEnv);
        List<String> args = new java.util.ArrayList<>(List.of("prices", "--source", "fmp", "--symbols", "SAA,SAB", "--from", "2024-11-01", "--to",
                "2024-11-04"));
        args.addAll(List.of(sinkArgs));
        return FatJar.run(work, env, TIMEOUT, List.of(), args.toArray(String[]::new));
    }

    private static String url(String user, String password, int port) {
        return "postgresql://" + user + ":" + password + "@127.0.0.1:" + port + "/postgres";
    }

    private void assertRefusedBeforeFetching(FatJar.Run run, String... named) {
        assertThat(run.exit()).as("exit code; it printed: %s", run.both()).isEqualTo(2);
        assertThat(run.err()).as("stderr names the problem").contains(named);
        assertThat(fmp.requests()).as("provider requests before the sink was found unusable; it printed: %s", run.both()).isZero();
        assertThat(run.both()).as("no password, no Flyway banner").doesNotContain(WRITER_PASSWORD).doesNotContain("wrong-password").doesNotContain("Flyway");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "wrong password, writer, wrong-password, guarded_w, the server refused the credentials (SQLState 28P01)",
        "user without CREATE on the database, nocreate, " + WRITER_PASSWORD + ", fresh_n, user nocreate may not create schema fresh_n",
        "user without rights on the schema, noschema, " + WRITER_PASSWORD + ", guarded, user noschema has no rights on schema guarded"})
    void aDatabaseThatCannotBeWrittenExits2BeforeAnyProviderRequest(String why, String user, String password, String schema, String message) {
        FatJar.Run run = prices(Map.of("DATABASE_URL", url(user, password, pg.getPort())), "--sink", "postgres", "--pg-schema", schema);
        assertRefusedBeforeFetching(run, message);
    }

    @Test
    void aWrongDatabasePortExits2BeforeAnyProviderRequest() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        FatJar.Run run = prices(Map.of("DATABASE_URL", url("writer", WRITER_PASSWORD, closed)), "--sink", "postgres");
        assertRefusedBeforeFetching(run, "cannot connect (SQLState 08001)");
    }

    /**
     * The control of the refusals above: the up-front check lets a user with the rights through (it migrates and
     * loads). A check that Flyway's banner stays off stderr was here; it passed on the jar before issue 17 too (commit
     * 708b4b0), so it proved nothing and is gone.
     */
    @Test
    void aUserWithTheRightsPassesTheCheckMigratesAndLoads() throws SQLException {
        FatJar.Run run = prices(Map.of("DATABASE_URL", url("writer", WRITER_PASSWORD, pg.getPort())), "--sink", "postgres", "--pg-schema", "by_writer");
        assertThat(run.exit()).as("exit code; it printed: %s", run.both()).isZero();
        assertThat(fmp.requests()).as("provider requests").isPositive();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT count(*) FROM by_writer.prices_daily")) {
            rs.next();
            assertThat(rs.getInt(1)).as("rows loaded by the writer").isEqualTo(4); // 2 symbols x 2 sessions (Nov 1 and 4)
        }
    }

    @Test
    void aDateAfterTheLastCompletedSessionExits2BeforeAnyProviderRequest() {
        String later = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(10).toString();
        FatJar.Run run = FatJar.run(work, fmp.env(), TIMEOUT, List.of(), "prices", "--source", "fmp", "--symbols", "SAA", "--to", later, "--sink", "parquet:lake");
        assertRefusedBeforeFetching(run, "--to " + later + " is after the last completed session");
        assertThat(work).as("nothing written").isDirectoryNotContaining("glob:**/raw");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"parquet:/proc/x, proc file system", "parquet:, give a directory"})
    void aLakeThatIsNoDirectoryForDataExits2BeforeAnyProviderRequest(String sink, String message) {
        FatJar.Run run = prices(Map.of(), "--sink", sink);
        assertRefusedBeforeFetching(run, message);
        assertThat(work).as("nothing written to the working directory").isDirectoryNotContaining("glob:**/raw");
    }

    @Test
    void aMissingBucketExits2BeforeAnyProviderRequest() {
        FatJar.Run run = prices(S3TestServer.env(S3TestServer.endpoint()), "--sink", "s3://no-such-bucket-17/lake");
        assertRefusedBeforeFetching(run, "s3://no-such-bucket-17", "cannot be written", "NoSuchBucket");
    }

    @Test
    void anIcebergCatalogThatRefusesTheCredentialsExits2BeforeAnyProviderRequest() {
        FatJar.Run run = prices(Map.of("ICEBERG_CATALOG_URI", "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres", "ICEBERG_CATALOG_USER", "writer",
                "ICEBERG_CATALOG_PASSWORD", "wrong-password", "ICEBERG_WAREHOUSE", work.resolve("warehouse").toString()), "--sink", "iceberg");
        assertRefusedBeforeFetching(run, "Iceberg catalog", "password authentication failed");
    }

    @Test
    void anIcebergWarehouseInAMissingBucketExits2BeforeAnyProviderRequest() {
        Map<String, String> env = new HashMap<>(S3TestServer.env(S3TestServer.endpoint()));
        env.putAll(Map.of("ICEBERG_CATALOG_URI", "jdbc:sqlite:" + work.resolve("catalog.db"), "ICEBERG_WAREHOUSE", "s3://no-such-bucket-25/warehouse"));
        FatJar.Run run = prices(env, "--sink", "iceberg");
        assertRefusedBeforeFetching(run, "The Iceberg warehouse s3://no-such-bucket-25/warehouse cannot be written",
                "The specified bucket does not exist");
    }

    @Test
    void anIcebergDirectoryThatIsNoDirectoryForDataExits2BeforeAnyProviderRequest() {
        FatJar.Run run = prices(Map.of(), "--sink", "iceberg:/proc/x");
        assertRefusedBeforeFetching(run, "/proc/x");
    }

    /** A directory on a read-only file system: a tmpfs mounted read-only (needs root; skipped where mount is refused). */
    @Test
    void aReadOnlyLakeDirectoryExits2BeforeAnyProviderRequest() throws Exception {
        Path mountPoint = Files.createDirectories(work.resolve("ro"));
        Assumptions.assumeTrue(command("mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", mountPoint.toString()) == 0,
                "mounting a tmpfs needs root");
        try {
            FatJar.Run run = prices(Map.of(), "--sink", "parquet:" + mountPoint.resolve("lake"));
            assertRefusedBeforeFetching(run, "cannot be written", "Read-only file system");
        } finally {
            assertThat(command("umount", mountPoint.toString())).as("umount").isZero();
        }
    }

    static int command(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}

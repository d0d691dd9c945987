package io.stockingest.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresql.PGConnection;

/**
 * {@code stock-ingest-bench postgres} (issue 22): the {@code fullRun} job (1,000 symbols x 5 years from the synthetic
 * FMP server, {@code --backfill}) end to end through the real CLI, one run after another: into yearly lake files
 * (with their feature files), the same again into that lake (a rerun, nothing changed), the same with {@code --no-features}, into an empty PostgreSQL schema with features, the same again (a rerun, nothing
 * changed), into another empty schema with {@code PG_FEATURES=false}; then a plain {@code COPY} (CSV, what psql's
 * {@code \copy} sends) of the same price rows into a table keyed like {@code prices_daily}. The database's extra
 * time is each PostgreSQL run minus a lake run (with features: the lake run with features, and also printed against
 * the one without; without features: the lake run without; the rerun: the lake's rerun); the goals compare it with the plain COPY:
 * at most 2.5x with features (two tables' worth of rows), 1.2x without, 1.0x for the rerun. The server is an embedded PostgreSQL on
 * 127.0.0.1 with default settings.
 */
final class PostgresEndToEnd {
    private PostgresEndToEnd() {}

    static Bench.Figures run() {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            String url = "postgresql://postgres@127.0.0.1:" + pg.getPort() + "/postgres";
            // the lake run with features, then the same job again into the lake it just filled (nothing changed)
            List<Bench.Outcome> lakeRuns = Bench.runRepeated(SyntheticProvider.Options.of(Optional.of(Bench.CLIENT_RATE), Bench.LATENCY), Bench.CLIENT_RATE,
                    Bench.SYMBOLS, Bench.FROM, Bench.TO, Bench.LAKE, Map.of(), 2);
            Bench.Outcome lake = print(lakeRuns.get(0), "lake (with feature files)");
            Bench.Outcome lakeRerun = print(lakeRuns.get(1), "lake, features, rerun");
            Bench.Outcome lakePlain = job(Bench.LAKE, Map.of(Bench.EXTRA_ARGS, "--no-features"), "lake, --no-features");
            Bench.Outcome features = job(url, Map.of("PG_SCHEMA", "bench_features"), "postgres, features");
            Bench.Outcome rerun = job(url, Map.of("PG_SCHEMA", "bench_features"), "postgres, features, rerun");
            Bench.Outcome plain = job(url, Map.of("PG_SCHEMA", "bench_plain", "PG_FEATURES", "false"), "postgres, PG_FEATURES=false");
            String copyLoad = Bench.loadAverage();
            double copy = plainCopy(pg);
            long[] stored;
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                stored = new long[] {count(st, "bench_features.prices_daily"), count(st, "bench_features.price_features"),
                        count(st, "bench_features.price_cumulative_7d"), count(st, "bench_plain.price_features")};
            }
            // features: against the lake run that stores features too (the comparison), and printed against the
            // plain lake run as well; without features and the rerun: against the plain lake run (the stricter one)
            double extraFeatures = features.wallSeconds() - lake.wallSeconds();
            double extraFeaturesOverPlainLake = features.wallSeconds() - lakePlain.wallSeconds();
            double extraPlain = plain.wallSeconds() - lakePlain.wallSeconds();
            // the rerun: against the lake's rerun of the same job (both find everything stored and fetch nothing)
            double extraRerun = rerun.wallSeconds() - lakeRerun.wallSeconds();
            boolean complete = lake.complete() && lakePlain.complete() && features.complete() && rerun.exitCode() == 0 && plain.complete()
                    && lakeRerun.exitCode() == 0 && lakeRerun.serverRequests() == 0 && rerun.serverRequests() == 0
                    && stored[0] == lake.expectedRows() && stored[1] == stored[0] && stored[2] == stored[0] && stored[3] == 0;
            // a PASS needs every figure to be a real measurement: the extra times are positive (a database run that
            // finished before the lake run it is compared with says the runs were disturbed, not that the goal is met)
            String why = verdict(complete, copy, extraFeatures, extraPlain, extraRerun);
            boolean ok = why.equals("goals met");
            return Bench.print("postgres", ok, Bench.ordered(
                    "rows", stored[0] + "/" + lake.expectedRows(), "feature_rows", stored[1] + "+" + stored[2],
                    "lake_s", Bench.f2(lake.wallSeconds()), "lake_no_features_s", Bench.f2(lakePlain.wallSeconds()),
                    "pg_features_s", Bench.f2(features.wallSeconds()),
                    "lake_rerun_s", Bench.f2(lakeRerun.wallSeconds()), "pg_rerun_s", Bench.f2(rerun.wallSeconds()),
                    "extra_rerun_s", Bench.f2(extraRerun), "lake_rerun_cpu_s", Bench.f2(lakeRerun.cpuSeconds()), "pg_rerun_cpu_s", Bench.f2(rerun.cpuSeconds()), "pg_no_features_s", Bench.f2(plain.wallSeconds()), "plain_copy_s", Bench.f2(copy),
                    "extra_features_x_copy", Bench.f2(extraFeatures / copy),
                    "extra_features_over_plain_lake_x_copy", Bench.f2(extraFeaturesOverPlainLake / copy),
                    "extra_no_features_x_copy", Bench.f2(extraPlain / copy),
                    "extra_rerun_x_copy", Bench.f2(extraRerun / copy),
                    "load_avg", lake.loadAverage() + "/" + lakeRerun.loadAverage() + "/" + lakePlain.loadAverage() + "/" + features.loadAverage() + "/" + rerun.loadAverage() + "/" + plain.loadAverage() + "/" + copyLoad,
                    "exit", lake.exitCode() + "/" + lakeRerun.exitCode() + "/" + lakePlain.exitCode() + "/" + features.exitCode() + "/" + rerun.exitCode() + "/" + plain.exitCode(),
                    "verdict", why,
                    "goal", "extra time over the lake run <= 2.5x plain COPY with features, <= 1.2x without; rerun over the lake rerun <= 1.0x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("the benchmark's PostgreSQL failed: " + e.getMessage(), e);
        }
    }

    /**
     * Why the goals are met or not: "goals met" only for complete runs, positive extra times of the two first loads and
     * ratios within the goals (the rerun's extra time over the lake's rerun may be zero or negative).
     */
    static String verdict(boolean complete, double copy, double extraFeatures, double extraPlain, double extraRerun) {
        if (!complete) {
            return "incomplete: a run failed, stored the wrong number of rows, or a rerun asked the provider for something";
        }
        // the rerun is compared with the lake's rerun of the same job (both fetch nothing and write nothing): a PostgreSQL
        // rerun that is not slower meets its goal; a first load that is not slower than its lake run says the runs
        // were disturbed
        if (!(copy > 0) || !(extraFeatures > 0) || !(extraPlain > 0) || Double.isNaN(extraRerun)) {
            return "inconclusive: an extra time is not positive (a PostgreSQL run was not slower than its lake run), rerun on an idle machine";
        }
        List<String> missed = new ArrayList<>();
        if (extraFeatures > 2.5 * copy) {
            missed.add("features " + Bench.f2(extraFeatures / copy) + "x > 2.5x");
        }
        if (extraPlain > 1.2 * copy) {
            missed.add("no features " + Bench.f2(extraPlain / copy) + "x > 1.2x");
        }
        if (extraRerun > 1.0 * copy) {
            missed.add("rerun " + Bench.f2(extraRerun / copy) + "x > 1.0x");
        }
        return missed.isEmpty() ? "goals met" : "missed: " + String.join(", ", missed);
    }

    private static Bench.Outcome job(String sink, Map<String, String> settings, String what) {
        return print(Bench.run(SyntheticProvider.Options.of(Optional.of(Bench.CLIENT_RATE), Bench.LATENCY), Bench.CLIENT_RATE, Bench.SYMBOLS,
                Bench.FROM, Bench.TO, sink, settings), what);
    }

    private static Bench.Outcome print(Bench.Outcome o, String what) {
        System.out.printf(java.util.Locale.ROOT, "  %-30s %7.2f s  rows %d/%d  exit %d  cpu %.2f s  load %s%n", what, o.wallSeconds(), o.rows(),
                o.expectedRows(), o.exitCode(), o.cpuSeconds(), o.loadAverage());
        return o;
    }

    /** Seconds to COPY the stored price rows, as CSV, into an empty table with prices_daily's columns and key. */
    private static double plainCopy(EmbeddedPostgres pg) throws SQLException {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            ByteArrayOutputStream csv = new ByteArrayOutputStream();
            try {
                c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY bench_features.prices_daily TO STDOUT (FORMAT csv)", csv);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            st.execute("CREATE TABLE plain_copy (LIKE bench_features.prices_daily INCLUDING DEFAULTS)");
            st.execute("ALTER TABLE plain_copy ADD PRIMARY KEY (symbol, date)");
            long start = System.nanoTime();
            try {
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY plain_copy FROM STDIN (FORMAT csv)", new ByteArrayInputStream(csv.toByteArray()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(java.util.Locale.ROOT, "  %-30s %7.2f s  rows %d  load %s%n", "plain COPY (csv, keyed table)", seconds,
                    count(st, "plain_copy"), Bench.loadAverage());
            return seconds;
        }
    }

    private static long count(Statement st, String table) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

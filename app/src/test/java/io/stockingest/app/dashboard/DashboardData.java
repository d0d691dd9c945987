package io.stockingest.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.app.Environment;
import io.stockingest.app.Main;
import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import io.stockingest.core.config.Settings;
import io.stockingest.core.spi.SinkReader;
import io.stockingest.serve.DashboardApi;
import io.stockingest.serve.DashboardServer;
import io.stockingest.sink.iceberg.IcebergSinkFactory;
import io.stockingest.sink.postgres.PostgresSinkFactory;
import io.stockingest.sink.postgres.testkit.PostgresTestServer;
import io.stockingest.sink.s3.LakeSinkFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One PostgreSQL sink, one lake and one Iceberg warehouse (embedded catalog) filled by the same real ingests (the CLI against the local fixture server: Yahoo
 * daily bars of AAPL and of an MSFT copy with two broken bars, Yahoo 30-minute TSLA bars, Yahoo actions, a Polygon
 * chain built from the recorded contract, FMP statements built from the recorded one), and a dashboard over each.
 * Made once per test JVM and shared by the dashboard tests; stopped when the JVM exits. The readers come from the sink
 * plugins' {@code ReadOnlyAccess}, as {@code serve} opens them.
 */
final class DashboardData {
    static final String PASSWORD = "pg-dash-secret-7";
    static final String KEY = "dash-provider-key-0091";
    static final LocalDate TODAY = LocalDate.of(2024, 10, 1);

    private static DashboardData instance;

    final Path work;
    final String pg;
    final Path lake;
    final URI pgBase;
    final URI lakeBase;
    final URI icebergBase;

    private DashboardData(Path work, String pg, URI pgBase, URI lakeBase, URI icebergBase) {
        this.work = work;
        this.pg = pg;
        this.lake = work.resolve("lake");
        this.pgBase = pgBase;
        this.lakeBase = lakeBase;
        this.icebergBase = icebergBase;
    }

    static synchronized DashboardData get() {
        if (instance == null) {
            try {
                instance = make();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    private static DashboardData make() throws IOException {
        Path work = Path.of("target", "dashboard-data").toAbsolutePath();
        deleteTree(work);
        Files.createDirectories(work);
        String pg = databaseUrl(PostgresTestServer.createDatabase());
        try (FixtureServer provider = new FixtureServer()) {
            String aapl = resource("yahoo/chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json");
            provider.on("/v8/finance/chart/AAPL", Reply.json(200, aapl));
            provider.on("/v8/finance/chart/MSFT", Reply.json(200, brokenCopy(aapl)));
            provider.on("/v8/finance/chart/TSLA", Reply.json(200, resource("yahoo/chart_TSLA_30m_2021-11-22_includePrePost_true.json")));
            provider.on("/v3/snapshot/options/AAPL", Reply.json(200, chain(resource("polygon/options_snapshot_chain_AAPL.client-python-mock.json"))));
            provider.on("/stable/income-statement", Reply.json(200, statements(resource("fmp/stable_income-statement_AAPL_annual_limit1.json"))));
            Instant evening = Instant.parse("2020-11-10T02:00:00Z");
            String[] sinks = {"--sink", "postgres", "--sink", "parquet:lake", "--sink", "iceberg:ice"};
            cli(pg, provider, work, evening, 0, "db", "migrate");
            cli(pg, provider, work, evening, 0, with(sinks, "prices", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06"));
            cli(pg, provider, work, evening, 0, with(sinks, "prices", "--symbols", "MSFT", "--from", "2020-08-31", "--to", "2020-11-06"));
            cli(pg, provider, work, Instant.parse("2021-11-23T02:00:00Z"), 0,
                    with(sinks, "prices", "--symbols", "TSLA", "--interval", "30m", "--from", "2021-11-22", "--to", "2021-11-22"));
            cli(pg, provider, work, evening, 0, with(sinks, "actions", "--symbols", "AAPL", "--from", "2020-08-01", "--to", "2020-11-07"));
            cli(pg, provider, work, evening, 0, with(sinks, "options", "--source", "polygon", "--underlying", "AAPL"));
            cli(pg, provider, work, evening, 0, with(sinks, "fundamentals", "--source", "fmp", "--symbols", "AAPL", "--statements", "income",
                    "--limit", "4"));
        }
        Path lake = work.resolve("lake");
        SinkReader pgReader = new PostgresSinkFactory().openReader("postgres", Settings.of(Map.of("DATABASE_URL", pg)));
        SinkReader lakeReader = new LakeSinkFactory().openReader("parquet:" + lake, Settings.of(Map.of()));
        SinkReader icebergReader = new IcebergSinkFactory().openReader("iceberg:" + work.resolve("ice"), Settings.of(Map.of()));
        DashboardServer pgServer = DashboardServer.start(new DashboardApi(pgReader, TODAY), InetAddress.getLoopbackAddress(), 0);
        DashboardServer lakeServer = DashboardServer.start(new DashboardApi(lakeReader, TODAY), InetAddress.getLoopbackAddress(), 0);
        DashboardServer icebergServer = DashboardServer.start(new DashboardApi(icebergReader, TODAY), InetAddress.getLoopbackAddress(), 0);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            pgServer.close();
            lakeServer.close();
            icebergServer.close();
            pgReader.close();
            lakeReader.close();
            icebergReader.close();
        }));
        return new DashboardData(work, pg, base(pgServer), base(lakeServer), base(icebergServer));
    }

    static URI base(DashboardServer server) {
        return URI.create("http://127.0.0.1:" + server.port() + "/");
    }

    /**
     * Runs the CLI in this data's folder against its sinks (read-only commands: {@code coverage}); returns what it
     * printed. An {@code exit} below 0 accepts 0 and 1.
     */
    String run(int exit, String... args) {
        return cli(pg, null, work, Instant.parse("2024-10-01T12:00:00Z"), exit, args);
    }

    private static String[] with(String[] sinks, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(sinks));
        return all.toArray(String[]::new);
    }

    /** The test server's database, with a password in the URL that no answer may show (the server trusts loopback). */
    static String databaseUrl(String database) {
        return "postgresql://postgres:" + PASSWORD + "@127.0.0.1:" + PostgresTestServer.port() + "/" + database;
    }

    /** Runs the CLI in {@code work} with {@code now} as its clock and {@code provider} (may be null) as every provider; returns its output. */
    static String cli(String pg, FixtureServer provider, Path work, Instant now, int exit, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", pg);
        for (String p : List.of("YAHOO", "POLYGON", "FMP")) {
            env.put(p + "_BASE_URL", provider == null ? "http://127.0.0.1:9/" : provider.baseUri().toString());
            env.put(p + "_RATE_LIMIT", "100/sec");
        }
        env.put("POLYGON_API_KEY", KEY);
        env.put("FMP_API_KEY", KEY);
        env.put("FMP_PLAN", "ultimate");
        env.put("FMP_USAGE_FILE", work.resolve("fmp-usage.txt").toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Environment environment = new Environment(env, work, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8), new FakeTicker(now), false);
        int got = Main.run(environment, args);
        if (exit >= 0) {
            assertThat(got).as(String.join(" ", args) + ":\n" + out).isEqualTo(exit);
        } else {
            assertThat(got).as(String.join(" ", args) + ":\n" + out).isIn(0, 1);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static String resource(String name) {
        try (InputStream in = DashboardData.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The AAPL chart as MSFT, with two bars' highs under their lows (2020-09-16 and 2020-10-01), which quarantine takes. */
    static String brokenCopy(String aapl) {
        String msft = aapl.replace("\"symbol\": \"AAPL\"", "\"symbol\": \"MSFT\"");
        int highs = msft.indexOf("\"high\"");
        assertThat(highs).as("the fixture has highs").isPositive();
        int open = msft.indexOf('[', highs);
        int close = msft.indexOf(']', open);
        String[] values = msft.substring(open + 1, close).split(",");
        values[11] = "1.0"; // 2020-09-16
        values[22] = "2.0"; // 2020-10-01
        return msft.substring(0, open + 1) + String.join(",", values) + msft.substring(close);
    }

    /**
     * A chain of two expirations x five strikes, calls and puts, made from the recorded contract (its fields and
     * values, strikes and greeks varied), snapshot on 2020-11-06 so the stock's close stands beside it.
     */
    private static String chain(String recorded) {
        int start = recorded.indexOf('{', recorded.indexOf("\"results\""));
        int end = recorded.lastIndexOf("\"status\"");
        String contract = recorded.substring(start, recorded.lastIndexOf(']', end));
        long nanos = Instant.parse("2020-11-06T20:00:00Z").getEpochSecond() * 1_000_000_000L;
        List<String> results = new ArrayList<>();
        for (String expiration : List.of("2020-11-20", "2020-12-18")) {
            for (int strike = 110; strike <= 130; strike += 5) {
                for (String type : List.of("call", "put")) {
                    double moneyness = (type.equals("call") ? 118.69 - strike : strike - 118.69);
                    double delta = (type.equals("call") ? 1 : -1) * (0.5 + Math.max(-0.45, Math.min(0.45, moneyness / 25)));
                    double iv = 0.30 + Math.abs(strike - 120) / 100.0 + (expiration.startsWith("2020-12") ? 0.02 : 0);
                    double mid = Math.max(0.05, moneyness) + 2.5;
                    String ticker = String.format("O:AAPL%s%s%08d", expiration.substring(2).replace("-", ""), type.equals("call") ? "C" : "P", strike * 1000);
                    results.add(contract
                            .replace("\"O:AAPL230616C00150000\"", "\"" + ticker + "\"")
                            .replace("\"contract_type\": \"call\"", "\"contract_type\": \"" + type + "\"")
                            .replace("\"expiration_date\": \"2023-06-16\"", "\"expiration_date\": \"" + expiration + "\"")
                            .replace("\"strike_price\": 150", "\"strike_price\": " + strike)
                            .replace("\"delta\": 0.6436614934293701", "\"delta\": " + delta)
                            .replace("\"implied_volatility\": 0.3570277203465058", "\"implied_volatility\": " + iv)
                            .replace("\"bid\": 28.9", "\"bid\": " + round(mid - 0.1))
                            .replace("\"ask\": 29.25", "\"ask\": " + round(mid + 0.1))
                            .replace("\"midpoint\": 29.075", "\"midpoint\": " + round(mid))
                            .replace("\"price\": 159.9606", "\"price\": 118.69")
                            .replaceAll("\"(last_updated|sip_timestamp)\": ?[0-9]+", "\"$1\": " + nanos));
                }
            }
        }
        return recorded.substring(0, start) + String.join(",\n", results) + recorded.substring(recorded.lastIndexOf(']', end));
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** Four fiscal years made from the recorded statement (2021-2024, revenue and net income scaled). */
    private static String statements(String recorded) {
        String one = recorded.substring(recorded.indexOf('{'), recorded.lastIndexOf('}') + 1);
        List<String> years = new ArrayList<>();
        for (int year = 2024; year >= 2021; year--) {
            double scale = 1 - (2024 - year) * 0.06;
            years.add(one.replace("2024-09-28", year + "-09-28").replace("\"fiscalYear\": \"2024\"", "\"fiscalYear\": \"" + year + "\"")
                    .replace("2024-11-01", year + "-11-01")
                    .replace("\"revenue\": 391035000000", "\"revenue\": " + Math.round(391035000000d * scale)));
        }
        return "[\n" + String.join(",\n", years) + "\n]";
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

package io.stockingest.bench;

import io.stockingest.app.Environment;
import io.stockingest.app.Main;
import io.stockingest.core.http.Ticker;
import io.stockingest.core.config.Settings;
import io.stockingest.core.spi.SinkReader;
import io.stockingest.serve.DashboardApi;
import io.stockingest.serve.DashboardServer;
import io.stockingest.sink.postgres.PostgresSinkFactory;
import io.stockingest.sink.s3.LakeSinkFactory;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The {@code dashboard} scenario: 1,000 symbols x 5 years of daily bars (the synthetic FMP provider, the real CLI
 * with {@code --backfill} into a lake and an embedded PostgreSQL at once), then for each sink: one symbol's 5-year
 * series from the API (p95 of 200 requests, after 20 to warm up), the symbol page until its chart is drawn and the
 * coverage heatmap of all 1,000 symbols until drawn, both in headless Chromium (time from navigation start, as the
 * page measures it, p50/max of 5 fresh loads), and the coverage API alone, twice (a lake's first may read what the
 * server's read-ahead, which yields to requests, has not read yet).
 */
final class DashboardBench {
    private static final int REQUESTS = 200;
    private static final int WARM_UP = 20;
    private static final int LOADS = 5;

    private DashboardBench() {}

    /**
     * With {@code BENCH_DASHBOARD_DATA=DIR}, the filled PostgreSQL data directory and lake live in DIR and are kept:
     * a later run with the same DIR skips the fill (it migrates the schema, as {@code db migrate} would, so a newer
     * migration applies), which makes profiling one change a matter of a minute instead of a new fill.
     */
    static List<Bench.Figures> run(int symbols, LocalDate from, LocalDate to) throws Exception {
        String kept = System.getenv().getOrDefault("BENCH_DASHBOARD_DATA", "");
        Path work = kept.isEmpty() ? Files.createTempDirectory("stock-ingest-dashboard-bench") : Files.createDirectories(Path.of(kept).toAbsolutePath());
        boolean filled = !kept.isEmpty() && Files.exists(work.resolve("filled"));
        List<Bench.Figures> rows = new ArrayList<>();
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setServerConfig("shared_buffers", "256MB");
        if (!kept.isEmpty()) {
            builder.setDataDirectory(work.resolve("pgdata")).setCleanDataDirectory(false);
        }
        try (EmbeddedPostgres pg = builder.start();
                SyntheticProvider provider = SyntheticProvider.start(Optional.empty(), Duration.ZERO)) {
            Files.write(work.resolve("tickers.txt"), Bench.symbols(symbols));
            if (filled) {
                cli(pg, provider, work, "db", "migrate", "--sink", "postgres");
                System.out.printf(Locale.ROOT, "dashboard: reusing the fill in %s (BENCH_DASHBOARD_DATA)%n", work);
            } else {
                long fillStart = System.nanoTime();
                cli(pg, provider, work, "prices", "--source", "fmp", "--tickers-path", work.resolve("tickers.txt").toString(), "--from", from.toString(),
                        "--to", to.toString(), "--backfill", "--sink", "parquet:" + work.resolve("lake"), "--sink", "postgres");
                try (var c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres", "postgres", null);
                        var st = c.createStatement()) {
                    st.execute("VACUUM ANALYZE"); // what autovacuum does after a bulk load; index-only scans need the visibility map it sets
                }
                double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
                System.out.printf(Locale.ROOT, "dashboard: filled %d symbols %s..%s into PostgreSQL and a lake in %.1f s%n", symbols, from, to, fillSeconds);
                Files.writeString(work.resolve("filled"), symbols + " " + from + " " + to + "\n");
            }
            LocalDate today = to.plusDays(1);
            Path profile = Files.createTempDirectory("stock-ingest-dashboard-chromium");
            // the readers as serve opens them: each sink plugin's ReadOnlyAccess
            try (SinkReader postgres = new PostgresSinkFactory().openReader("postgres",
                    Settings.of(Map.of("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + pg.getPort() + "/postgres")));
                    SinkReader lake = new LakeSinkFactory().openReader("parquet:" + work.resolve("lake"), Settings.of(Map.of()));
                    Chromium browser = new Chromium(profile)) {
                for (var sink : List.of(Map.entry("postgres", postgres), Map.entry("lake", lake))) {
                    if (!System.getenv().getOrDefault("BENCH_DASHBOARD_SINKS", sink.getKey()).contains(sink.getKey())) {
                        continue;
                    }
                    try (DashboardServer server = DashboardServer.start(new DashboardApi(sink.getValue(), today),
                            InetAddress.getLoopbackAddress(), 0)) {
                        rows.add(measure(sink.getKey(), URI.create("http://127.0.0.1:" + server.port() + "/"), symbols, browser));
                    }
                }
            } finally {
                Bench.deleteTree(profile);
            }
        } finally {
            if (kept.isEmpty()) {
                Bench.deleteTree(work);
            }
        }
        return rows;
    }

    private static void cli(EmbeddedPostgres pg, SyntheticProvider provider, Path work, String... args) {
        Map<String, String> vars = new HashMap<>();
        vars.put("FMP_API_KEY", "synthetic-bench-key");
        vars.put("FMP_BASE_URL", provider.baseUri().toString());
        vars.put("FMP_PLAN", "ultimate");
        vars.put("FMP_RATE_LIMIT", "100000/min");
        vars.put("MAX_WORKERS", "8");
        vars.put("FMP_USAGE_FILE", work.resolve("fmp-usage.txt").toString());
        vars.put("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + pg.getPort() + "/postgres");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Environment env = new Environment(vars, work, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8),
                Ticker.SYSTEM, false);
        int exit = Main.run(env, args);
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", args) + " failed (exit " + exit + "):\n" + out.toString(StandardCharsets.UTF_8));
        }
    }

    private static Bench.Figures measure(String sink, URI base, int symbols, Chromium browser) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<String> names = Bench.symbols(symbols);
        double[] millis = new double[REQUESTS];
        long rows = -1;
        for (int i = -WARM_UP; i < REQUESTS; i++) {
            String symbol = names.get(Math.floorMod(i * 7919, names.size()));
            long start = System.nanoTime();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/api/prices/" + symbol)).build(), HttpResponse.BodyHandlers.ofString());
            long nanos = System.nanoTime() - start;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(sink + " /api/prices/" + symbol + ": " + response.statusCode() + " " + response.body());
            }
            if (i >= 0) {
                millis[i] = nanos / 1e6;
                rows = response.body().split("\\],\\[").length;
            }
        }
        Arrays.sort(millis);
        double p50 = millis[REQUESTS / 2];
        double p95 = millis[(int) Math.ceil(REQUESTS * 0.95) - 1];

        long coverageStart = System.nanoTime();
        HttpResponse<String> coverage = http.send(HttpRequest.newBuilder(base.resolve("/api/coverage")).build(), HttpResponse.BodyHandlers.ofString());
        double coverageApi = (System.nanoTime() - coverageStart) / 1e6;
        if (coverage.statusCode() != 200) {
            throw new IllegalStateException(sink + " /api/coverage: " + coverage.statusCode());
        }
        // the first may read what the read-ahead has not (it yields to the series requests just timed); again, from memory
        long againStart = System.nanoTime();
        http.send(HttpRequest.newBuilder(base.resolve("/api/coverage")).build(), HttpResponse.BodyHandlers.discarding());
        double coverageAgain = (System.nanoTime() - againStart) / 1e6;

        double[] symbolPage = browser.loads(base, "symbol/" + names.get(names.size() / 2));
        double[] coveragePage = browser.loads(base, "coverage");
        boolean ok = p95 <= 50 && symbolPage[symbolPage.length - 1] <= 1500 && coveragePage[coveragePage.length - 1] <= 2000;
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("symbols", symbols);
        values.put("series_rows", rows);
        values.put("api_p50_ms", Bench.f2(p50));
        values.put("api_p95_ms", Bench.f2(p95));
        values.put("api_max_ms", Bench.f2(millis[REQUESTS - 1]));
        values.put("symbol_page_p50_ms", Bench.f2(symbolPage[LOADS / 2]));
        values.put("symbol_page_max_ms", Bench.f2(symbolPage[LOADS - 1]));
        values.put("coverage_api_ms", Bench.f2(coverageApi));
        values.put("coverage_api_again_ms", Bench.f2(coverageAgain));
        values.put("coverage_page_p50_ms", Bench.f2(coveragePage[LOADS / 2]));
        values.put("coverage_page_max_ms", Bench.f2(coveragePage[LOADS - 1]));
        values.put("load_avg", Bench.loadAverage());
        values.put("goal", "api p95<=50ms, symbol page<=1500ms, coverage page<=2000ms (each load)");
        return Bench.print("dashboard-" + sink, ok, values);
    }

    /** Debian's headless Chromium (from apt), a fresh profile, no background networking. */
    private static final class Chromium implements AutoCloseable {
        private final ChromeDriver driver;

        Chromium(Path profile) {
            ChromeOptions options = new ChromeOptions();
            options.setBinary(new File("/usr/bin/chromium"));
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                    "--user-data-dir=" + profile, "--window-size=1400,1000");
            driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build(),
                    options);
        }

        /**
         * Milliseconds from navigation start until the page marked itself drawn, for one warm-up load and then
         * {@link #LOADS} fresh loads (each a new document: the query string changes), sorted.
         */
        double[] loads(URI base, String route) {
            double[] out = new double[LOADS];
            for (int i = -1; i < LOADS; i++) {
                driver.get(base.resolve("/?load=" + System.nanoTime() + "#/" + route).toString());
                new WebDriverWait(driver, Duration.ofSeconds(60)).until(ExpectedConditions.attributeToBe(By.id("page"), "data-ready", "true"));
                double ms = ((Number) driver.executeScript("return Number(document.getElementById('page').dataset.readyMs)")).doubleValue();
                Object drawn = driver.executeScript("const c = Object.values(window.dashboard.charts)[0];"
                        + " return c ? c.getDom().querySelectorAll('canvas').length : 0");
                if (((Number) drawn).intValue() == 0) {
                    throw new IllegalStateException(route + ": no chart drawn");
                }
                if (i >= 0) {
                    out[i] = ms;
                }
            }
            Arrays.sort(out);
            return out;
        }

        @Override
        public void close() {
            driver.quit();
        }
    }
}

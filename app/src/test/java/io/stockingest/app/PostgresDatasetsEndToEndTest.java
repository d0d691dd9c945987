package io.stockingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import io.stockingest.sink.s3.ParquetFiles;
import io.stockingest.sink.postgres.testkit.PostgresTestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fundamentals (FMP), options (Polygon) and actions (Yahoo) through the CLI into a real PostgreSQL, replaying the
 * recorded fixtures; reruns change no row (xmin); exports to Parquet read back equal to the table.
 */
class PostgresDatasetsEndToEndTest {
    private static final String KEY = "e2e-provider-key-0077";
    private static final String PASSWORD = "pg-secret-pass-31";
    private static final String DB = PostgresTestServer.createDatabase();
    private final FixtureServer provider = new FixtureServer();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path work;

    @AfterEach
    void stop() {
        provider.close();
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "postgresql://postgres:" + PASSWORD + "@127.0.0.1:" + PostgresTestServer.port() + "/" + DB);
        env.put("FMP_API_KEY", KEY);
        env.put("FMP_BASE_URL", provider.baseUri().toString());
        env.put("FMP_PLAN", "ultimate");
        env.put("FMP_USAGE_FILE", work.resolve("fmp-usage.txt").toString());
        env.put("POLYGON_API_KEY", KEY);
        env.put("POLYGON_BASE_URL", provider.baseUri().toString());
        env.put("POLYGON_RATE_LIMIT", "100/sec");
        env.put("YAHOO_BASE_URL", provider.baseUri().toString());
        env.put("YAHOO_RATE_LIMIT", "100/sec");
        Environment environment = new Environment(env, work, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new FakeTicker(Instant.parse("2024-10-01T02:00:00Z")), false);
        int exit = Main.run(environment, args);
        assertThat(out.toString() + err).as("secrets never printed").doesNotContain(KEY).doesNotContain(PASSWORD);
        return exit;
    }

    /** The rows of a query as column name to value (String, Integer, Long, Double, LocalDate, Instant), as Parquet reads them back. */
    private static List<Map<String, Object>> rows(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(PostgresTestServer.jdbcUrl(DB)); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<Map<String, Object>> out = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object value = switch (md.getColumnTypeName(i)) {
                        case "date" -> rs.getObject(i, LocalDate.class);
                        case "timestamptz" -> rs.getObject(i, OffsetDateTime.class) == null ? null : rs.getObject(i, OffsetDateTime.class).toInstant();
                        case "jsonb" -> rs.getString(i);
                        default -> rs.getObject(i);
                    };
                    row.put(md.getColumnName(i), value);
                }
                out.add(row);
            }
            return out;
        }
    }

    private static String xmin(String table) throws SQLException {
        return rows("SELECT xmin::text AS x FROM " + table + " ORDER BY 1").toString();
    }

    private List<Map<String, Object>> parquet(String file) throws Exception {
        List<Map<String, Object>> read = ParquetFiles.readRows(Files.readAllBytes(work.resolve(file)));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> row : read) {
            Map<String, Object> plain = new LinkedHashMap<>(row);
            plain.replaceAll((k, v) -> v instanceof Long micros && (k.equals("ingest_ts") || k.endsWith("_at") || k.equals("snapshot_time"))
                    ? Instant.EPOCH.plusNanos(micros * 1000) : v instanceof Integer days && (k.endsWith("date") || k.equals("period_end") || k.equals("expiration"))
                    ? LocalDate.ofEpochDay(days) : v);
            out.add(plain);
        }
        return out;
    }

    @Test
    void fmpStatementsLoadRerunWithoutChangeAndExportToParquet() throws Exception {
        provider.on("/stable/income-statement", Reply.json(200, ProvidersEndToEndTest.resource("fmp/stable_income-statement_AAPL_annual_limit1.json")));
        String[] load = {"fundamentals", "--source", "fmp", "--symbols", "AAPL", "--statements", "income", "--limit", "1", "--sink", "postgres",
            "--pg-schema", "dsf"};
        assertThat(run(load)).as(out + "" + err).isZero();
        assertThat(rows("SELECT symbol, statement_type, period, fiscal_year, period_end, filing_date, accepted_at, currency, source,"
                + " (line_items->>'revenue')::float8 AS revenue, (line_items->>'eps')::float8 AS eps, (line_items->>'epsDiluted')::float8 AS eps_diluted"
                + " FROM dsf.fundamentals"))
                .singleElement().asString()
                .isEqualTo("{symbol=AAPL, statement_type=income, period=FY, fiscal_year=2024, period_end=2024-09-28, filing_date=2024-11-01,"
                        + " accepted_at=2024-11-01T10:01:36Z, currency=USD, source=fmp, revenue=3.91035E11, eps=6.11, eps_diluted=6.08}");
        String before = xmin("dsf.fundamentals");
        assertThat(run(load)).isZero();
        assertThat(xmin("dsf.fundamentals")).as("the rerun rewrote no row").isEqualTo(before);

        assertThat(run("export", "--table", "fundamentals", "--format", "parquet", "-o", "f.parquet", "--pg-schema", "dsf")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("exported 1 rows of fundamentals");
        List<Map<String, Object>> exported = parquet("f.parquet");
        assertThat(exported).isEqualTo(rows("SELECT * FROM dsf.fundamentals"));
        assertThat(exported.getFirst().get("line_items").toString()).contains("\"revenue\": 391035000000").contains("\"eps\": 6.11");
    }

    @Test
    void polygonChainLoadsAndAStrikeOfZeroIsStoppedByTheGateWithExit3() throws Exception {
        String chain = ProvidersEndToEndTest.resource("polygon/options_snapshot_chain_AAPL.client-python-mock.json");
        provider.on("/v3/snapshot/options/AAPL", Reply.json(200, chain), Reply.json(200, chain.replace("\"strike_price\": 150", "\"strike_price\": 0")));
        String[] load = {"options", "--source", "polygon", "--underlying", "AAPL", "--sink", "postgres", "--pg-schema", "dso"};
        assertThat(run(load)).as(out + "" + err).isZero();
        assertThat(rows("SELECT contract, underlying, contract_type, strike, expiration, day_close, open_interest, implied_volatility, delta,"
                + " underlying_price, date FROM dso.option_snapshots").toString())
                .isEqualTo("[{contract=O:AAPL230616C00150000, underlying=AAPL, contract_type=call, strike=150.0, expiration=2023-06-16, day_close=29.0,"
                        + " open_interest=8133.0, implied_volatility=0.3570277203465058, delta=0.6436614934293701, underlying_price=159.9606,"
                        + " date=2023-03-13}]");
        String before = rows("SELECT *, xmin::text AS x FROM dso.option_snapshots").toString();

        assertThat(run(load)).as("the second reply has strike 0: " + out + err).isEqualTo(3);
        assertThat(out.toString() + err).contains("strike_positive");
        assertThat(rows("SELECT *, xmin::text AS x FROM dso.option_snapshots").toString()).as("production untouched").isEqualTo(before);
        assertThat(rows("SELECT exit_code, status, symbols_failed, metrics::text LIKE '%\"gated\"%' AS symbol_gated FROM dso.ingest_runs ORDER BY exit_code")
                .toString()).isEqualTo("[{exit_code=0, status=succeeded, symbols_failed=0, symbol_gated=false},"
                        + " {exit_code=3, status=gated, symbols_failed=1, symbol_gated=true}]");
    }

    @Test
    void yahooActionsLoadAndARerunChangesNothing() throws Exception {
        provider.on("/v8/finance/chart/AAPL", Reply.json(200, PricesCommandTest.fixture("chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json")));
        String[] load = {"actions", "--symbols", "AAPL", "--from", "2020-08-01", "--to", "2020-11-07", "--sink", "postgres", "--pg-schema", "dsa"};
        assertThat(run(load)).as(out + "" + err).isZero();
        assertThat(rows("SELECT symbol, type, ex_date, amount, numerator, denominator, currency, source FROM dsa.corporate_actions ORDER BY ex_date").toString())
                .isEqualTo("[{symbol=AAPL, type=split, ex_date=2020-08-31, amount=null, numerator=4.0, denominator=1.0, currency=null, source=yahoo},"
                        + " {symbol=AAPL, type=dividend, ex_date=2020-11-06, amount=0.205, numerator=null, denominator=null, currency=USD, source=yahoo}]");
        String before = xmin("dsa.corporate_actions");
        assertThat(run(load)).isZero();
        assertThat(xmin("dsa.corporate_actions")).isEqualTo(before);

        assertThat(run("export", "--table", "corporate_actions", "--format", "parquet", "-o", "a.parquet", "--pg-schema", "dsa")).as(err.toString()).isZero();
        assertThat(parquet("a.parquet")).isEqualTo(rows("SELECT * FROM dsa.corporate_actions ORDER BY symbol, type, ex_date"));
    }

    @Test
    void pricesExportToParquetReadsBackEqualAndAWritingFilterIsRefused() throws Exception {
        provider.on("/v8/finance/chart/AAPL", Reply.json(200, PricesCommandTest.fixture("chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json")));
        assertThat(run("prices", "--symbols", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06", "--sink", "postgres", "--pg-schema", "dsp"))
                .as(out + "" + err).isZero();
        assertThat(run("export", "--table", "prices_daily", "--format", "parquet", "--where", "date >= '2020-11-01'", "-o", "p.parquet",
                "--pg-schema", "dsp")).as(err.toString()).isZero();
        List<Map<String, Object>> exported = parquet("p.parquet");
        assertThat(exported).hasSize(5).isEqualTo(rows("SELECT * FROM dsp.prices_daily WHERE date >= '2020-11-01' ORDER BY 1, 2"));
        assertThat(exported.getLast()).containsEntry("date", LocalDate.of(2020, 11, 6)).containsEntry("close", 118.69000244140625);

        assertThat(run("export", "--table", "price_cumulative_7d", "--format", "parquet", "--where", "date = '2020-11-06'", "-o", "c.parquet",
                "--pg-schema", "dsp")).as(err.toString()).isZero();
        assertThat(parquet("c.parquet").getFirst().get("volumes").toString()).isEqualTo(
                rows("SELECT array_to_string(volumes, ', ') AS v FROM dsp.price_cumulative_7d WHERE date = '2020-11-06'").getFirst().get("v").toString()
                        .transform(v -> "[" + v + "]"));

        assertThat(run("export", "--table", "ingest_runs", "--format", "parquet", "-o", "r.parquet", "--pg-schema", "dsp")).as(err.toString()).isZero();
        assertThat(parquet("r.parquet")).isEqualTo(rows("SELECT * FROM dsp.ingest_runs ORDER BY run_id"))
                .singleElement().satisfies(r -> assertThat(r.get("metrics").toString()).contains("\"command\": \"prices\""));

        assertThat(run("export", "--table", "prices_daily", "--format", "parquet", "--where",
                "0 < (SELECT count(*) FROM (SELECT nextval('dsp.quarantine_id_seq')) s)", "-o", "w.parquet", "--pg-schema", "dsp")).isEqualTo(2);
        assertThat(err.toString()).contains("read-only transaction");
        assertThat(work.resolve("w.parquet")).doesNotExist();
        assertThat(work.resolve("w.parquet.tmp")).doesNotExist();
    }
}

package io.stockingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import io.stockingest.lake.ParquetFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --source fmp} and {@code --source polygon} through the real CLI, replaying recorded responses into the lake. */
class ProvidersEndToEndTest {
    private static final String KEY = "e2e-provider-key-0042";
    private final FixtureServer provider = new FixtureServer();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path work;

    @AfterEach
    void stop() {
        provider.close();
    }

    static String resource(String name) {
        try (InputStream in = ProvidersEndToEndTest.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int run(String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("FMP_API_KEY", KEY);
        env.put("FMP_BASE_URL", provider.baseUri().toString());
        env.put("FMP_PLAN", "ultimate");
        env.put("FMP_USAGE_FILE", work.resolve("fmp-usage.txt").toString());
        env.put("POLYGON_API_KEY", KEY);
        env.put("POLYGON_BASE_URL", provider.baseUri().toString());
        env.put("POLYGON_RATE_LIMIT", "100/sec");
        Environment environment = new Environment(env, work, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new FakeTicker(Instant.parse("2024-10-01T02:00:00Z")), false);
        return Main.run(environment, args);
    }

    private Map<String, Object> row(String key) throws IOException {
        return ParquetFiles.readRows(Files.readAllBytes(work.resolve("data").resolve(key))).getFirst();
    }

    @Test
    void fmpDailyBarsLandWithExactValues() throws IOException {
        provider.on("/stable/historical-price-eod/full", Reply.json(200, resource("fmp/stable_historical-price-eod_full_AAPL_2023-01-01_2023-01-10.json")));
        assertThat(run("prices", "--source", "fmp", "--symbols", "AAPL", "--from", "2023-01-03", "--to", "2023-01-10")).as(out + "" + err).isZero();
        assertThat(row("raw/prices/symbol=AAPL/year=2023/month=01/AAPL-2023-01-10.parquet"))
                .containsEntry("open", 130.26).containsEntry("high", 131.26).containsEntry("low", 128.12).containsEntry("close", 130.73)
                .containsEntry("adj_close", null).containsEntry("vwap", null).containsEntry("source", "fmp")
                .containsEntry("date", LocalDate.of(2023, 1, 10));
        assertThat(out.toString()).contains("files     6 written");
        assertThat(out.toString() + err).doesNotContain(KEY);
    }

    @Test
    void fmpIncomeStatementLandsWithItsLineItems() throws IOException {
        provider.on("/stable/income-statement", Reply.json(200, resource("fmp/stable_income-statement_AAPL_annual_limit1.json")));
        assertThat(run("fundamentals", "--source", "fmp", "--symbols", "AAPL", "--statements", "income", "--limit", "1")).as(out + "" + err).isZero();
        Map<String, Object> statement = row("raw/fundamentals/type=income/symbol=AAPL/year=2024/docdate=2024-09-28/AAPL-2024-09-28.parquet");
        assertThat(statement).containsEntry("period", "FY").containsEntry("fiscal_year", 2024).containsEntry("currency", "USD")
                .containsEntry("filing_date", LocalDate.of(2024, 11, 1));
        assertThat(statement.get("line_items").toString()).contains("revenue=3.91035E11").contains("eps=6.11");
    }

    @Test
    void polygonOptionsChainLandsWithGreeks() throws IOException {
        provider.on("/v3/snapshot/options/AAPL", Reply.json(200, resource("polygon/options_snapshot_chain_AAPL.client-python-mock.json")));
        assertThat(run("options", "--source", "polygon", "--underlying", "AAPL")).as(out + "" + err).isZero();
        try (var files = Files.walk(work.resolve("data/raw/options"))) {
            Path file = files.filter(Files::isRegularFile).findFirst().orElseThrow();
            assertThat(work.resolve("data").relativize(file).toString()).matches("raw/options/underlying=AAPL/date=\\d{4}-\\d{2}-\\d{2}/AAPL-.*\\.parquet");
            assertThat(ParquetFiles.readRows(Files.readAllBytes(file)).getFirst())
                    .containsEntry("contract", "O:AAPL230616C00150000").containsEntry("strike", 150.0)
                    .containsEntry("delta", 0.6436614934293701).containsEntry("implied_volatility", 0.3570277203465058)
                    .containsEntry("day_close", 29.0).containsEntry("underlying_price", 159.9606);
        }
        assertThat(provider.requests().getFirst().header("Authorization")).isEqualTo("Bearer " + KEY);
    }
}

package io.stockingest.sink.snowflake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.lake.LakeLayout;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real Snowflake account, only when {@code SNOWFLAKE_ACCOUNT} is set (see docs/snowflake.md): migrates
 * a throw-away schema, loads two bars, loads them again (nothing changes), then a bar that breaks a row rule
 * (the gate refuses, the table is unchanged), and drops the schema. Skipped, visibly, everywhere else.
 */
@EnabledIfEnvironmentVariable(named = "SNOWFLAKE_ACCOUNT", matches = ".+",
        disabledReason = "SNOWFLAKE_ACCOUNT is not set: the live Snowflake test needs a real account (docs/snowflake.md)")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SnowflakeLiveTest {
    private static final Symbol AAPL = Symbol.parse("AAPL");
    private SnowflakeConfig config;
    private JdbcSqlExecutor check;

    @TempDir
    Path workDir;

    @BeforeAll
    void connect() {
        System.setProperty(JdbcSqlExecutor.DISABLE_PLATFORM_DETECTION, "true");
        Settings settings = Settings.load(System.getenv(), Path.of(".env"), Map.of())
                .with("SNOWFLAKE_SCHEMA", "STOCK_INGEST_LIVE_TEST_" + System.currentTimeMillis());
        config = SnowflakeConfig.from(settings);
        check = new JdbcSqlExecutor(config);
    }

    @AfterAll
    void dropSchema() {
        if (check != null) {
            try {
                check.execute("DROP SCHEMA IF EXISTS " + config.qualifiedSchema());
            } finally {
                check.close();
            }
        }
    }

    private SnowflakeSink sink() {
        return new SnowflakeSink(config, LakeLayout.DEFAULT, new JdbcSqlExecutor(config), workDir);
    }

    private static Bar bar(String date, double open, double high, double low, double close, long volume) {
        LocalDate day = LocalDate.parse(date);
        return new Bar(AAPL, Interval.D1, day.atTime(9, 30).atZone(ZoneId.of("America/New_York")).toInstant(), day, open, high, low, close,
                close, volume, null, null, "yahoo", Adjustment.SPLITS);
    }

    private static BarBatch batch(String runId, Bar... bars) {
        Instant now = Instant.now();
        return new BarBatch(AAPL, Interval.D1, new DateRange(LocalDate.parse("2024-09-27"), LocalDate.parse("2024-09-30")), List.of(bars),
                WriteOptions.DEFAULT, new RunContext(runId, "prices", "yahoo", now, now));
    }

    private List<Map<String, Object>> rows() {
        return check.query("SELECT \"DATE\"::VARCHAR AS D, \"OPEN\", \"CLOSE\", \"VOLUME\", \"INGEST_TS\"::VARCHAR AS TS FROM "
                + SnowflakeStatements.of(config).table(SnowflakeTable.PRICES_DAILY) + " ORDER BY \"DATE\"");
    }

    @Test
    @Order(1)
    void migratesOnceAndThenFindsTheSchemaCurrent() {
        try (SnowflakeSink sink = sink()) {
            assertThat(sink.migrate()).containsExactly(1);
            assertThat(sink.migrate()).isEmpty();
        }
    }

    @Test
    @Order(2)
    void loadsBarsAndARerunChangesNothing() {
        Bar friday = bar("2024-09-27", 228.46, 229.52, 227.30, 227.79, 34_026_000);
        Bar monday = bar("2024-09-30", 230.04, 233.00, 229.65, 233.00, 54_541_900);
        try (SnowflakeSink sink = sink()) {
            sink.writeBars(batch("900000001", friday, monday));
            sink.flush();
            assertThat(sink.loads()).containsExactly(new SnowflakeSink.LoadResult(SnowflakeTable.PRICES_DAILY, 1, 2, 2, 0));
        }
        List<Map<String, Object>> first = rows();
        assertThat(first).extracting(r -> r.get("D")).containsExactly("2024-09-27", "2024-09-30");
        assertThat(first.get(1).get("CLOSE")).isEqualTo(233.00);

        try (SnowflakeSink sink = sink()) {
            sink.writeBars(batch("900000002", friday, monday));
            sink.flush();
            assertThat(sink.loads()).containsExactly(new SnowflakeSink.LoadResult(SnowflakeTable.PRICES_DAILY, 1, 2, 0, 0));
        }
        assertThat(rows()).as("a rerun leaves every row, ingest_ts included, as it was").isEqualTo(first);
    }

    @Test
    @Order(3)
    void gateRefusesABrokenBarAndLeavesTheTableUnchanged() {
        List<Map<String, Object>> before = rows();
        try (SnowflakeSink sink = sink()) {
            sink.writeBars(batch("900000003", bar("2024-09-30", 230.04, 229.00, 229.65, 233.00, 54_541_900)));
            assertThatThrownBy(sink::flush)
                    .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.DQ_GATE))
                    .hasMessageContaining("1 ohlc_consistent");
        }
        assertThat(rows()).isEqualTo(before);
        assertThat(check.query("SELECT COUNT(*) AS N FROM " + SnowflakeStatements.of(config).object("mart_price_features")))
                .extracting(r -> ((Number) r.get("N")).longValue()).containsExactly(2L);
    }
}

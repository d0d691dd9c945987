package io.stockingest.sink.snowflake;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.calendar.Calendars;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.Dataset;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.pipeline.PriceIngest;
import io.stockingest.core.pipeline.PriceJob;
import io.stockingest.core.pipeline.Progress;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.pipeline.Shard;
import io.stockingest.core.spi.Source;
import io.stockingest.core.spi.StoredSessions;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.lake.LakeLayout;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Planning a rerun against Snowflake (offline: a {@link RecordingExecutor}, no connection). */
class SnowflakePlanningTest {
    private static final Symbol AAA = Symbol.parse("AAA");
    private static final Symbol BBB = Symbol.parse("BBB");
    private static final DateRange WEEK = new DateRange(LocalDate.of(2024, 9, 23), LocalDate.of(2024, 9, 27));

    @TempDir
    Path workDir;

    /** A source that plans one request per symbol and is never asked for bars here. */
    private static final Source SOURCE = new Source() {
        @Override
        public String name() {
            return "fake";
        }

        @Override
        public Set<Dataset> datasets() {
            return Set.of(Dataset.PRICES);
        }

        @Override
        public List<Bar> fetchBars(BarRequest request) {
            throw new AssertionError("planning fetches nothing: " + request);
        }
    };

    private static SnowflakeConfig config() {
        return new SnowflakeConfig("myorg-acct1", "LOADER", "pw-Sn0wfl4ke-sink", null, null, "INGEST_ROLE", "LOAD_WH", "MARKET", "STOCK_INGEST",
                null, 4_000_000);
    }

    private static PriceJob job() {
        return new PriceJob(List.of(AAA, BBB), Interval.D1, WEEK, BarRequest.Hours.REGULAR, WriteOptions.DEFAULT, Shard.ALL, 4, 0.05);
    }

    @Test
    void aRerunPlanAsksSnowflakeOnceForWhatItHoldsAndADryRunAsksNothing() {
        // AAA's whole week is stored, BBB holds nothing
        RecordingExecutor executor = new RecordingExecutor().answer("SELECT DISTINCT \"SYMBOL\", \"DATE\" FROM",
                WEEK.dates().map(date -> Map.<String, Object>of("SYMBOL", "AAA", "DATE", java.sql.Date.valueOf(date))).toList());
        SnowflakeSink sink = new SnowflakeSink(config(), LakeLayout.DEFAULT, executor, workDir);
        assertThat(sink.capability(StoredSessions.class)).as("offered to planning").containsSame(sink);
        PriceIngest ingest = new PriceIngest(SOURCE, List.of(sink), Calendars.standard(), new FakeTicker(), Progress.silent());

        List<BarRequest> rerun = ingest.plan(job());

        assertThat(rerun).as("only BBB is missing").containsExactly(BarRequest.of(BBB, Interval.D1, WEEK, BarRequest.Hours.REGULAR));
        assertThat(executor.statements).as("one read of what is stored and checked, for every symbol at once").containsExactly(
                "SELECT DISTINCT \"SYMBOL\", \"DATE\" FROM \"MARKET\".\"STOCK_INGEST\".\"PRICES_DAILY\" WHERE \"SYMBOL\" IN ('AAA', 'BBB')"
                        + " AND \"DATE\" BETWEEN TO_DATE('2024-09-23') AND TO_DATE('2024-09-27')",
                "SELECT \"SYMBOL\", \"DATE\", \"REASON\" FROM \"MARKET\".\"STOCK_INGEST\".\"CHECKED_SESSIONS\" WHERE \"SYMBOL\" IN ('AAA', 'BBB')"
                        + " AND \"INTERVAL\" = '1d' AND \"DATE\" BETWEEN TO_DATE('2024-09-23') AND TO_DATE('2024-09-27')");

        executor.statements.clear();
        List<BarRequest> dryRun = ingest.planDryRun(job());

        assertThat(executor.statements).as("a dry run never connects").isEmpty();
        assertThat(dryRun).as("the whole job: what a run asks at most").containsExactly(
                BarRequest.of(AAA, Interval.D1, WEEK, BarRequest.Hours.REGULAR), BarRequest.of(BBB, Interval.D1, WEEK, BarRequest.Hours.REGULAR));
    }
}

package io.stockingest.sink.snowflake;

import io.stockingest.core.spi.Sink;
import io.stockingest.core.testkit.SinkContract;
import io.stockingest.lake.LakeLayout;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The sink contract on Snowflake's sink, against an {@link OfflineSnowflake} account (no network). */
class SnowflakeSinkContractTest extends SinkContract {
    @TempDir
    Path workDir;

    @Override
    protected Target newTarget() {
        OfflineSnowflake account = new OfflineSnowflake();
        SnowflakeConfig config = new SnowflakeConfig("myorg-acct1", "LOADER", "pw-contract-7", null, null, "INGEST_ROLE", "LOAD_WH", "MARKET",
                "STOCK_INGEST", null, 4_000_000);
        return new Target() {
            @Override
            public Sink open() {
                return new SnowflakeSink(config, LakeLayout.DEFAULT, account.session(), workDir);
            }

            @Override
            public List<StoredBar> dailyBars() {
                return account.rows("PRICES_DAILY").stream().map(SnowflakeSinkContractTest::bar).toList();
            }

            @Override
            public List<String> quarantinedRules() {
                return account.rows("QUARANTINE").stream().map(row -> (String) row.get("rule")).toList();
            }

            @Override
            public List<String> runIds() {
                return account.runs();
            }
        };
    }

    private static StoredBar bar(Map<String, Object> row) {
        Object date = row.get("date");
        return new StoredBar((String) row.get("symbol"), date instanceof LocalDate d ? d : LocalDate.ofEpochDay(((Number) date).longValue()),
                (Double) row.get("open"), (Double) row.get("high"), (Double) row.get("low"), (Double) row.get("close"),
                ((Number) row.get("volume")).longValue());
    }
}

package io.stockingest.sink.iceberg;

import io.stockingest.core.config.Settings;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.testkit.SinkContract;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.io.TempDir;

/** The sink contract of every sink, on the embedded catalog of {@code iceberg:DIR} (SQLite, local warehouse). */
class IcebergSinkContractTest extends SinkContract {
    private static final AtomicInteger TARGETS = new AtomicInteger();

    @TempDir
    Path dir;

    @Override
    protected Target newTarget() {
        String uri = "iceberg:" + dir.resolve("ice" + TARGETS.incrementAndGet());
        Settings settings = Settings.of(Map.of());
        return new Target() {
            @Override
            public Sink open() {
                return new IcebergSinkFactory().create(uri, settings);
            }

            @Override
            public List<StoredBar> dailyBars() {
                return read(IcebergTable.PRICES_DAILY, r -> new StoredBar(r.getField("symbol").toString(), (LocalDate) r.getField("date"),
                        (Double) r.getField("open"), (Double) r.getField("high"), (Double) r.getField("low"), (Double) r.getField("close"),
                        (Long) r.getField("volume")));
            }

            @Override
            public List<String> quarantinedRules() {
                return read(IcebergTable.QUARANTINE, r -> r.getField("rule").toString());
            }

            @Override
            public List<String> runIds() {
                return read(IcebergTable.INGEST_RUNS, r -> r.getField("run_id").toString());
            }

            /** Every row of {@code def} by Iceberg's generic reader, through a new sink on the target (none if the table is absent). */
            private <T> List<T> read(IcebergTable def, Function<Record, T> row) {
                try (IcebergSink sink = IcebergSink.open(IcebergConfig.from(uri, settings), settings)) {
                    return sink.onIoThread("read " + def.tableName(), () -> {
                        List<T> out = new ArrayList<>();
                        if (!sink.tables().exists(def)) {
                            return out;
                        }
                        Table table = sink.tables().table(def);
                        table.refresh();
                        try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
                            rows.forEach(r -> out.add(row.apply(r)));
                        }
                        return out;
                    });
                }
            }
        };
    }
}

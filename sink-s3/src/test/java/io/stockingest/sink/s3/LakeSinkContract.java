package io.stockingest.sink.s3;

import io.stockingest.core.spi.Sink;
import io.stockingest.core.testkit.SinkContract;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The sink contract on {@link LakeSink}, read back through the lake's storage as a reader of the lake would. */
abstract class LakeSinkContract extends SinkContract {
    /** A lake target over storages that all address one place (each writer gets its own storage client). */
    protected static Target lake(String name, Supplier<LakeStorage> storages) {
        LakeStorage reader = storages.get();
        return new Target() {
            @Override
            public Sink open() {
                return new LakeSink(name, storages.get(), LakeLayout.DEFAULT);
            }

            @Override
            public List<StoredBar> dailyBars() {
                List<StoredBar> bars = new ArrayList<>();
                for (Map<String, Object> row : rows(LakeLayout.DEFAULT.rawPrefix() + "/prices/")) {
                    Object date = row.get("date");
                    bars.add(new StoredBar((String) row.get("symbol"), date instanceof LocalDate d ? d : LocalDate.ofEpochDay(((Number) date).longValue()),
                            (Double) row.get("open"), (Double) row.get("high"), (Double) row.get("low"), (Double) row.get("close"),
                            ((Number) row.get("volume")).longValue()));
                }
                return bars;
            }

            @Override
            public List<String> quarantinedRules() {
                return rows("quarantine/").stream().map(row -> (String) row.get("rule")).toList();
            }

            @Override
            public List<String> runIds() {
                return reader.list("logs/ingest/").stream().filter(key -> key.endsWith(".json"))
                        .map(key -> key.substring(key.lastIndexOf("/run-") + 5, key.length() - 5)).toList();
            }

            private List<Map<String, Object>> rows(String prefix) {
                List<Map<String, Object>> rows = new ArrayList<>();
                reader.list(prefix).stream().filter(key -> key.endsWith(".parquet")).sorted()
                        .forEach(key -> rows.addAll(ParquetFiles.readRows(reader.get(key))));
                return rows;
            }
        };
    }
}

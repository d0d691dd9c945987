package io.stockingest.sink.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.config.Settings;
import io.stockingest.core.model.Bar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** db maintain: nightly runs' small files compacted, old snapshots expired, orphan files removed; the rows stay. */
class MaintenanceTest {
    @TempDir
    Path dir;

    @Test
    void compactsNightlyFilesExpiresSnapshotsAndRemovesOrphansKeepingEveryRow() throws Exception {
        String uri = "iceberg:" + dir.resolve("ice");
        Settings settings = Settings.of(Map.of());
        List<Bar> all = new ArrayList<>();
        Path stray;
        try (IcebergSink sink = IcebergSink.open(IcebergConfig.from(uri, settings), settings)) {
            // three nightly runs, one session each, all in September: three small files in partition date_month=2024-09
            LocalDate[] nights = {LocalDate.of(2024, 9, 3), LocalDate.of(2024, 9, 4), LocalDate.of(2024, 9, 5)};
            for (int i = 0; i < nights.length; i++) {
                List<Bar> night = new ArrayList<>();
                for (String symbol : List.of("AAPL", "MSFT")) {
                    List<Bar> bars = AbstractIcebergSinkTest.bars(symbol, nights[i], nights[i], 100 + i);
                    night.addAll(bars);
                    sink.writeBars(AbstractIcebergSinkTest.batch(bars, nights[i], nights[i], AbstractIcebergSinkTest.run(i + 1)));
                }
                sink.flush();
                all.addAll(night);
            }
            Table table = AbstractIcebergSinkTest.table(sink, IcebergTable.PRICES_DAILY);
            assertThat(table.currentSnapshot().summary()).containsEntry("total-data-files", "3");
            stray = LocalFileIO.path(table.location()).resolve("data/stray-from-a-crashed-run.parquet");
            Files.createDirectories(stray.getParent());
            Files.write(stray, new byte[] {1, 2, 3});
            Files.setLastModifiedTime(stray, FileTime.from(Instant.now().minus(Duration.ofDays(4))));
        }
        List<String> want = AbstractIcebergSinkTest.expected(List.of(all));
        try (IcebergAdmin admin = IcebergAdmin.open(uri, settings)) {
            List<String> lines = admin.maintain(Duration.ZERO, Duration.ofDays(3));
            assertThat(lines).as("prices_daily: 1 partition compacted from 3 files, every older snapshot expired, the stray file removed")
                    .anySatisfy(l -> assertThat(l).startsWith("prices_daily: 1 partitions compacted (3 files), 3 snapshots expired, 1 orphan files removed"));
        }
        assertThat(stray).as("orphan removed").doesNotExist();
        try (IcebergSink sink = IcebergSink.open(IcebergConfig.from(uri, settings), settings)) {
            Table table = AbstractIcebergSinkTest.table(sink, IcebergTable.PRICES_DAILY);
            assertThat(table.currentSnapshot().summary()).containsEntry("total-data-files", "1").containsEntry("stock-ingest.maintenance", "compaction");
            assertThat(AbstractIcebergSinkTest.snapshots(sink, IcebergTable.PRICES_DAILY)).hasSize(1);
            assertThat(AbstractIcebergSinkTest.genericRows(sink)).as("every row is still there").isEqualTo(want);
            assertThat(AbstractIcebergSinkTest.duckdbRows(sink)).isEqualTo(want);
            try (Stream<Path> files = Files.walk(LocalFileIO.path(table.location()).resolve("data"))) {
                // the three nightly files stay on disk while the compaction snapshot that replaced them is retained
                // (time travel to it needs them); the expiry that removes that snapshot deletes them
                assertThat(files.filter(Files::isRegularFile).map(f -> f.getFileName().toString().replaceAll("-[0-9a-f-]{36}\\.parquet$", "")).sorted())
                        .containsExactly("1728129600-0001", "1728129600-0002", "1728129600-0003", "compaction-" + table.currentSnapshot().parentId());
            }
        }
    }
}

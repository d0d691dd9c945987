package io.stockingest.sink.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.config.Settings;
import io.stockingest.core.model.Bar;
import io.stockingest.sink.s3.S3TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** An {@code s3://} warehouse on the shared S3 test server (s3proxy on 127.0.0.1, sink-s3's test-jar), catalog on SQLite. */
class S3WarehouseTest {
    @TempDir
    Path dir;

    @Test
    void writesReadsAndRerunsWithoutASnapshotOnAnS3Warehouse() throws Exception {
        Settings settings = S3TestServer.settings(S3TestServer.endpoint(), Map.of(
                "ICEBERG_CATALOG_URI", "jdbc:sqlite:" + dir.resolve("catalog.db"), "ICEBERG_WAREHOUSE", "s3://warehouse/iceberg"));
        try (S3Client s3 = IcebergCatalogs.s3Client(settings)) {
            s3.createBucket(r -> r.bucket("warehouse"));
            List<List<Bar>> data = List.of(AbstractIcebergSinkTest.bars("AAPL", AbstractIcebergSinkTest.FROM, AbstractIcebergSinkTest.TO, 100),
                    AbstractIcebergSinkTest.bars("MSFT", AbstractIcebergSinkTest.FROM, AbstractIcebergSinkTest.TO, 400));
            try (IcebergSink sink = IcebergSink.open(IcebergConfig.from("iceberg", settings), settings)) {
                AbstractIcebergSinkTest.write(sink, AbstractIcebergSinkTest.run(1), data);
                assertThat(AbstractIcebergSinkTest.genericRows(sink)).isEqualTo(AbstractIcebergSinkTest.expected(data));
                long snapshot = AbstractIcebergSinkTest.table(sink, IcebergTable.PRICES_DAILY).currentSnapshot().snapshotId();
                AbstractIcebergSinkTest.write(sink, AbstractIcebergSinkTest.run(2), data);
                Table table = AbstractIcebergSinkTest.table(sink, IcebergTable.PRICES_DAILY);
                assertThat(table.currentSnapshot().snapshotId()).as("identical rerun: no snapshot").isEqualTo(snapshot);
                assertThat(table.location()).startsWith("s3://warehouse/iceberg/stock_ingest/prices_daily");
            }
            List<String> keys = s3.listObjectsV2(r -> r.bucket("warehouse").prefix("iceberg/stock_ingest/prices_daily/data/")).contents()
                    .stream().map(S3Object::key).toList();
            assertThat(keys).as("one data file per month partition in the bucket, the rerun's files deleted")
                    .hasSize(2).allMatch(k -> k.matches("iceberg/stock_ingest/prices_daily/data/date_month=2024-(09|10)/1728129600-0001-.*\\.parquet"));
        }
    }
}

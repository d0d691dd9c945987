package io.stockingest.sink.iceberg;

import io.stockingest.core.config.Settings;
import io.stockingest.sink.postgres.testkit.PostgresTestServer;
import java.util.Map;

/** The sink on a JDBC catalog in the shared test PostgreSQL (sink-postgres's test-jar), a namespace per test. */
class PostgresCatalogSinkTest extends AbstractIcebergSinkTest {
    @Override
    IcebergConfig config() {
        return IcebergConfig.from("iceberg", Settings.of(Map.of(
                "ICEBERG_CATALOG_URI", "jdbc:postgresql://127.0.0.1:" + PostgresTestServer.port() + "/postgres",
                "ICEBERG_CATALOG_USER", "postgres",
                "ICEBERG_CATALOG_PASSWORD", "postgres",
                "ICEBERG_WAREHOUSE", dir.resolve("warehouse").toString(),
                "ICEBERG_NAMESPACE", PostgresTestServer.freshSchema())));
    }
}

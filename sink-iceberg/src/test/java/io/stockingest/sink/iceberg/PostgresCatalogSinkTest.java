package io.stockingest.sink.iceberg;

import io.stockingest.core.config.Settings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The sink on a JDBC catalog in a real PostgreSQL (the embedded server), a namespace per test. */
class PostgresCatalogSinkTest extends AbstractIcebergSinkTest {
    private static EmbeddedPostgres pg;
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    @Override
    IcebergConfig config() {
        return IcebergConfig.from("iceberg", Settings.of(Map.of(
                "ICEBERG_CATALOG_URI", "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres",
                "ICEBERG_CATALOG_USER", "postgres",
                "ICEBERG_CATALOG_PASSWORD", "postgres",
                "ICEBERG_WAREHOUSE", dir.resolve("warehouse").toString(),
                "ICEBERG_NAMESPACE", "ns" + NAMESPACES.incrementAndGet())));
    }
}

package io.stockingest.sink.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IcebergConfigTest {
    @Test
    void theEmbeddedCatalogHasItsDefaults() {
        IcebergConfig config = IcebergConfig.from("iceberg:/data/ice", Settings.of(Map.of()));
        assertThat(config).isEqualTo(new IcebergConfig("stock_ingest", "jdbc:sqlite:/data/ice/catalog.db", "file:/data/ice/warehouse", "stock_ingest",
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 250_000, 20));
        assertThat(config.name()).isEqualTo("iceberg:jdbc:sqlite:/data/ice/catalog.db#stock_ingest");
    }

    @Test
    void everySettingMaps() {
        IcebergConfig config = IcebergConfig.from("iceberg", Settings.of(Map.of(
                "ICEBERG_CATALOG_URI", "jdbc:postgresql://127.0.0.1:5432/cat",
                "ICEBERG_WAREHOUSE", "s3://bucket/wh",
                "ICEBERG_NAMESPACE", "market",
                "ICEBERG_CATALOG_NAME", "lakehouse",
                "ICEBERG_CATALOG_USER", "ice",
                "ICEBERG_CATALOG_PASSWORD", "ice-pass-visible-25",
                "ICEBERG_CATALOG_CREDENTIAL", "id:cred-visible-25",
                "ICEBERG_CATALOG_TOKEN", "token-visible-25",
                "ICEBERG_BUFFER_ROWS", "1000",
                "ICEBERG_COMMIT_ATTEMPTS", "3")));
        assertThat(config).isEqualTo(new IcebergConfig("lakehouse", "jdbc:postgresql://127.0.0.1:5432/cat", "s3://bucket/wh", "market", Optional.of("ice"),
                Optional.of("ice-pass-visible-25"), Optional.of("id:cred-visible-25"), Optional.of("token-visible-25"), 1000, 3));
        assertThat(config.toString()).doesNotContain("visible-25");
        assertThat(IcebergConfig.from("iceberg", Settings.of(Map.of("ICEBERG_CATALOG_URI", "jdbc:sqlite:/c.db", "ICEBERG_WAREHOUSE", "/w"))).warehouse())
                .as("a plain directory becomes a file: URI").isEqualTo("file:" + Path.of("/w"));
    }

    @Test
    void missingOrMalformedSettingsAreNamed() {
        assertThatThrownBy(() -> IcebergConfig.from("iceberg", Settings.of(Map.of())))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG))
                .hasMessageStartingWith("ICEBERG_CATALOG_URI is not set");
        assertThatThrownBy(() -> IcebergConfig.from("iceberg", Settings.of(Map.of("ICEBERG_CATALOG_URI", "jdbc:sqlite:/c.db"))))
                .hasMessage("ICEBERG_WAREHOUSE is not set (a directory or s3://BUCKET/PREFIX)");
        assertThatThrownBy(() -> IcebergConfig.from("iceberg:/d", Settings.of(Map.of("ICEBERG_NAMESPACE", "Bad-Name"))))
                .hasMessage("ICEBERG_NAMESPACE 'Bad-Name' is not a plain lower-case identifier ([a-z_][a-z0-9_]*)");
        assertThatThrownBy(() -> IcebergConfig.from("iceberg", Settings.of(Map.of("ICEBERG_CATALOG_URI", "mysql://x", "ICEBERG_WAREHOUSE", "/w"))))
                .hasMessageContaining("is not jdbc:sqlite:FILE, jdbc:postgresql://... or an http(s):// REST catalog");
        assertThatThrownBy(() -> IcebergConfig.from("iceberg2:/d", Settings.of(Map.of())))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USAGE))
                .hasMessageStartingWith("Invalid Iceberg sink 'iceberg2:/d'");
    }
}

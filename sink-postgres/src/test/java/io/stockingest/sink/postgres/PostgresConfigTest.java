package io.stockingest.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.Secrets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresConfigTest {
    @Test
    void defaultsReadDatabaseUrlWhenTheSinkIsTheWordPostgres() {
        PostgresConfig c = PostgresConfig.from("postgres", Settings.of(Map.of("DATABASE_URL", "postgresql://ingest:s3cretPw@db.local:6543/market")));
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://db.local:6543/market");
        assertThat(c.user()).isEqualTo("ingest");
        assertThat(c.password()).isEqualTo("s3cretPw");
        assertThat(c.schema()).isEqualTo("stock_ingest");
        assertThat(c.migrate()).isTrue();
        assertThat(c.features()).isTrue();
        assertThat(c.bufferRows()).isEqualTo(PostgresConfig.DEFAULT_BUFFER_ROWS);
    }

    @Test
    void everySettingMaps() {
        Settings s = Settings.of(Map.of("PG_SCHEMA", "Research", "PG_MIGRATE", "false", "PG_BUFFER_ROWS", "0", "PG_FEATURES", "no"));
        PostgresConfig c = PostgresConfig.from("postgres://u:p%40ss%3Aword@h/db?sslmode=require", s);
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://h/db?sslmode=require");
        assertThat(c.password()).isEqualTo("p@ss:word");
        assertThat(c.schema()).isEqualTo("research");
        assertThat(c.migrate()).isFalse();
        assertThat(c.bufferRows()).isZero();
        assertThat(c.features()).isFalse();
    }

    @Test
    void jdbcUrlCredentialsAreTakenOutOfTheUrl() {
        PostgresConfig c = PostgresConfig.from("jdbc:postgresql://h:5432/db?user=bob&password=hunter22&ssl=true", Settings.of(Map.of()));
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db?ssl=true");
        assertThat(c.user()).isEqualTo("bob");
        assertThat(c.password()).isEqualTo("hunter22");
    }

    @Test
    void passwordIsNeverInNameOrToStringOrMessages() {
        PostgresConfig c = PostgresConfig.from("postgresql://ingest:TopSecretPw9@db:5432/market", Settings.of(Map.of()));
        assertThat(c.name()).isEqualTo("postgres:jdbc:postgresql://db:5432/market (schema stock_ingest, user ingest)");
        assertThat(c.toString()).doesNotContain("TopSecretPw9");
        assertThatThrownBy(() -> PostgresConfig.from("mysql://ingest:TopSecretPw9@db/x", Settings.of(Map.of())))
                .isInstanceOf(IngestException.class)
                .hasMessageNotContaining("TopSecretPw9");
    }

    @Test
    void missingDatabaseUrlIsAConfigErrorSayingWhatToSet() {
        assertThatThrownBy(() -> PostgresConfig.from("postgres", Settings.of(Map.of())))
                .isInstanceOf(IngestException.class)
                .hasMessageContaining("DATABASE_URL is not set")
                .satisfies(e -> assertThat(Secrets.redact(e.getMessage()))
                        .as("the example survives redaction").contains("user:password@ before the host"))
                .extracting(e -> ((IngestException) e).kind()).isEqualTo(ErrorKind.CONFIG);
    }

    @Test
    void schemaMustBeAPlainIdentifier() {
        assertThatThrownBy(() -> PostgresConfig.from("postgresql://h/db", Settings.of(Map.of("PG_SCHEMA", "x; drop"))))
                .hasMessageContaining("PG_SCHEMA");
    }
}

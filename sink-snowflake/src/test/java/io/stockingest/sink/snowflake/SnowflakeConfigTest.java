package io.stockingest.sink.snowflake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.Secrets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnowflakeConfigTest {
    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("SNOWFLAKE_ACCOUNT", "myorg-acct1");
        env.put("SNOWFLAKE_USER", "LOADER");
        env.put("SNOWFLAKE_PASSWORD", "pw-Sn0wfl4ke-test");
        env.put("SNOWFLAKE_WAREHOUSE", "LOAD_WH");
        env.put("SNOWFLAKE_DATABASE", "MARKET");
        return env;
    }

    @Test
    void appliesDefaults() {
        SnowflakeConfig config = SnowflakeConfig.from(Settings.of(minimal()));

        assertThat(config).isEqualTo(new SnowflakeConfig("myorg-acct1", "LOADER", "pw-Sn0wfl4ke-test", null, null, null, "LOAD_WH", "MARKET",
                "STOCK_INGEST", null, 4_000_000));
    }

    @Test
    void mapsEveryVariable() {
        Map<String, String> env = minimal();
        env.remove("SNOWFLAKE_PASSWORD");
        env.put("SNOWFLAKE_PRIVATE_KEY_FILE", "/keys/rsa_key.p8");
        env.put("SNOWFLAKE_PRIVATE_KEY_PASSPHRASE", "passphrase-xyz");
        env.put("SNOWFLAKE_ROLE", "INGEST_ROLE");
        env.put("SNOWFLAKE_SCHEMA", "RAW");
        env.put("SNOWFLAKE_STAGE", "LAKE.PUBLIC.LAKE_STAGE");
        env.put("SNOWFLAKE_ROWS_PER_FILE", "500_000");

        SnowflakeConfig config = SnowflakeConfig.from(Settings.of(env));

        assertThat(config).isEqualTo(new SnowflakeConfig("myorg-acct1", "LOADER", null, Path.of("/keys/rsa_key.p8"), "passphrase-xyz",
                "INGEST_ROLE", "LOAD_WH", "MARKET", "RAW", "LAKE.PUBLIC.LAKE_STAGE", 500_000));
    }

    @Test
    void listsEveryMissingVariableAtOnce() {
        assertThatThrownBy(() -> SnowflakeConfig.from(Settings.of(Map.of("SNOWFLAKE_WAREHOUSE", "WH"))))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG))
                .hasMessage("The Snowflake sink needs SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_DATABASE, "
                        + "SNOWFLAKE_PASSWORD or SNOWFLAKE_PRIVATE_KEY_FILE (not set): set them in the environment or .env; see docs/snowflake.md");
    }

    @Test
    void refusesBothPasswordAndPrivateKey() {
        Map<String, String> env = minimal();
        env.put("SNOWFLAKE_PRIVATE_KEY_FILE", "/keys/rsa_key.p8");

        assertThatThrownBy(() -> SnowflakeConfig.from(Settings.of(env)))
                .hasMessage("Both SNOWFLAKE_PASSWORD and SNOWFLAKE_PRIVATE_KEY_FILE are set: keep the one you authenticate with");
    }

    @Test
    void refusesBadAccountAndRowsPerFileAsConfigErrors() {
        Map<String, String> env = minimal();
        env.put("SNOWFLAKE_ACCOUNT", "evil.com/x?");
        assertThatThrownBy(() -> SnowflakeConfig.from(Settings.of(env)))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG))
                .hasMessage("SNOWFLAKE_ACCOUNT 'evil.com/x?' must be an account identifier such as myorg-myaccount");

        Map<String, String> rows = minimal();
        rows.put("SNOWFLAKE_ROWS_PER_FILE", "lots");
        assertThatThrownBy(() -> SnowflakeConfig.from(Settings.of(rows))).hasMessage("SNOWFLAKE_ROWS_PER_FILE 'lots' is not a whole number");
        rows.put("SNOWFLAKE_ROWS_PER_FILE", "0");
        assertThatThrownBy(() -> SnowflakeConfig.from(Settings.of(rows))).hasMessage("SNOWFLAKE_ROWS_PER_FILE must be at least 1, got 0");
    }

    @Test
    void buildsTheJdbcUrlFromAnAccountOrAFullHost() {
        assertThat(SnowflakeConfig.from(Settings.of(minimal())).jdbcUrl()).isEqualTo("jdbc:snowflake://myorg-acct1.snowflakecomputing.com/");
        Map<String, String> env = minimal();
        env.put("SNOWFLAKE_ACCOUNT", "xy12345.eu-west-1.snowflakecomputing.com");
        assertThat(SnowflakeConfig.from(Settings.of(env)).jdbcUrl()).isEqualTo("jdbc:snowflake://xy12345.eu-west-1.snowflakecomputing.com/");
    }

    @Test
    void passwordPropertiesDisablePlatformDetection() {
        Map<String, String> env = minimal();
        env.put("SNOWFLAKE_ROLE", "INGEST_ROLE");

        assertThat(SnowflakeConfig.from(Settings.of(env)).connectionProperties()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "user", "LOADER", "password", "pw-Sn0wfl4ke-test", "role", "INGEST_ROLE", "warehouse", "LOAD_WH", "db", "MARKET",
                "schema", "STOCK_INGEST", "disablePlatformDetection", "true", "JDBC_QUERY_RESULT_FORMAT", "JSON"));
    }

    @Test
    void keyPairPropertiesNameTheKeyFileAndNoPassword() {
        Map<String, String> env = minimal();
        env.remove("SNOWFLAKE_PASSWORD");
        env.put("SNOWFLAKE_PRIVATE_KEY_FILE", "/keys/rsa_key.p8");
        env.put("SNOWFLAKE_PRIVATE_KEY_PASSPHRASE", "passphrase-xyz");

        SnowflakeConfig config = SnowflakeConfig.from(Settings.of(env));

        assertThat(config.connectionProperties()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "user", "LOADER", "authenticator", "SNOWFLAKE_JWT", "private_key_file", "/keys/rsa_key.p8",
                "private_key_file_pwd", "passphrase-xyz", "warehouse", "LOAD_WH", "db", "MARKET", "schema", "STOCK_INGEST",
                "disablePlatformDetection", "true", "JDBC_QUERY_RESULT_FORMAT", "JSON"));
        assertThat(config.maskedConnectionProperties()).containsEntry("private_key_file_pwd", "****").containsEntry("private_key_file", "/keys/rsa_key.p8");
    }

    @Test
    void registersThePasswordAsASecretAndMasksIt() {
        SnowflakeConfig config = SnowflakeConfig.from(Settings.of(minimal()));

        assertThat(Secrets.redact("login with pw-Sn0wfl4ke-test failed")).isEqualTo("login with **** failed");
        assertThat(config.maskedConnectionProperties()).containsEntry("password", "****");
        assertThat(config.toString()).doesNotContain("pw-Sn0wfl4ke-test");
        assertThat(config.describe()).isEqualTo("snowflake:myorg-acct1/MARKET.STOCK_INGEST");
    }
}

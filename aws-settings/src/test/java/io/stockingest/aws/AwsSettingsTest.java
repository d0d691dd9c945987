package io.stockingest.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;

class AwsSettingsTest {
    @Test
    void usesTheKeyPairOfTheSettings() {
        AwsCredentials credentials = AwsSettings.credentials(Settings.of(Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "s3cr3t")))
                .resolveCredentials();
        assertThat(credentials.accessKeyId()).as("key id").isEqualTo("AKIDEXAMPLE");
        assertThat(credentials.secretAccessKey()).as("secret").isEqualTo("s3cr3t");
        assertThat(credentials).as("no session token given").isNotInstanceOf(AwsSessionCredentials.class);
    }

    @Test
    void addsTheSessionTokenWhenSet() {
        AwsCredentials credentials = AwsSettings.credentials(Settings.of(Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "s3cr3t",
                "AWS_SESSION_TOKEN", "tok"))).resolveCredentials();
        assertThat(credentials).isInstanceOfSatisfying(AwsSessionCredentials.class,
                session -> assertThat(session.sessionToken()).as("session token").isEqualTo("tok"));
    }

    @Test
    void fallsBackToTheDefaultChainWithoutBothHalvesOfAPair() {
        assertThat(AwsSettings.credentials(Settings.of(Map.of()))).as("nothing set").isInstanceOf(DefaultCredentialsProvider.class);
        assertThat(AwsSettings.credentials(Settings.of(Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")))).as("a key id alone")
                .isInstanceOf(DefaultCredentialsProvider.class);
    }

    @Test
    void regionIsAwsRegionThenAwsDefaultRegionThenUsEast1() {
        assertThat(AwsSettings.region(Settings.of(Map.of("AWS_REGION", "eu-west-1", "AWS_DEFAULT_REGION", "ap-south-1")))).isEqualTo(Region.EU_WEST_1);
        assertThat(AwsSettings.region(Settings.of(Map.of("AWS_DEFAULT_REGION", "ap-south-1")))).isEqualTo(Region.AP_SOUTH_1);
        assertThat(AwsSettings.region(Settings.of(Map.of()))).isEqualTo(Region.US_EAST_1);
    }
}

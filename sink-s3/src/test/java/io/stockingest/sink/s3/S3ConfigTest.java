package io.stockingest.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class S3ConfigTest {
    @Test
    void defaultsToAwsInUsEast1With32UploadsFourAttemptsAndEightMebibyteParts() {
        S3Config config = S3Config.from("s3://my-bucket", Settings.of(Map.of()));
        assertThat(config).isEqualTo(new S3Config("my-bucket", "", Optional.empty(), "us-east-1", 32, 4, 8L * 1024 * 1024));
        assertThat(config.describe()).isEqualTo("s3://my-bucket");
        assertThat(config.keyOf("raw/x.parquet")).isEqualTo("raw/x.parquet");
    }

    @Test
    void mapsEverySetting() {
        S3Config config = S3Config.from("s3://my-bucket/team/lake/", Settings.of(Map.of("S3_ENDPOINT", "http://127.0.0.1:9000",
                "AWS_REGION", "eu-west-1", "S3_MAX_CONCURRENCY", "64", "S3_MAX_ATTEMPTS", "6", "S3_MULTIPART_THRESHOLD", "16777216")));
        assertThat(config).isEqualTo(new S3Config("my-bucket", "team/lake", Optional.of(URI.create("http://127.0.0.1:9000")), "eu-west-1",
                64, 6, 16L * 1024 * 1024));
        assertThat(config.keyOf("raw/x.parquet")).isEqualTo("team/lake/raw/x.parquet");
        assertThat(config.lakeKeyOf("team/lake/raw/x.parquet")).isEqualTo("raw/x.parquet");
        assertThat(config.describe()).isEqualTo("s3://my-bucket/team/lake");
    }

    @Test
    void takesTheBucketFromS3BucketForABareS3Sink() {
        assertThat(S3Config.from("s3", Settings.of(Map.of("S3_BUCKET", "lake-bucket"))).bucket()).isEqualTo("lake-bucket");
        assertThatThrownBy(() -> S3Config.from("s3", Settings.of(Map.of())))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG))
                .hasMessageStartingWith("S3_BUCKET is not set");
    }

    @Test
    void rejectsBadValuesWithTheSettingNamed() {
        assertThatThrownBy(() -> S3Config.from("s3://Bad_Bucket", Settings.of(Map.of()))).hasMessageContaining("S3 bucket 'Bad_Bucket'");
        assertThatThrownBy(() -> S3Config.from("s3://b-1/../up", Settings.of(Map.of()))).hasMessageContaining("S3 prefix '../up'");
        assertThatThrownBy(() -> S3Config.from("s3://b-1", Settings.of(Map.of("S3_MAX_CONCURRENCY", "lots"))))
                .hasMessageContaining("S3_MAX_CONCURRENCY 'lots' is not a whole number");
        assertThatThrownBy(() -> S3Config.from("s3://b-1", Settings.of(Map.of("S3_MAX_CONCURRENCY", "0")))).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> S3Config.from("s3://b-1", Settings.of(Map.of("S3_ENDPOINT", "localhost:9000"))))
                .hasMessageContaining("S3_ENDPOINT 'localhost:9000' must be an http(s) URL");
        assertThatThrownBy(() -> S3Config.from("s3://b-1", Settings.of(Map.of("S3_MULTIPART_THRESHOLD", "1024"))))
                .hasMessageContaining("S3_MULTIPART_THRESHOLD must be at least 5242880");
        assertThatThrownBy(() -> S3Config.from("gs://b-1", Settings.of(Map.of())))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USAGE));
    }
}

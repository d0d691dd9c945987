package io.stockingest.sink.s3;

import io.stockingest.aws.AwsSettings;
import io.stockingest.core.config.Settings;
import java.time.Duration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * The one place S3 clients are built: the SDK's standard retry strategy with {@code S3_MAX_ATTEMPTS} tries
 * (throttling, 5xx, connection errors; exponential backoff with jitter), path-style addressing when
 * {@code S3_ENDPOINT} names an S3-compatible server, {@code AWS_REGION}, and a connection pool as large as the
 * upload concurrency.
 *
 * <p>Credentials are those of {@link AwsSettings#credentials}: the settings' key pair, else the SDK's default chain.
 *
 * <p>Requests are plain (not multipart) PUTs and GETs; {@link S3LakeStorage} splits large bodies into parts itself
 * so that the conditional header can go on the completing request, and never GETs by part number (which some
 * S3-compatible servers do not support).
 */
public final class S3ClientFactory {
    private S3ClientFactory() {}

    public static S3Client create(S3Config config, Settings settings) {
        var builder = S3Client.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(AwsSettings.credentials(settings))
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(Math.max(config.maxConcurrency() + 8, 16))
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)))
                // integrity without per-chunk signing: over HTTPS the payload is protected by TLS, over plain HTTP
                // (S3_ENDPOINT) the SDK signs the SHA-256 of the whole body; aws-chunked encoding with a CRC trailer
                // costs more CPU than the Parquet encoding of a one-day file
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .overrideConfiguration(c -> c
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(config.maxAttempts()).build()));
        config.endpoint().ifPresent(endpoint -> builder.endpointOverride(endpoint).forcePathStyle(true));
        return builder.build();
    }
}

package io.stockingest.aws;

import io.stockingest.core.config.Settings;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The AWS credentials and region of a run's settings, for every AWS client the product builds (the S3 lake, the
 * Secrets Manager store). Stateless.
 */
public final class AwsSettings {
    /** The region when the settings name none. */
    public static final String DEFAULT_REGION = "us-east-1";

    private AwsSettings() {}

    /**
     * {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY} (with {@code AWS_SESSION_TOKEN} when set) when the
     * settings hold both, e.g. from the {@code .env} file, which the SDK does not read; otherwise the SDK's default
     * chain (environment, system properties, profile, container and instance roles).
     */
    public static AwsCredentialsProvider credentials(Settings settings) {
        var keyId = settings.get("AWS_ACCESS_KEY_ID");
        var secret = settings.get("AWS_SECRET_ACCESS_KEY");
        if (keyId.isPresent() && secret.isPresent()) {
            var token = settings.get("AWS_SESSION_TOKEN");
            return StaticCredentialsProvider.create(token.isPresent()
                    ? AwsSessionCredentials.create(keyId.get(), secret.get(), token.get())
                    : AwsBasicCredentials.create(keyId.get(), secret.get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /** {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION} (as the AWS CLI reads them), else {@value #DEFAULT_REGION}. */
    public static Region region(Settings settings) {
        return Region.of(regionName(settings));
    }

    /** The name of {@link #region}, for messages and configuration records. */
    public static String regionName(Settings settings) {
        return settings.get("AWS_REGION").or(() -> settings.get("AWS_DEFAULT_REGION")).orElse(DEFAULT_REGION);
    }
}

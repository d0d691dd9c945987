package io.stockingest.sink.s3;

import static java.util.Objects.requireNonNull;

import io.stockingest.aws.AwsSettings;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where and how to reach the S3 lake.
 *
 * @param bucket the bucket ({@code s3://BUCKET/...} or {@code S3_BUCKET})
 * @param prefix the lake root inside the bucket, without slashes at either end; empty for the bucket's root
 * @param endpoint {@code S3_ENDPOINT}: an S3-compatible server (MinIO, s3proxy), addressed path-style; empty for AWS
 * @param region {@code AWS_REGION} (else {@code AWS_DEFAULT_REGION}), default {@code us-east-1}
 * @param maxConcurrency {@code S3_MAX_CONCURRENCY}, default 32: uploads in flight at once for the whole sink
 * @param maxAttempts {@code S3_MAX_ATTEMPTS}, default 4: tries per request (the SDK's standard retry strategy)
 * @param multipartThreshold {@code S3_MULTIPART_THRESHOLD} bytes, default 8 MiB: larger bodies go up in parts of
 *     this size (at least 5 MiB, S3's minimum part size)
 */
public record S3Config(String bucket, String prefix, Optional<URI> endpoint, String region, int maxConcurrency, int maxAttempts,
        long multipartThreshold) {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern PREFIX = Pattern.compile("([A-Za-z0-9_.=-]+(/[A-Za-z0-9_.=-]+)*)?");
    static final long MIN_PART = 5L * 1024 * 1024;

    public S3Config {
        requireNonNull(bucket, "bucket is null");
        requireNonNull(prefix, "prefix is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(region, "region is null");
        if (!BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("S3 bucket '" + bucket + "' is not a valid bucket name (3-63 lower-case letters, digits, '.' or '-')");
        }
        if (!PREFIX.matcher(prefix).matches() || prefix.contains("..")) {
            throw new IllegalArgumentException("S3 prefix '" + prefix + "' must be folder names of letters, digits, '_', '-', '.' or '=', separated by '/'");
        }
        if (maxConcurrency < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("S3_MAX_CONCURRENCY and S3_MAX_ATTEMPTS must be at least 1");
        }
        if (multipartThreshold < MIN_PART) {
            throw new IllegalArgumentException("S3_MULTIPART_THRESHOLD must be at least " + MIN_PART + " bytes (S3's minimum part size)");
        }
    }

    /** The lake named by a sink URI: {@code s3://BUCKET[/PREFIX]}, or {@code s3} for {@code S3_BUCKET}. */
    public static S3Config from(String uri, Settings settings) {
        String bucket;
        String prefix;
        if (uri.equals("s3") || uri.equals("s3:") || uri.equals("s3://")) {
            bucket = settings.get("S3_BUCKET").orElseThrow(() -> new IngestException(ErrorKind.CONFIG,
                    "S3_BUCKET is not set: give --sink s3://BUCKET[/PREFIX] or set S3_BUCKET"));
            prefix = "";
        } else if (uri.startsWith("s3://")) {
            String rest = uri.substring("s3://".length());
            int slash = rest.indexOf('/');
            bucket = slash < 0 ? rest : rest.substring(0, slash);
            prefix = slash < 0 ? "" : strip(rest.substring(slash + 1));
        } else {
            throw new IngestException(ErrorKind.USAGE, "Invalid S3 sink '" + uri + "': use s3://BUCKET[/PREFIX] or s3 with S3_BUCKET set");
        }
        return fromParts(bucket, prefix, settings);
    }

    /** The bucket and key of {@code s3://BUCKET/KEY} (for single objects such as a tickers file). */
    static S3Config forObject(String bucket, Settings settings) {
        return fromParts(bucket, "", settings);
    }

    private static S3Config fromParts(String bucket, String prefix, Settings settings) {
        try {
            return new S3Config(bucket, prefix,
                    settings.get("S3_ENDPOINT").map(S3Config::endpoint),
                    AwsSettings.regionName(settings),
                    integer(settings, "S3_MAX_CONCURRENCY", "32"),
                    integer(settings, "S3_MAX_ATTEMPTS", "4"),
                    Long.parseLong(settings.get("S3_MULTIPART_THRESHOLD", String.valueOf(8L * 1024 * 1024))));
        } catch (NumberFormatException e) {
            throw new IngestException(ErrorKind.CONFIG, "S3 setting is not a number: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new IngestException(ErrorKind.CONFIG, e.getMessage());
        }
    }

    private static int integer(Settings settings, String name, String defaultValue) {
        String value = settings.get(name, defaultValue);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + value + "' is not a whole number");
        }
    }

    private static URI endpoint(String value) {
        URI uri = URI.create(value);
        if (uri.getScheme() == null || uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException("S3_ENDPOINT '" + value + "' must be an http(s) URL such as http://localhost:9000");
        }
        return uri;
    }

    private static String strip(String prefix) {
        String p = prefix;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** The object key of a lake key. */
    String keyOf(String lakeKey) {
        return prefix.isEmpty() ? lakeKey : prefix + "/" + lakeKey;
    }

    /** The lake key of an object key under the prefix. */
    String lakeKeyOf(String objectKey) {
        return prefix.isEmpty() ? objectKey : objectKey.substring(prefix.length() + 1);
    }

    /** {@code s3://bucket/prefix}. */
    public String describe() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }
}

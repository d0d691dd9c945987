package io.stockingest.sink.s3;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Reads (and writes) single small objects such as {@code --tickers-path s3://bucket/key.csv}, with the sink's client settings. */
public final class S3Objects {
    private S3Objects() {}

    /** The UTF-8 text of {@code s3://BUCKET/KEY}. */
    public static String readText(String uri, Settings settings) {
        return new String(readBytes(uri, settings), StandardCharsets.UTF_8);
    }

    /** The bytes of {@code s3://BUCKET/KEY}. */
    public static byte[] readBytes(String uri, Settings settings) {
        String bucket = bucket(uri);
        String key = key(uri);
        S3Config config = S3Config.forObject(bucket, settings);
        try (S3Client client = S3ClientFactory.create(config, settings)) {
            return client.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
        } catch (NoSuchKeyException e) {
            throw new IngestException(ErrorKind.USAGE, "Cannot read " + uri + ": no such object", e);
        } catch (S3Exception e) {
            throw new IngestException(e.statusCode() == 403 ? ErrorKind.AUTH : ErrorKind.USAGE, "Cannot read " + uri + ": " + e.statusCode() + " "
                    + (e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode()), e);
        } catch (SdkException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot read " + uri + ": " + e.getMessage(), e);
        }
    }

    /** Stores {@code bytes} as {@code s3://BUCKET/KEY} (e.g. a tickers file), replacing what was there. */
    public static void write(String uri, byte[] bytes, Settings settings) {
        String bucket = bucket(uri);
        S3Config config = S3Config.forObject(bucket, settings);
        try (S3Client client = S3ClientFactory.create(config, settings)) {
            client.putObject(r -> r.bucket(bucket).key(key(uri)), software.amazon.awssdk.core.sync.RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot write " + uri + ": " + e.getMessage(), e);
        }
    }

    private static String bucket(String uri) {
        if (!uri.startsWith("s3://") || uri.indexOf('/', "s3://".length()) < 0 || uri.endsWith("/")) {
            throw new IngestException(ErrorKind.USAGE, "Invalid S3 object '" + uri + "': use s3://BUCKET/KEY");
        }
        String rest = uri.substring("s3://".length());
        return rest.substring(0, rest.indexOf('/'));
    }

    private static String key(String uri) {
        String rest = uri.substring("s3://".length());
        return rest.substring(rest.indexOf('/') + 1);
    }
}

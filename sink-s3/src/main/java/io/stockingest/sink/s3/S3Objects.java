package io.stockingest.sink.s3;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Reads single small objects such as {@code --tickers-path s3://bucket/key.csv}, with the sink's client settings. */
public final class S3Objects {
    private S3Objects() {}

    /** The UTF-8 text of {@code s3://BUCKET/KEY}. */
    public static String readText(String uri, Settings settings) {
        if (!uri.startsWith("s3://") || uri.indexOf('/', "s3://".length()) < 0 || uri.endsWith("/")) {
            throw new IngestException(ErrorKind.USAGE, "Invalid S3 object '" + uri + "': use s3://BUCKET/KEY");
        }
        String rest = uri.substring("s3://".length());
        String bucket = rest.substring(0, rest.indexOf('/'));
        String key = rest.substring(rest.indexOf('/') + 1);
        S3Config config = S3Config.forObject(bucket, settings);
        try (S3Client client = S3ClientFactory.create(config, settings)) {
            return client.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asString(StandardCharsets.UTF_8);
        } catch (NoSuchKeyException e) {
            throw new IngestException(ErrorKind.USAGE, "Cannot read " + uri + ": no such object", e);
        } catch (S3Exception e) {
            throw new IngestException(e.statusCode() == 403 ? ErrorKind.AUTH : ErrorKind.USAGE, "Cannot read " + uri + ": " + e.statusCode() + " "
                    + (e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode()), e);
        } catch (SdkException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot read " + uri + ": " + e.getMessage(), e);
        }
    }
}

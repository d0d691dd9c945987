package io.stockingest.app.faults;

import io.stockingest.core.config.Settings;
import io.stockingest.lake.ParquetFiles;
import io.stockingest.sink.s3.S3ClientFactory;
import io.stockingest.sink.s3.S3Config;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** One s3proxy (in memory, Signature V4) on 127.0.0.1 per test JVM, and an admin client to look into its buckets. */
final class FakeS3 {
    static final String ACCESS_KEY = "fault-access-key";
    static final String SECRET_KEY = "fault-secret-key-0123456789";
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static S3Proxy proxy;
    private static S3Client admin;

    private FakeS3() {}

    static synchronized URI endpoint() {
        if (proxy == null) {
            try {
                proxy = S3Proxy.builder()
                        .blobStore(new TransientNio2BlobStore())
                        .endpoint(URI.create("http://127.0.0.1:0"))
                        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                        .ignoreUnknownHeaders(true)
                        .build();
                proxy.start();
                while (!"STARTED".equals(proxy.getState())) {
                    Thread.onSpinWait();
                }
            } catch (Exception e) {
                throw new IllegalStateException("Cannot start s3proxy", e);
            }
        }
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** The variables a run needs to reach the server at {@code endpoint} (the server itself or a gate in front). */
    static Map<String, String> env(URI endpoint) {
        return Map.of("S3_ENDPOINT", endpoint.toString(), "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    }

    static synchronized S3Client admin() {
        if (admin == null) {
            Settings settings = Settings.of(env(endpoint()));
            admin = S3ClientFactory.create(S3Config.from("s3://admin", settings), settings);
        }
        return admin;
    }

    static String newBucket() {
        String bucket = "faults-" + BUCKETS.incrementAndGet();
        admin().createBucket(r -> r.bucket(bucket));
        return bucket;
    }

    /** Every object under {@code prefix}: key (without the prefix) to its Parquet rows, {@code ingest_ts} left out. */
    static Map<String, List<Map<String, Object>>> parquetObjects(String bucket, String prefix) {
        Map<String, List<Map<String, Object>>> out = new TreeMap<>();
        for (S3Object object : admin().listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
            byte[] bytes = admin().getObjectAsBytes(r -> r.bucket(bucket).key(object.key())).asByteArray();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Map<String, Object> row : ParquetFiles.readRows(bytes)) { // a partial object would not parse
                Map<String, Object> copy = new LinkedHashMap<>(row);
                copy.remove("ingest_ts");
                rows.add(copy);
            }
            out.put(object.key().substring(prefix.length()), rows);
        }
        return out;
    }

    /** Every key in the bucket. */
    static List<String> keys(String bucket) {
        return admin().listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).sorted().toList();
    }

    /** Multipart uploads started and neither completed nor aborted. */
    static int pendingUploads(String bucket) {
        return admin().listMultipartUploads(r -> r.bucket(bucket)).uploads().size();
    }
}

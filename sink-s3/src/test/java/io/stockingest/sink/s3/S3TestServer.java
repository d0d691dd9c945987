package io.stockingest.sink.s3;

import io.stockingest.core.config.Settings;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
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

/**
 * One real S3-compatible server (s3proxy, in memory) on 127.0.0.1 per test JVM, started on first use; every test
 * takes its own bucket. Signature V4 with a test key pair, like AWS. Other modules' tests use it from sink-s3's
 * test-jar.
 */
public final class S3TestServer {
    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key-0123456789";
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static S3Proxy proxy;
    private static S3Client admin;

    private S3TestServer() {}

    public static synchronized URI endpoint() {
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

    /** The settings of a run against {@code endpoint} (the server itself, or a proxy in front of it). */
    public static Settings settings(URI endpoint, Map<String, String> more) {
        Map<String, String> values = new HashMap<>(Map.of(
                "S3_ENDPOINT", endpoint.toString(),
                "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
                "S3_MULTIPART_THRESHOLD", String.valueOf(S3Config.MIN_PART)));
        values.putAll(more);
        return Settings.of(values);
    }

    public static Settings settings() {
        return settings(endpoint(), Map.of());
    }

    /** A new empty bucket. */
    public static synchronized String newBucket() {
        String bucket = "lake-" + BUCKETS.incrementAndGet();
        admin().createBucket(r -> r.bucket(bucket));
        return bucket;
    }

    public static synchronized S3Client admin() {
        if (admin == null) {
            S3Config config = S3Config.from("s3://admin", settings());
            admin = S3ClientFactory.create(config, settings());
        }
        return admin;
    }

    public static S3LakeStorage storage(String bucket, String prefix) {
        return storage(bucket, prefix, settings());
    }

    public static S3LakeStorage storage(String bucket, String prefix, Settings settings) {
        S3Config config = S3Config.from("s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix), settings);
        return new S3LakeStorage(S3ClientFactory.create(config, settings), config);
    }

    /** The variables a run of the CLI needs to reach the server at {@code endpoint} (the server itself or a gate in front). */
    public static Map<String, String> env(URI endpoint) {
        return Map.of("S3_ENDPOINT", endpoint.toString(), "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    }

    /** Every object under {@code prefix}: key (without the prefix) to its Parquet rows, {@code ingest_ts} left out. */
    public static Map<String, List<Map<String, Object>>> parquetObjects(String bucket, String prefix) {
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
    public static List<String> keys(String bucket) {
        return admin().listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).sorted().toList();
    }

    /** Multipart uploads started and neither completed nor aborted. */
    public static int pendingUploads(String bucket) {
        return admin().listMultipartUploads(r -> r.bucket(bucket)).uploads().size();
    }
}

package io.stockingest.sink.s3;

import io.stockingest.core.config.Settings;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.services.s3.S3Client;

/** A dedicated s3proxy for benchmarks (in memory, or on disk under {@code dir}); public for the bench package. */
public final class S3BenchSupport implements AutoCloseable {
    public static final String ACCESS_KEY = S3TestServer.ACCESS_KEY;
    public static final String SECRET_KEY = S3TestServer.SECRET_KEY;
    private final S3Proxy proxy;
    private final Settings settings;
    private final S3Client admin;
    private int buckets;

    private S3BenchSupport(S3Proxy proxy, Settings settings) {
        this.proxy = proxy;
        this.settings = settings;
        this.admin = S3ClientFactory.create(S3Config.from("s3://admin", settings), settings);
    }

    public static S3BenchSupport start(String dir, Map<String, String> more) {
        try {
            BlobStore store = dir == null ? new TransientNio2BlobStore() : new FilesystemNio2BlobStore(dir);
            S3Proxy proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)
                    .ignoreUnknownHeaders(true).build();
            proxy.start();
            while (!"STARTED".equals(proxy.getState())) {
                Thread.onSpinWait();
            }
            Map<String, String> values = new HashMap<>(more);
            URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
            System.out.println("BENCHMARK s3proxy endpoint " + endpoint);
            return new S3BenchSupport(proxy, S3TestServer.settings(endpoint, values));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start s3proxy", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    public String newBucket() {
        String bucket = "bench-" + (++buckets);
        admin.createBucket(r -> r.bucket(bucket));
        return bucket;
    }

    public S3LakeStorage storage(String bucket) {
        S3Config config = S3Config.from("s3://" + bucket, settings);
        return new S3LakeStorage(S3ClientFactory.create(config, settings), config);
    }

    @Override
    public void close() {
        admin.close();
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot stop s3proxy", e);
        }
    }
}

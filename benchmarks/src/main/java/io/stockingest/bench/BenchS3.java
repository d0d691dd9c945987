package io.stockingest.bench;

import io.stockingest.core.config.Settings;
import io.stockingest.sink.s3.S3Objects;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.gaul.s3proxy.AccessGrant;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * The S3 scenarios' server: s3proxy over its filesystem blob store (one directory per bucket, one file per object,
 * the object's metadata in the file's extended attributes), on 127.0.0.1, in the benchmark's own JVM, so the CLI's
 * child JVM gets neither its classes' work nor its CPU. Signature V4 with a benchmark key pair, as against AWS.
 *
 * <p>It counts what it serves: {@link #requests} is every request that reached the blob store lookup (one per S3
 * request, after the headers are checked), {@link #operations} the blob store calls by method name ({@code list} for
 * a ListObjectsV2 page, {@code getBlob}, {@code putBlob}, {@code blobMetadata} for a HEAD, ...; a request may make
 * more than one; the store's {@code supports...} capability questions, asked on every request, are left out).
 * Because an object is a file, a lake can be seeded without a PUT per object: a hard link to a file the server wrote
 * shares its inode, so its extended attributes (ETag, content type) too ({@link #objectPath}). Thread-safe.
 */
final class BenchS3 implements AutoCloseable {
    static final String ACCESS_KEY = "bench-access-key";
    static final String SECRET_KEY = "bench-secret-key-0123456789";
    private final Path root;
    private final S3Proxy proxy;
    private final LongAdder requests = new LongAdder();
    private final Map<String, LongAdder> operations = new ConcurrentHashMap<>();

    private BenchS3(Path root) {
        this.root = root;
        BlobStore store = new FilesystemNio2BlobStore(root.toString());
        BlobStore counting = (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class},
                (self, method, args) -> {
                    // supportsVersioning & co. are the handler asking what the store can do, on every request: not counted
                    if (method.getDeclaringClass() != Object.class && !method.getName().startsWith("supports")) {
                        operations.computeIfAbsent(method.getName(), name -> new LongAdder()).increment();
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        this.proxy = S3Proxy.builder()
                .blobStore(counting)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(true)
                .build();
        // the lookup s3proxy makes once per request (the same answer as its own for one key pair), counted
        proxy.setBlobStoreLocator((identity, container, blob) -> {
            requests.increment();
            return ACCESS_KEY.equals(identity) ? new AccessGrant(SECRET_KEY, counting) : null;
        });
    }

    /** Starts a server whose buckets are the folders of {@code root} (which must exist). */
    static BenchS3 start(Path root) {
        BenchS3 server = new BenchS3(root);
        try {
            server.proxy.start();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start s3proxy on " + root, e);
        }
        while (!"STARTED".equals(server.proxy.getState())) {
            Thread.onSpinWait();
        }
        return server;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** A new empty bucket: a folder under the root, as the filesystem blob store keeps them. */
    String createBucket(String bucket) throws IOException {
        Files.createDirectory(root.resolve(bucket));
        return bucket;
    }

    /** The variables a user sets to run the CLI against this server (with {@code --sink s3://BUCKET/PREFIX}). */
    Map<String, String> env() {
        return Map.of("S3_ENDPOINT", endpoint().toString(), "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    }

    Settings settings() {
        return Settings.of(env());
    }

    /** The file that holds object {@code key} of {@code bucket}. */
    Path objectPath(String bucket, String key) {
        return root.resolve(bucket).resolve(key);
    }

    /** Stores {@code bytes} as {@code s3://BUCKET/KEY} with one PUT (as the CLI would) and returns the file holding it. */
    Path put(String bucket, String key, byte[] bytes) {
        S3Objects.write("s3://" + bucket + "/" + key, bytes, settings());
        return objectPath(bucket, key);
    }

    long requests() {
        return requests.sum();
    }

    /** Blob store calls so far by method name, sorted. */
    Map<String, Long> operations() {
        Map<String, Long> out = new TreeMap<>();
        operations.forEach((name, count) -> out.put(name, count.sum()));
        return out;
    }

    /** {@code after - before} per operation, as {@code list:2000,getBlob:6000} (operations that did not change left out). */
    static String difference(Map<String, Long> before, Map<String, Long> after) {
        StringBuilder out = new StringBuilder();
        after.forEach((name, count) -> {
            long delta = count - before.getOrDefault(name, 0L);
            if (delta != 0) {
                out.append(out.isEmpty() ? "" : ",").append(name).append(':').append(delta);
            }
        });
        return out.isEmpty() ? "none" : out.toString();
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            System.err.println("bench: could not stop s3proxy: " + e.getMessage());
        }
    }
}

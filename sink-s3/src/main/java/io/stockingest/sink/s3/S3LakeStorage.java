package io.stockingest.sink.s3;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A lake in an S3 bucket under a prefix.
 *
 * <ul>
 *   <li>{@link #list} is one paged ListObjectsV2 of the prefix.
 *   <li>{@link #put} is one PutObject, which S3 makes visible whole or not at all; bodies above the multipart
 *       threshold go up as a multipart upload, which also becomes visible only when completed (and is aborted on
 *       failure, so nothing partial remains).
 *   <li>{@link #putIfAbsent} sends {@code If-None-Match: *} (on the PutObject, or on CompleteMultipartUpload): S3
 *       answers 412 if the key exists, so of two runners racing on one key exactly one wins. A 409
 *       (a concurrent conditional write in flight) counts as lost if the key then exists. A server without
 *       conditional writes (501 NotImplemented) is detected once; from then on a HEAD check precedes a plain PUT,
 *       which is weaker: two runners racing inside the gap between HEAD and PUT could both write (the content of a
 *       given partition is deterministic, so the last one wins with the same rows).
 *   <li>{@link #get} is a plain GetObject (never by part number); {@link #getVersioned} also returns its ETag, and
 *       {@link #replaceIfUnchanged} sends it back as {@code If-Match}, so a yearly file merged with new rows never
 *       overwrites a version another writer stored in between (S3 answers 412 and the sink merges again).
 * </ul>
 *
 * <p>Errors become {@link IngestException} of kind {@link ErrorKind#SINK} naming the bucket and key. Thread-safe.
 */
public final class S3LakeStorage implements LakeStorage {
    private final S3Client client;
    private final S3Config config;
    private final AtomicBoolean conditionalWrites = new AtomicBoolean(true);

    public S3LakeStorage(S3Client client, S3Config config) {
        this.client = requireNonNull(client, "client is null");
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    public String describe() {
        return config.describe();
    }

    /** Whether the server has been seen to support {@code If-None-Match: *} (true until it answers 501). */
    public boolean conditionalWrites() {
        return conditionalWrites.get();
    }

    @Override
    public Set<String> list(String prefix) {
        String objectPrefix = config.keyOf(checkKey(prefix));
        try {
            Set<String> keys = new HashSet<>();
            for (S3Object object : client.listObjectsV2Paginator(r -> r.bucket(config.bucket()).prefix(objectPrefix)).contents()) {
                keys.add(config.lakeKeyOf(object.key()));
            }
            return Set.copyOf(keys);
        } catch (SdkException e) {
            throw failure("list", objectPrefix, e);
        }
    }

    /** The ETags: one paginated listing, as {@link #listETags}. */
    @Override
    public java.util.Optional<Map<String, String>> listVersions(String prefix) {
        return java.util.Optional.of(listETags(prefix));
    }

    /** Every object under {@code prefix} (a lake key) with its ETag, in one paginated listing. */
    Map<String, String> listETags(String prefix) {
        String objectPrefix = config.keyOf(checkKey(prefix));
        try {
            Map<String, String> out = new TreeMap<>();
            for (S3Object object : client.listObjectsV2Paginator(r -> r.bucket(config.bucket()).prefix(objectPrefix)).contents()) {
                out.put(config.lakeKeyOf(object.key()), object.eTag());
            }
            return out;
        } catch (SdkException e) {
            throw failure("list", objectPrefix, e);
        }
    }

    @Override
    public boolean putIfAbsent(String key, byte[] bytes) {
        String objectKey = config.keyOf(checkKey(key));
        if (conditionalWrites.get()) {
            try {
                upload(objectKey, bytes, true);
                return true;
            } catch (S3Exception e) {
                if (e.statusCode() == 412) {
                    return false;
                }
                if (e.statusCode() == 409 && exists(objectKey)) {
                    return false;
                }
                if (e.statusCode() != 501 && !"NotImplemented".equals(errorCode(e))) {
                    throw failure("write", objectKey, e);
                }
                conditionalWrites.set(false);
            } catch (SdkException e) {
                throw failure("write", objectKey, e);
            }
        }
        // weaker fallback for servers without conditional writes: HEAD, then PUT
        if (exists(objectKey)) {
            return false;
        }
        try {
            upload(objectKey, bytes, false);
            return true;
        } catch (SdkException e) {
            throw failure("write", objectKey, e);
        }
    }

    @Override
    public void put(String key, byte[] bytes) {
        String objectKey = config.keyOf(checkKey(key));
        try {
            upload(objectKey, bytes, false);
        } catch (SdkException e) {
            throw failure("write", objectKey, e);
        }
    }

    @Override
    public byte[] get(String key) {
        String objectKey = config.keyOf(checkKey(key));
        try {
            return client.getObjectAsBytes(r -> r.bucket(config.bucket()).key(objectKey)).asByteArray();
        } catch (NoSuchKeyException e) {
            throw new IngestException(ErrorKind.SINK, "No object s3://" + config.bucket() + "/" + objectKey, e);
        } catch (SdkException e) {
            throw failure("read", objectKey, e);
        }
    }

    @Override
    public Optional<Versioned> getVersioned(String key) {
        String objectKey = config.keyOf(checkKey(key));
        try {
            var object = client.getObjectAsBytes(r -> r.bucket(config.bucket()).key(objectKey));
            return Optional.of(new Versioned(object.asByteArray(), object.response().eTag()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failure("read", objectKey, e);
        }
    }

    /**
     * A PutObject (or CompleteMultipartUpload) with {@code If-Match: ETAG}: S3 answers 412 if the object changed and
     * 404 if it was deleted, both a lost race; 409 (a concurrent conditional write in flight) counts as lost too.
     * A server without conditional writes (501) gets the same weaker HEAD-then-PUT fallback as {@link #putIfAbsent}.
     */
    @Override
    public boolean replaceIfUnchanged(String key, byte[] bytes, String version) {
        String objectKey = config.keyOf(checkKey(key));
        if (conditionalWrites.get()) {
            try {
                upload(objectKey, bytes, false, version);
                return true;
            } catch (S3Exception e) {
                if (e.statusCode() == 412 || e.statusCode() == 404 || e.statusCode() == 409) {
                    return false;
                }
                if (e.statusCode() != 501 && !"NotImplemented".equals(errorCode(e))) {
                    throw failure("write", objectKey, e);
                }
                conditionalWrites.set(false);
            } catch (SdkException e) {
                throw failure("write", objectKey, e);
            }
        }
        // weaker fallback for servers without conditional writes: compare the ETag (HEAD), then PUT
        if (!eTag(objectKey, "write").filter(version::equals).isPresent()) {
            return false;
        }
        try {
            upload(objectKey, bytes, false);
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw failure("write", objectKey, e);
        } catch (SdkException e) {
            throw failure("write", objectKey, e);
        }
    }

    /**
     * Lists the prefix (one key), then stores a probe object with {@code If-None-Match: *} (which also finds out once
     * whether the server supports conditional writes) and deletes it: a missing bucket, a bad endpoint, wrong
     * credentials or a read-only policy fail here, before the run fetches anything.
     */
    @Override
    public void check() {
        String probe = ".stock-ingest-check/" + LocalLakeStorage.tempName("probe");
        try {
            client.listObjectsV2(r -> r.bucket(config.bucket()).prefix(config.keyOf("")).maxKeys(1));
            putIfAbsent(probe, new byte[] {'o', 'k'});
            client.deleteObject(r -> r.bucket(config.bucket()).key(config.keyOf(probe)));
        } catch (SdkException e) {
            throw unusable(failure("check", config.keyOf(probe), e));
        } catch (IngestException e) {
            throw unusable(e);
        }
    }

    private IngestException unusable(IngestException e) {
        return new IngestException(ErrorKind.CONFIG, "The lake " + describe() + " cannot be written: " + e.getMessage(), e);
    }

    private boolean exists(String objectKey) {
        return eTag(objectKey, "check").isPresent();
    }

    /** The object's ETag by a HEAD, or empty if there is no object; other errors fail {@code action}. */
    private Optional<String> eTag(String objectKey, String action) {
        try {
            return Optional.of(client.headObject(r -> r.bucket(config.bucket()).key(objectKey)).eTag());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure(action, objectKey, e);
        } catch (SdkException e) {
            throw failure(action, objectKey, e);
        }
    }

    private void upload(String objectKey, byte[] bytes, boolean ifAbsent) {
        upload(objectKey, bytes, ifAbsent, null);
    }

    /** {@code ifAbsent}: {@code If-None-Match: *}; {@code ifMatch} (an ETag, or null): {@code If-Match}. */
    private void upload(String objectKey, byte[] bytes, boolean ifAbsent, String ifMatch) {
        if (bytes.length > config.multipartThreshold()) {
            uploadInParts(objectKey, bytes, ifAbsent, ifMatch);
            return;
        }
        client.putObject(r -> {
            r.bucket(config.bucket()).key(objectKey).contentLength((long) bytes.length).contentType(contentType(objectKey));
            if (ifAbsent) {
                r.ifNoneMatch("*");
            }
            if (ifMatch != null) {
                r.ifMatch(ifMatch);
            }
        }, RequestBody.fromBytes(bytes));
    }

    private void uploadInParts(String objectKey, byte[] bytes, boolean ifAbsent, String ifMatch) {
        String uploadId = client.createMultipartUpload(r -> r.bucket(config.bucket()).key(objectKey).contentType(contentType(objectKey))).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int partSize = (int) Math.min(config.multipartThreshold(), Integer.MAX_VALUE);
            for (int offset = 0, number = 1; offset < bytes.length; offset += partSize, number++) {
                byte[] part = Arrays.copyOfRange(bytes, offset, Math.min(bytes.length, offset + partSize));
                int partNumber = number;
                String etag = client.uploadPart(r -> r.bucket(config.bucket()).key(objectKey).uploadId(uploadId).partNumber(partNumber)
                        .contentLength((long) part.length), RequestBody.fromBytes(part)).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
            }
            client.completeMultipartUpload(r -> {
                r.bucket(config.bucket()).key(objectKey).uploadId(uploadId).multipartUpload(m -> m.parts(parts));
                if (ifAbsent) {
                    r.ifNoneMatch("*");
                }
                if (ifMatch != null) {
                    r.ifMatch(ifMatch);
                }
            });
        } catch (RuntimeException e) {
            try {
                client.abortMultipartUpload(r -> r.bucket(config.bucket()).key(objectKey).uploadId(uploadId));
            } catch (SdkException abortFailure) {
                e.addSuppressed(abortFailure);
            }
            throw e;
        }
    }

    private static String contentType(String key) {
        return key.endsWith(".json") ? "application/json" : key.endsWith(".parquet") ? "application/vnd.apache.parquet" : "application/octet-stream";
    }

    private static String checkKey(String key) {
        if (key.startsWith("/") || key.contains("..") || key.contains("//")) {
            throw new IngestException(ErrorKind.SINK, "Refusing a lake key outside the prefix: " + key);
        }
        return key;
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    private IngestException failure(String action, String objectKey, SdkException e) {
        String detail = e instanceof S3Exception s3
                ? s3.statusCode() + " " + (errorCode(s3) == null ? "" : errorCode(s3) + " ")
                        + (s3.awsErrorDetails() == null || s3.awsErrorDetails().errorMessage() == null ? "" : "(" + s3.awsErrorDetails().errorMessage() + ")")
                : e.getMessage();
        return new IngestException(ErrorKind.SINK, "Cannot " + action + " s3://" + config.bucket() + "/" + objectKey + ": " + detail.strip(), e);
    }

    @Override
    public void close() {
        client.close();
    }
}

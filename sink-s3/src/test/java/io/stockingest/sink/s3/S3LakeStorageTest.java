package io.stockingest.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class S3LakeStorageTest extends AbstractLakeStorageTest {
    @Override
    LakeStorage storage() {
        return S3TestServer.storage(S3TestServer.newBucket(), "team/lake");
    }

    @Test
    void keysLiveUnderThePrefixInTheBucket() {
        String bucket = S3TestServer.newBucket();
        S3LakeStorage storage = S3TestServer.storage(bucket, "team/lake");
        storage.put("raw/x/one.bin", new byte[] {1});
        assertThat(storage.describe()).isEqualTo("s3://" + bucket + "/team/lake");
        assertThat(S3TestServer.admin().listObjectsV2(r -> r.bucket(bucket)).contents())
                .extracting(o -> o.key()).containsExactly("team/lake/raw/x/one.bin");
    }

    @Test
    void s3proxyHonoursIfNoneMatchOnPutSoNoFallbackIsNeeded() {
        S3LakeStorage storage = S3TestServer.storage(S3TestServer.newBucket(), "");
        assertThat(storage.putIfAbsent("k.bin", new byte[] {1})).isTrue();
        assertThat(storage.putIfAbsent("k.bin", new byte[] {2})).isFalse();
        assertThat(storage.conditionalWrites()).isTrue();
    }
}

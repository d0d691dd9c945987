package io.stockingest.sink.s3;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class LocalLakeStorageTest extends AbstractLakeStorageTest {
    @TempDir
    Path root;

    @Override
    LakeStorage storage() {
        return new LocalLakeStorage(root);
    }
}

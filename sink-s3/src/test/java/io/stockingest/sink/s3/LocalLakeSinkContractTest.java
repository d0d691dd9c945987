package io.stockingest.sink.s3;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The sink contract on a local lake directory. */
class LocalLakeSinkContractTest extends LakeSinkContract {
    @TempDir
    Path root;

    @Override
    protected Target newTarget() {
        return lake("parquet:" + root, () -> new LocalLakeStorage(root));
    }
}

package io.stockingest.sink.s3;

import io.stockingest.lake.LakeLayout;
import io.stockingest.core.config.Settings;
import io.stockingest.core.spi.ObjectReader;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.SinkFactory;
import java.util.List;
import java.util.Set;

/**
 * {@code --sink s3://BUCKET[/PREFIX]} (or {@code s3} with {@code S3_BUCKET}): the lake in S3, same layout as
 * {@code parquet:DIR} ({@code S3_RAW_PREFIX} names its data folder, default {@code raw}). Also reads single objects
 * by URI ({@code --tickers-path s3://BUCKET/KEY}) with the same client settings.
 */
public final class S3SinkFactory implements SinkFactory, ObjectReader {
    @Override
    public Set<String> schemes() {
        return Set.of("s3");
    }

    @Override
    public List<String> examples() {
        return List.of("s3://BUCKET[/PREFIX]");
    }

    @Override
    public String readText(String uri, Settings settings) {
        return S3Objects.readText(uri, settings);
    }

    @Override
    public Sink create(String uri, Settings settings) {
        S3Config config = S3Config.from(uri.strip(), settings);
        LakeLayout layout = LakeLayout.from(settings);
        S3LakeStorage storage = new S3LakeStorage(S3ClientFactory.create(config, settings), config);
        return new LakeSink(storage.describe(), storage, layout, config.maxConcurrency());
    }
}

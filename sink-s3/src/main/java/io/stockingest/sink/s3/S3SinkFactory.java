package io.stockingest.sink.s3;

import io.stockingest.lake.LakeLayout;
import io.stockingest.core.config.Settings;
import io.stockingest.core.spi.ObjectReader;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.ReadOnlyAccess;
import io.stockingest.core.spi.SinkFactory;
import io.stockingest.core.spi.SinkReader;
import io.stockingest.lake.LakeReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code --sink s3://BUCKET[/PREFIX]} (or {@code s3} with {@code S3_BUCKET}): the lake in S3, same layout as
 * {@code parquet:DIR} ({@code S3_RAW_PREFIX} names its data folder, default {@code raw}). Also reads single objects
 * by URI ({@code --tickers-path s3://BUCKET/KEY}) with the same client settings, and offers read-only access
 * ({@code serve}): the lake's files are copied to a local directory, each fetched again only when its ETag changed,
 * and read there by the lake reader; the stored sessions come from the bucket's own listing.
 */
public final class S3SinkFactory implements SinkFactory, ObjectReader, ReadOnlyAccess {
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

    /** Copies the lake's files (those changed since the last copy) once, when the reader opens; the reader does not see later writes. */
    @Override
    public SinkReader openReader(String uri, Settings settings) {
        S3Config config = S3Config.from(uri.strip(), settings);
        LakeLayout layout = LakeLayout.from(settings);
        S3LakeStorage storage = new S3LakeStorage(S3ClientFactory.create(config, settings), config);
        try {
            Path copy = LakeMirror.defaultDirectory(storage.describe());
            new LakeMirror(storage, layout).sync(copy);
            return new LakeReader(copy, layout.rawPrefix(), new LakeSink(storage.describe(), storage, layout),
                    storage.describe() + " (read from its copy in " + copy + ")");
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
    }
}

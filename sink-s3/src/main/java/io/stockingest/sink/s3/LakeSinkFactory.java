package io.stockingest.sink.s3;

import io.stockingest.lake.LakeLayout;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.ReadOnlyAccess;
import io.stockingest.core.spi.SinkFactory;
import io.stockingest.core.spi.SinkReader;
import io.stockingest.lake.LakeReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code --sink parquet:DIR}: a lake in a local directory ({@code S3_RAW_PREFIX} names its data folder,
 * {@code S3_MAX_CONCURRENCY} bounds the files written at once, default 32). Offers read-only access ({@code serve}):
 * embedded DuckDB over the lake's Parquet files, and the lake's own listing for its stored sessions.
 */
public final class LakeSinkFactory implements SinkFactory, ReadOnlyAccess {
    private static final String SCHEME = "parquet:";

    @Override
    public Set<String> schemes() {
        return Set.of("parquet");
    }

    @Override
    public List<String> examples() {
        return List.of("parquet:DIR");
    }

    /**
     * {@code parquet:./data} names the directory relative to the command's working directory; an empty path stays
     * empty so that {@link #create} refuses it (it would silently be the working directory).
     */
    @Override
    public String resolve(String uri, Path workingDirectory) {
        return uri.startsWith(SCHEME) && !uri.substring(SCHEME.length()).isBlank()
                ? SCHEME + workingDirectory.resolve(uri.substring(SCHEME.length())).normalize() : uri;
    }

    @Override
    public Sink create(String uri, Settings settings) {
        if (!uri.startsWith(SCHEME) || uri.substring(SCHEME.length()).isBlank()) {
            throw new IngestException(ErrorKind.USAGE, "Invalid lake sink '" + uri + "': give a directory, parquet:DIR, e.g. parquet:./data");
        }
        Path dir = Path.of(uri.substring(SCHEME.length()));
        LakeLayout layout = LakeLayout.from(settings);
        int concurrency;
        try {
            concurrency = Integer.parseInt(settings.get("S3_MAX_CONCURRENCY", String.valueOf(LakeSink.DEFAULT_CONCURRENCY)));
        } catch (NumberFormatException e) {
            throw new IngestException(ErrorKind.CONFIG, "S3_MAX_CONCURRENCY '" + settings.get("S3_MAX_CONCURRENCY", "") + "' is not a whole number");
        }
        if (concurrency < 1) {
            throw new IngestException(ErrorKind.CONFIG, "S3_MAX_CONCURRENCY must be at least 1");
        }
        LocalLakeStorage storage = new LocalLakeStorage(dir);
        return new LakeSink(SCHEME + storage.describe(), storage, layout, concurrency);
    }

    @Override
    public SinkReader openReader(String uri, Settings settings) {
        if (!uri.startsWith(SCHEME) || uri.substring(SCHEME.length()).isBlank()) {
            throw new IngestException(ErrorKind.USAGE, "Invalid lake sink '" + uri + "': give a directory, parquet:DIR, e.g. parquet:./data");
        }
        Path dir = Path.of(uri.substring(SCHEME.length()));
        if (!Files.isDirectory(dir)) {
            throw new IngestException(ErrorKind.USAGE, "No lake at " + dir + " (--sink " + uri + "): nothing to read");
        }
        LakeLayout layout = LakeLayout.from(settings);
        LocalLakeStorage storage = new LocalLakeStorage(dir);
        return new LakeReader(dir, layout.rawPrefix(), new LakeSink(SCHEME + storage.describe(), storage, layout));
    }
}

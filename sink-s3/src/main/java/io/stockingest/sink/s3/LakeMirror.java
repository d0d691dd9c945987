package io.stockingest.sink.s3;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.lake.LakeLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A local copy of an S3 lake's files, for {@code serve} (DuckDB reads local Parquet only: its {@code httpfs}
 * extension is never downloaded). Each file is kept under its lake key and fetched again only when its ETag changed
 * (the ETags of the copy are kept in {@code .etags} beside it); files gone from the bucket are removed. Only reads the
 * bucket (LIST and GET). Not thread-safe: one sync at a time per directory.
 */
final class LakeMirror {
    private static final String MANIFEST = ".etags";

    /** What a sync did. */
    record Result(int fetched, int kept, int removed) {}

    private final S3LakeStorage storage;
    private final List<String> prefixes;

    LakeMirror(S3LakeStorage storage, LakeLayout layout) {
        this.storage = requireNonNull(storage, "storage is null");
        // the data, the quarantined rows, the run documents and the feature files: what the lake reader reads
        this.prefixes = List.of(layout.rawPrefix() + "/", "quarantine/", "logs/", "features/");
    }

    /** The default copy of a lake: under the system's temporary directory, one folder per bucket and prefix. */
    static Path defaultDirectory(String lake) {
        return Path.of(System.getProperty("java.io.tmpdir"), "stock-ingest-serve", lake.replaceAll("[^A-Za-z0-9._-]+", "_"));
    }

    /** Brings {@code dir} up to the bucket's listing now. */
    Result sync(Path dir) {
        try {
            Files.createDirectories(dir);
            Properties known = new Properties();
            Path manifest = dir.resolve(MANIFEST);
            if (Files.exists(manifest)) {
                try (InputStream in = Files.newInputStream(manifest)) {
                    known.load(in);
                }
            }
            Map<String, String> listed = new TreeMap<>();
            for (String prefix : prefixes) {
                storage.listETags(prefix).forEach((key, etag) -> {
                    if (!LocalLakeStorage.isTemporary(Path.of(key).getFileName().toString())) {
                        listed.put(key, etag);
                    }
                });
            }
            int fetched = 0;
            int kept = 0;
            Properties now = new Properties();
            for (Map.Entry<String, String> object : listed.entrySet()) {
                Path file = dir.resolve(object.getKey()).normalize();
                if (!file.startsWith(dir)) {
                    throw new IngestException(ErrorKind.SINK, "Refusing a lake key outside the copy: " + object.getKey());
                }
                if (object.getValue().equals(known.getProperty(object.getKey())) && Files.isRegularFile(file)) {
                    kept++;
                } else {
                    Files.createDirectories(file.getParent());
                    Path partial = file.resolveSibling("." + file.getFileName() + ".tmp");
                    Files.write(partial, storage.get(object.getKey()));
                    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    fetched++;
                }
                now.setProperty(object.getKey(), object.getValue());
            }
            int removed = 0;
            for (String key : known.stringPropertyNames()) {
                if (!listed.containsKey(key) && Files.deleteIfExists(dir.resolve(key).normalize())) {
                    removed++;
                }
            }
            try (OutputStream out = Files.newOutputStream(manifest)) {
                now.store(out, "ETags of the lake files copied from " + storage.describe());
            }
            return new Result(fetched, kept, removed);
        } catch (IOException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot copy the lake " + storage.describe() + " to " + dir + ": " + e.getMessage(), e);
        }
    }

}

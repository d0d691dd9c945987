package io.stockingest.sink.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * Iceberg's file access for a warehouse in a local directory, on {@code java.nio} (no Hadoop {@code FileSystem}).
 * Locations are {@code file:/abs/path} URIs (what Spark, Trino and DuckDB read) or plain absolute paths. Listing
 * and deleting by prefix serve orphan-file removal.
 *
 * <p>Thread-safe (stateless).
 */
public final class LocalFileIO implements SupportsPrefixOperations {
    private Map<String, String> properties = Map.of();

    /** {@code file:/abs/path} for a directory or file. */
    public static String uri(Path path) {
        return "file:" + path.toAbsolutePath().normalize();
    }

    /** The path of a location written as {@code file:/p}, {@code file:///p} or {@code /p}. */
    public static Path path(String location) {
        String p = location;
        if (p.startsWith("file://")) {
            p = p.substring("file://".length());
        } else if (p.startsWith("file:")) {
            p = p.substring("file:".length());
        }
        return Path.of(p);
    }

    @Override
    public InputFile newInputFile(String location) {
        return new LocalInput(location);
    }

    @Override
    public OutputFile newOutputFile(String location) {
        Path p = path(location);
        try {
            Files.createDirectories(p.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + p.getParent(), e);
        }
        return new LocalOutput(location);
    }

    @Override
    public void deleteFile(String location) {
        try {
            Files.deleteIfExists(path(location));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + location, e);
        }
    }

    @Override
    public Iterable<FileInfo> listPrefix(String prefix) {
        Path root = path(prefix);
        if (!Files.exists(root)) {
            return List.of();
        }
        List<FileInfo> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).forEach(p -> {
                try {
                    files.add(new FileInfo(uri(p), Files.size(p), Files.getLastModifiedTime(p).toMillis()));
                } catch (NoSuchFileException gone) {
                    // deleted while listing (a concurrent commit's cleanup): not there, so not listed
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot list " + p, e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + prefix, e);
        }
        return files;
    }

    @Override
    public void deletePrefix(String prefix) {
        for (FileInfo file : listPrefix(prefix)) {
            deleteFile(file.location());
        }
    }

    @Override
    public void initialize(Map<String, String> props) {
        this.properties = Map.copyOf(props);
    }

    @Override
    public Map<String, String> properties() {
        return properties;
    }

    /** Reads through Iceberg's local file (seekable {@code RandomAccessFile}), keeping the location as given. */
    private record LocalInput(String location) implements InputFile {
        private InputFile delegate() {
            return org.apache.iceberg.Files.localInput(path(location).toFile());
        }

        @Override
        public long getLength() {
            return delegate().getLength();
        }

        @Override
        public org.apache.iceberg.io.SeekableInputStream newStream() {
            return delegate().newStream();
        }

        @Override
        public boolean exists() {
            return Files.exists(path(location));
        }
    }

    private record LocalOutput(String location) implements OutputFile {
        private OutputFile delegate() {
            return org.apache.iceberg.Files.localOutput(path(location).toFile());
        }

        @Override
        public org.apache.iceberg.io.PositionOutputStream create() {
            return delegate().create();
        }

        @Override
        public org.apache.iceberg.io.PositionOutputStream createOrOverwrite() {
            return delegate().createOrOverwrite();
        }

        @Override
        public InputFile toInputFile() {
            return new LocalInput(location);
        }
    }
}

package io.stockingest.sink.s3;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A lake in a local directory. A file is written under a temporary name ({@code .name.tmp-UUID}) in its final
 * directory and then linked (put-if-absent: a hard link fails if the target exists) or atomically moved (replace)
 * into place, so a reader never sees half a file and a crash leaves at most a temporary file, which listings ignore.
 *
 * <p>Thread-safe.
 */
public final class LocalLakeStorage implements LakeStorage {
    private final Path root;

    public LocalLakeStorage(Path root) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    }

    @Override
    public String describe() {
        return root.toString();
    }

    @Override
    public Set<String> list(String prefix) {
        Path dir = resolve(prefix);
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().startsWith("."))
                    .map(file -> root.relativize(file).toString().replace('\\', '/'))
                    .collect(Collectors.toUnmodifiableSet());
        } catch (IOException | UncheckedIOException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean putIfAbsent(String key, byte[] bytes) {
        Path target = resolve(key);
        Path temp = writeTemp(target, bytes);
        try {
            Files.createLink(target, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | IOException e) {
            return moveIfAbsent(temp, target);
        } finally {
            deleteQuietly(temp);
        }
    }

    private boolean moveIfAbsent(Path temp, Path target) {
        // file systems without hard links: best effort, still atomic for the reader
        if (Files.exists(target)) {
            return false;
        }
        move(temp, target);
        return true;
    }

    @Override
    public void put(String key, byte[] bytes) {
        Path target = resolve(key);
        Path temp = writeTemp(target, bytes);
        try {
            move(temp, target);
        } finally {
            deleteQuietly(temp);
        }
    }

    @Override
    public byte[] get(String key) {
        Path file = resolve(key);
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IngestException(ErrorKind.SINK, "No file " + file, e);
        } catch (IOException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Versioned> getVersioned(String key) {
        Path file = resolve(key);
        try {
            byte[] bytes = Files.readAllBytes(file);
            return Optional.of(new Versioned(bytes, version(bytes)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Compares the file's content hash with {@code version} and moves the new file into place under one lock per key
     * stripe: atomic among the writers of this process. A local directory has no compare-and-swap across processes;
     * the window there is between the hash check and the move (a few microseconds).
     */
    @Override
    public boolean replaceIfUnchanged(String key, byte[] bytes, String version) {
        Path target = resolve(key);
        Path temp = writeTemp(target, bytes);
        try {
            synchronized (LOCKS[Math.floorMod(target.hashCode(), LOCKS.length)]) {
                Optional<Versioned> current = getVersioned(key);
                if (current.isEmpty() || !current.get().version().equals(version)) {
                    return false;
                }
                move(temp, target);
                return true;
            }
        } finally {
            deleteQuietly(temp);
        }
    }

    private static final Object[] LOCKS = java.util.stream.IntStream.range(0, 64).mapToObj(i -> new Object()).toArray();

    /** The SHA-256 of the content, hex. */
    static String version(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private Path writeTemp(Path target, byte[] bytes) {
        try {
            Files.createDirectories(target.getParent());
            Path temp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
            Files.write(temp, bytes);
            return temp;
        } catch (IOException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private static void move(Path temp, Path target) {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot move " + temp + " to " + target + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover temporary file is ignored by listings and overwritten by nothing
        }
    }

    /** Resolves a key under the root, refusing anything that would leave it. */
    Path resolve(String key) {
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root) || key.contains("..")) {
            throw new IngestException(ErrorKind.SINK, "Refusing a lake path outside " + root + ": " + key);
        }
        return path;
    }
}

package io.stockingest.sink.s3;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Files;
import java.nio.file.FileVisitResult;
import java.nio.file.NoSuchFileException;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A lake in a local directory. A file is written under a temporary name in its final directory and then linked
 * (put-if-absent: a hard link fails if the target exists) or atomically moved (replace) into place, so a reader never
 * sees half a file and a crash leaves at most a temporary file, which listings ignore.
 *
 * <p>Temporary names are {@code .NAME.HOST-PID-RANDOM.tmp}: dot-named (Spark, Hive and DuckDB's {@code *.parquet}
 * globs skip them) and ending in {@code .tmp}; readers must ignore both. HOST is 8 hex digits of this machine's host
 * name and PID the writing process. A temporary is <em>stale</em>, and deleted when {@link #list} walks its folder,
 * if it is older than this storage (the run) and either its writer was a process of this host that is gone (a crashed
 * or killed run) or it is older than {@link #STALE_AFTER} (any host: a write takes seconds, not an hour). So a
 * rerun cleans what a killed run left in the folders it touches, and never removes the file a live writer of
 * another runner (on this or another host sharing the folder) is about to link. Temporaries of older versions
 * ({@code .NAME.tmp-UUID}, no writer named) are deleted once older than {@link #STALE_AFTER}.
 *
 * <p>Thread-safe.
 */
public final class LocalLakeStorage implements LakeStorage {
    /** Age after which any temporary file is stale, whoever wrote it. */
    public static final Duration STALE_AFTER = Duration.ofHours(1);
    private static final String HOST = hostTag();
    private static final long PID = ProcessHandle.current().pid();
    private static final Pattern TEMP = Pattern.compile("\\..+\\.([0-9a-f]{8})-([0-9]+)-[0-9a-f]+\\.tmp");
    private static final Pattern LEGACY_TEMP = Pattern.compile("\\..+\\.tmp-[0-9a-f-]{36}");
    private final Path root;
    private final Instant opened;

    public LocalLakeStorage(Path root) {
        this(root, Instant.now());
    }

    /** A storage whose run started at {@code opened}: temporaries younger than that are never removed. */
    LocalLakeStorage(Path root, Instant opened) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        this.opened = requireNonNull(opened, "opened is null");
    }

    /** Whether a reader must skip this file name: a temporary or any other dot-named file. */
    public static boolean isTemporary(String fileName) {
        return fileName.startsWith(".") || fileName.endsWith(".tmp");
    }

    @Override
    public String describe() {
        return root.toString();
    }

    /** The lake directory (absolute). */
    public Path root() {
        return root;
    }

    /**
     * One walk of the folder (as {@link #list}, which reads each entry's attributes anyway): each file's size,
     * modification time (nanoseconds where the file system keeps them) and file key (the inode). A file replaced by
     * a rename gets a new inode, so its tag changes even within one clock tick.
     */
    @Override
    public Optional<java.util.Map<String, String>> listVersions(String prefix) {
        Path dir = resolve(prefix);
        java.util.Map<String, String> out = new java.util.HashMap<>();
        if (!Files.isDirectory(dir)) {
            return Optional.of(out);
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile() && !isTemporary(file.getFileName().toString())) {
                        out.put(root.relativize(file).toString().replace('\\', '/'), attributes.size() + "/"
                                + attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS) + "/" + attributes.fileKey());
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // renamed or removed while walked: the next listing sees it
                    }
                    throw e;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot list " + dir + ": " + e.getMessage(), e);
        }
        return Optional.of(out);
    }

    @Override
    public Set<String> list(String prefix) {
        Path dir = resolve(prefix);
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        Set<String> keys = new HashSet<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile() && (!isTemporary(file.getFileName().toString()) || deleteIfStale(file))) {
                        keys.add(root.relativize(file).toString().replace('\\', '/'));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    // Not an error: another runner's temporary renamed into place (or a stale one deleted) between
                    // reading the folder and looking at the entry. Its final file, if any, is listed or shows at put.
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot list " + dir + ": " + e.getMessage(), e);
        }
        return Set.copyOf(keys);
    }

    /** Threads listing symbol folders at once: directory reads block in the kernel, a few suffice. */
    private static final int LISTING_THREADS = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

    @Override
    public java.util.concurrent.ExecutorService listingExecutor() {
        return java.util.concurrent.Executors.newFixedThreadPool(LISTING_THREADS, Thread.ofPlatform().name("lake-listing-", 0).daemon().factory());
    }

    /**
     * Names only, folder by folder: one {@link DirectoryStream} per folder entered, no attributes read. An entry is
     * taken for a folder when {@code enter} accepts its name (and is read as one: if it is a file after all, it is
     * listed as a file), for a file otherwise; temporaries and other dot-named entries are skipped by name, and a
     * stale temporary is deleted as {@link #list} does (only a temporary is looked at, so a rerun still cleans what a
     * killed run left in the folders it reads). A folder removed while it is read (a concurrent cleanup) counts as
     * empty.
     */
    @Override
    public Set<String> listNames(String prefix, Predicate<String> enter) {
        requireNonNull(enter, "enter is null");
        Path dir = resolve(prefix);
        Set<String> keys = new HashSet<>();
        String base = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
        try {
            readNames(dir, base, enter, keys);
        } catch (IOException | UncheckedIOException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot list " + dir + ": " + e.getMessage(), e);
        }
        return keys;
    }

    private void readNames(Path dir, String base, Predicate<String> enter, Set<String> keys) throws IOException {
        List<String> folders = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (isTemporary(name)) {
                    deleteIfStale(entry);
                    continue;
                }
                if (enter.test(name)) {
                    folders.add(name);
                } else {
                    keys.add(base + name);
                }
            }
        } catch (NoSuchFileException e) {
            return;
        } catch (NotDirectoryException e) {
            // an accepted name that is a file: a key like any other
            if (!base.isEmpty()) {
                keys.add(base.substring(0, base.length() - 1));
            }
            return;
        }
        for (String folder : folders) {
            readNames(dir.resolve(folder), base + folder + "/", enter, keys);
        }
    }

    /** File systems that are no place for a lake: kernel views ({@code /proc}, {@code /sys}) and device nodes. */
    private static final Set<String> NOT_A_LAKE = Set.of("proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "debugfs", "tracefs",
            "securityfs", "configfs", "pstore", "bpf", "mqueue", "hugetlbfs", "fusectl", "efivarfs", "binfmt_misc", "autofs");

    /**
     * Creates the root if needed, refuses a kernel file system ({@code /proc}, {@code /sys}, {@code /dev}), then
     * writes, links and deletes a probe temporary in the root: a read-only directory or file system, a missing
     * permission or a full disk show here.
     */
    @Override
    public void check() {
        try {
            Path existing = root;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null && NOT_A_LAKE.contains(Files.getFileStore(existing).type())) {
                throw unusable("it is on a " + Files.getFileStore(existing).type() + " file system, not a disk");
            }
            Files.createDirectories(root);
            Path probe = root.resolve(tempName("stock-ingest-check"));
            try {
                Files.write(probe, new byte[] {'o', 'k'});
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (FileAlreadyExistsException e) {
            throw unusable("a file is in the way: " + e.getFile());
        } catch (IOException | UncheckedIOException e) {
            throw unusable(e instanceof java.nio.file.AccessDeniedException ? "permission denied on " + e.getMessage()
                    : e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null ? fs.getReason() + " (" + fs.getFile() + ")"
                    : String.valueOf(e.getMessage()));
        }
    }

    private IngestException unusable(String why) {
        return new IngestException(ErrorKind.CONFIG, "The lake directory " + root + " cannot be written: " + why);
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

    /** Deletes {@code temp} if it is stale (see the class comment). Always false: a temporary is never listed. */
    private boolean deleteIfStale(Path temp) {
        try {
            Instant modified = Files.getLastModifiedTime(temp).toInstant();
            if (!modified.isBefore(opened)) {
                return false;
            }
            boolean old = modified.isBefore(Instant.now().minus(STALE_AFTER));
            Matcher named = TEMP.matcher(temp.getFileName().toString());
            boolean writerGone = named.matches() && named.group(1).equals(HOST) && !alive(Long.parseLong(named.group(2)));
            if (old && (named.matches() || LEGACY_TEMP.matcher(temp.getFileName().toString()).matches()) || writerGone) {
                Files.deleteIfExists(temp);
            }
        } catch (IOException | NumberFormatException e) {
            // gone already (another runner cleaned it) or unreadable: leave it, it is never listed
        }
        return false;
    }

    private static boolean alive(long pid) {
        return pid == PID || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The name a temporary of {@code fileName} written by this process gets: {@code .NAME.HOST-PID-RANDOM.tmp}. */
    public static String tempName(String fileName) {
        return "." + fileName + "." + HOST + "-" + PID + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".tmp";
    }

    /** 8 hex digits naming this machine (a hash of its host name, read without DNS). */
    private static String hostTag() {
        String name = null;
        try {
            Path proc = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(proc)) {
                name = Files.readString(proc).strip();
            }
        } catch (IOException | UncheckedIOException e) {
            // fall back to the environment
        }
        if (name == null || name.isEmpty()) {
            name = System.getenv().getOrDefault("HOSTNAME", System.getenv().getOrDefault("COMPUTERNAME", "localhost"));
        }
        return String.format("%08x", name.hashCode());
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
            ReentrantLock lock = LOCKS[Math.floorMod(target.hashCode(), LOCKS.length)];
            lock.lock();
            try {
                Optional<Versioned> current = getVersioned(key);
                if (current.isEmpty() || !current.get().version().equals(version)) {
                    return false;
                }
                move(temp, target);
                return true;
            } finally {
                lock.unlock();
            }
        } finally {
            deleteQuietly(temp);
        }
    }

    /** Locks, not monitors: the check and move do file I/O, and a virtual thread blocked on a monitor pins its carrier on Java 21. */
    private static final ReentrantLock[] LOCKS = java.util.stream.IntStream.range(0, 64).mapToObj(i -> new ReentrantLock()).toArray(ReentrantLock[]::new);

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
            Path temp = target.resolveSibling(tempName(target.getFileName().toString()));
            try {
                Files.write(temp, bytes);
            } catch (IOException e) {
                deleteQuietly(temp); // a full disk leaves an empty or partial temporary: never leave it behind
                throw e;
            }
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

package io.stockingest.app.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real launcher script, {@code ./stock-ingest}, run as a user runs it (a child process with a clean environment)
 * on the fat jar the build just made: how it finds a JDK, and its class-data sharing archive in the user's cache
 * directory.
 */
class LauncherIT {
    private static final Path ROOT = FatJar.jar().toAbsolutePath().getParent().getParent().getParent();
    private static final Path LAUNCHER = ROOT.resolve("stock-ingest");
    private static final Path JDK = Path.of(System.getProperty("java.home"));

    record Run(int exit, String out, String err) {
    }

    private static Run launch(Path home, Map<String, String> extra, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", home.toString());
        env.put("JAVA_HOME", JDK.toString());
        env.putAll(extra);
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the launcher did not end within 120 s");
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static String jdkVersion() throws IOException {
        return Files.readAllLines(JDK.resolve("release")).stream().filter(line -> line.startsWith("JAVA_VERSION="))
                .map(line -> line.substring("JAVA_VERSION=".length()).replace("\"", "")).findFirst().orElseThrow();
    }

    private static List<Path> archives(Path cache) throws IOException {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jsa")).toList();
        }
    }

    @Test
    void makesOneArchivePerJarAndJdkAndUsesItOnTheNextRunWithoutAWord(@TempDir Path home) throws Exception {
        Path cache = home.resolve("cache");
        Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString());

        Run first = launch(home, env, "--version");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).startsWith("stock-ingest ");
        assertThat(first.err()).as("nothing about class-data sharing reaches the user").isEmpty();
        List<Path> made = archives(cache.resolve("stock-ingest"));
        assertThat(made).hasSize(1);
        assertThat(made.getFirst().getFileName().toString()).as("keyed by the jar's checksum and modification time, the JDK and the command")
                .matches("stock-ingest-[0-9]+-" + Files.getLastModifiedTime(FatJar.jar()).toMillis() / 1000 + "-jdk"
                        + java.util.regex.Pattern.quote(jdkVersion()) + "-default\\.jsa");

        Path classes = home.resolve("classes.log");
        Run second = launch(home, Map.of("XDG_CACHE_HOME", cache.toString(), "STOCK_INGEST_OPTS", "-Xlog:class+load=info:file=" + classes), "--version");
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.out()).isEqualTo(first.out());
        assertThat(second.err()).isEmpty();
        // lambdas and other hidden classes are made at run time; every class of ours read from the jar comes from the archive
        List<String> ours = Files.readAllLines(classes).stream().filter(line -> line.contains(" io.stockingest.") && !line.contains("$$Lambda")).toList();
        assertThat(ours).as("our classes loaded").hasSizeGreaterThan(10);
        assertThat(ours).as("every one of our classes comes from the archive the first run made")
                .allMatch(line -> line.contains("source: shared objects file (top)"));
        assertThat(archives(cache.resolve("stock-ingest"))).isEqualTo(made);
    }

    @Test
    void stockIngestCdsZeroMakesNoArchive(@TempDir Path home) throws Exception {
        Path cache = home.resolve("cache");
        Run run = launch(home, Map.of("XDG_CACHE_HOME", cache.toString(), "STOCK_INGEST_CDS", "0"), "--version");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("stock-ingest ");
        assertThat(archives(cache.resolve("stock-ingest"))).isEmpty();
    }

    @Test
    void theArchiveGoesUnderHomeDotCacheWithoutXdgCacheHome(@TempDir Path home) throws Exception {
        Run run = launch(home, Map.of(), "--version");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(archives(home.resolve(".cache/stock-ingest"))).hasSize(1);
    }

    @Test
    void aCacheDirectoryThatCannotBeWrittenDoesNotFailTheRun(@TempDir Path home) throws Exception {
        // /proc refuses new directories even to root; a directory without write permission refuses everyone else
        Run proc = launch(home, Map.of("XDG_CACHE_HOME", "/proc/self"), "--version");
        assertThat(proc.exit()).as(proc.err()).isZero();
        assertThat(proc.out()).startsWith("stock-ingest ");
        assertThat(proc.err()).isEmpty();

        Path readOnly = Files.createDirectories(home.resolve("ro/stock-ingest"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.setPosixFilePermissions(readOnly.getParent(), PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Run locked = launch(home, Map.of("XDG_CACHE_HOME", readOnly.getParent().toString()), "--help");
            assertThat(locked.exit()).as(locked.err()).isZero();
            assertThat(locked.out()).startsWith("Usage: stock-ingest");
            assertThat(locked.err()).isEmpty();
        } finally {
            Files.setPosixFilePermissions(readOnly.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aBrokenArchiveIsReplacedWithoutAWord(@TempDir Path home) throws Exception {
        Path cache = home.resolve("cache");
        Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString());
        assertThat(launch(home, env, "--version").exit()).isZero();
        Path archive = archives(cache.resolve("stock-ingest")).getFirst();
        Files.write(archive, "not an archive at all".repeat(200).getBytes(StandardCharsets.US_ASCII));

        Run run = launch(home, env, "--version");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("stock-ingest ");
        assertThat(run.err()).isEmpty();
        byte[] magic = new byte[4];
        try (var in = Files.newInputStream(archive)) {
            assertThat(in.readNBytes(magic, 0, 4)).isEqualTo(4);
        }
        assertThat(magic).as("a dynamic archive again (0xf00baba8, little-endian)").containsExactly(0xa8, 0xab, 0x0b, 0xf0);
    }

    @Test
    void choosesAJdkByItsReleaseFileWithoutStartingTheOthers(@TempDir Path home) throws Exception {
        // JAVA_HOME points at a JDK 17 whose java would leave a mark if started; the JDK on the PATH is the real one
        Path old = Files.createDirectories(home.resolve("jdk-17/bin"));
        Path started = home.resolve("jdk-17-was-started");
        Path fakeJava = old.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\ntouch '" + started + "'\nexit 1\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(old.getParent().resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"17.0.2\"\n");

        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", old.getParent().toString());
        env.put("PATH", JDK.resolve("bin") + ":/usr/local/bin:/usr/bin:/bin");
        env.put("STOCK_INGEST_CDS", "0");
        Run run = launch(home, env, "--version");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("stock-ingest ");
        assertThat(started).as("the JDK 17 was judged by its release file, not started").doesNotExist();
    }
}

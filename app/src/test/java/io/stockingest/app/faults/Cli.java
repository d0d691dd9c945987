package io.stockingest.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.app.Environment;
import io.stockingest.app.Main;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.testkit.FakeTicker;
import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.lake.ParquetFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The real CLI run in-process against one local {@link FixtureServer} that plays every provider, with recognisable
 * keys so that each case can check no key leaked into output, metrics or the lake.
 */
final class Cli implements AutoCloseable {
    static final String FMP_KEY = "fmpKEYleak0xC0FFEE1234";
    static final String POLYGON_KEY = "polyKEYleak0xBADF00D5678";
    final FixtureServer server = new FixtureServer();
    final FakeTicker ticker = new FakeTicker(Instant.parse("2024-10-01T02:00:00Z"));
    final Path work;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final StringBuilder allOutput = new StringBuilder();

    Cli(Path work) {
        this.work = work;
    }

    static String resource(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    static byte[] bytes(String name) {
        try (InputStream in = Cli.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Map<String, String> baseEnv() {
        Map<String, String> env = new HashMap<>();
        String base = server.baseUri().toString();
        env.put("YAHOO_BASE_URL", base);
        env.put("YAHOO_COOKIE_URL", base);
        env.put("YAHOO_RATE_LIMIT", "1000/sec");
        env.put("FMP_API_KEY", FMP_KEY);
        env.put("FMP_BASE_URL", base);
        env.put("FMP_PLAN", "ultimate");
        env.put("FMP_USAGE_FILE", work.resolve("fmp-usage.txt").toString());
        env.put("POLYGON_API_KEY", POLYGON_KEY);
        env.put("POLYGON_BASE_URL", base);
        env.put("POLYGON_RATE_LIMIT", "1000/sec");
        return env;
    }

    int run(Map<String, String> extra, String... args) {
        Map<String, String> env = baseEnv();
        env.putAll(extra);
        return runIn(env, args);
    }

    private int runIn(Map<String, String> env, String... args) {
        out.reset();
        err.reset();
        Environment environment = new Environment(env, work, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), ticker, false);
        int exit = Main.run(environment, args);
        allOutput.append(out).append(err);
        return exit;
    }

    /** Runs with some variables of {@link #baseEnv()} left out (so that a {@code .env} file supplies them). */
    int runWithout(List<String> names, String... args) {
        Map<String, String> env = baseEnv();
        names.forEach(env::remove);
        return runIn(env, args);
    }

    int run(String... args) {
        return run(Map.of(), args);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    String both() {
        return out() + err();
    }

    RunReport metrics(String file) {
        try {
            return RunReport.fromJson(Files.readString(work.resolve(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lake files (relative to the lake root), temporaries included. */
    List<String> lakeFiles() {
        return files(work.resolve("data"));
    }

    static List<String> files(Path root) {
        if (!Files.exists(root)) {
            return List.of();
        }
        // a running child renames and deletes temporaries while we look: a file that vanished mid-walk is skipped
        List<String> found = new java.util.ArrayList<>();
        try {
            Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        found.add(root.relativize(file).toString().replace('\\', '/'));
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof java.nio.file.NoSuchFileException) {
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found.stream().sorted().toList();
    }

    /** The daily price files (the {@code _checked/} markers left out, see {@link #checkedMarkers}). */
    List<String> priceFiles() {
        return lakeFiles().stream().filter(f -> f.startsWith("raw/prices/") && !f.contains("/_checked/")).toList();
    }

    /** The text of every checked-sessions marker of the lake (docs/lake-layout.md), in key order. */
    List<String> checkedMarkers() {
        return lakeFiles().stream().filter(f -> f.contains("/_checked/")).map(f -> {
            try {
                return Files.readString(work.resolve("data").resolve(f));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    List<Map<String, Object>> rows(String lakeKey) {
        try {
            return ParquetFiles.readRows(Files.readAllBytes(work.resolve("data").resolve(lakeKey)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Map<String, Object>> quarantineRows() {
        return lakeFiles().stream().filter(f -> f.startsWith("quarantine/")).flatMap(f -> rows(f).stream()).toList();
    }

    /** Neither key appears in anything the runs printed or any file under the working directory (Parquet read back too). */
    void assertNoSecretLeaked() {
        StringBuilder seen = new StringBuilder(allOutput);
        for (String file : files(work)) {
            Path path = work.resolve(file);
            try {
                seen.append(new String(Files.readAllBytes(path), StandardCharsets.ISO_8859_1));
                if (file.endsWith(".parquet")) {
                    seen.append(ParquetFiles.readRows(Files.readAllBytes(path)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertThat(seen.toString()).as("output, metrics and lake files").doesNotContain(FMP_KEY).doesNotContain(POLYGON_KEY);
    }

    @Override
    public void close() {
        server.close();
    }
}

package io.stockingest.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.testkit.FixtureServer.Reply;
import io.stockingest.sink.s3.LocalLakeStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency of the local lake: the real CLI in a child JVM (the test classpath, main class
 * {@code io.stockingest.app.Main}) fetches many symbols from a slow local Yahoo; it is SIGKILLed at several points
 * and rerun without {@code --force}. The final lake must hold exactly the price and feature files of a clean run, with
 * the same rows (ingest timestamps aside), and no temporary may be left over. A kill can land inside a price file's
 * write, inside a feature file's write (the features are written before the prices they describe) or between writes:
 * where it lands depends on the machine's speed, and the assertions are the invariants that hold at every point.
 *
 * <p>Nothing depends on timing: the provider holds the last symbol's request while the runs that are killed go, so a
 * run can never finish before its kill (one worker fetches the symbols in order, and the kill thresholds are reached
 * without the last symbol), whatever the speed of the machine or the delay of this test's polling.
 */
class CrashConsistencyTest {
    private static List<String> symbols(int count) {
        return IntStream.range(0, count).mapToObj(i -> "S" + (char) ('A' + i)).toList();
    }

    @TempDir
    Path root;
    private Cli clean;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(Process::destroyForcibly);
        if (clean != null) {
            clean.close();
        }
    }

    private Process child(Path work, Map<String, String> env, List<String> args) throws IOException {
        Files.createDirectories(work);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "io.stockingest.app.Main"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.directory(work.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.redirectOutput(root.resolve("child-out.txt").toFile()).redirectError(root.resolve("child-err.txt").toFile());
        Process process = builder.start();
        started.add(process);
        return process;
    }

    /** The visible price files: a price file is written after its features, so these count the symbols (or sessions) done. */
    private static long visibleFiles(Path lake) {
        return Cli.files(lake.resolve("raw")).stream().filter(f -> !fileName(f).startsWith(".")).count();
    }

    private static String fileName(String relative) {
        return relative.substring(relative.lastIndexOf('/') + 1);
    }

    /**
     * Starts a run and SIGKILLs it once the lake holds at least {@code files} visible price files. The run cannot end
     * first (its last symbol is held by the provider): ending is a failure, as is not reaching {@code files} within
     * {@link #HANG}.
     */
    private void runAndKillAt(Path work, Map<String, String> env, List<String> args, long files) throws Exception {
        Process process = child(work, env, args);
        long deadline = System.nanoTime() + HANG.toNanos();
        while (System.nanoTime() < deadline) {
            if (visibleFiles(work.resolve("data")) >= files) {
                process.destroyForcibly(); // SIGKILL on Unix
                process.waitFor();
                return;
            }
            if (process.waitFor(20, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the child run ended (exit " + process.exitValue() + ") before it had written " + files
                        + " files, with its last symbol held: " + Files.readString(root.resolve("child-err.txt")));
            }
        }
        throw new AssertionError("the child run neither reached " + files + " files nor ended: " + Files.readString(root.resolve("child-err.txt")));
    }

    /** A hang guard only (a run here takes seconds): generous, so that a slow or loaded machine never trips it. */
    private static final Duration HANG = Duration.ofMinutes(3);

    /** Every visible file of the lake's {@code raw/} (prices) and {@code features/} folders: its rows, ingest timestamps aside. */
    private static Map<String, List<Map<String, Object>>> content(Cli cli) {
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        for (String folder : List.of("raw", "features")) {
            if (!Files.isDirectory(cli.work.resolve("data").resolve(folder))) {
                continue;
            }
            for (String file : Cli.files(cli.work.resolve("data").resolve(folder))) {
                if (fileName(file).startsWith(".")) {
                    continue;
                }
                List<Map<String, Object>> rows = new ArrayList<>();
                for (Map<String, Object> row : cli.rows(folder + "/" + file)) {
                    Map<String, Object> copy = new LinkedHashMap<>(row);
                    copy.remove("ingest_ts");
                    rows.add(copy);
                }
                out.put(folder + "/" + file, rows);
            }
        }
        return out;
    }

    @Test
    void yearlyFilesKilledAndResumedWithoutForceEndAsACleanRun() throws Exception {
        // one file per symbol and year (--backfill), 49 sessions each: few files, so the run's time is the slow provider's
        List<String> symbols = symbols(12);
        crashAndResume(symbols, List.of("prices", "--symbols", String.join(",", symbols), "--from", "2020-08-31", "--to", "2020-11-06", "--backfill"),
                List.of(0.25, 0.6));
    }

    @Test
    void dailyFilesKilledMidSymbolAndResumedWithoutForceEndAsACleanRun() throws Exception {
        // one file per symbol and session: a kill can land while a symbol is half written
        List<String> symbols = symbols(3);
        crashAndResume(symbols, List.of("prices", "--symbols", String.join(",", symbols), "--from", "2020-10-01", "--to", "2020-11-06"),
                List.of(0.4));
    }

    private void crashAndResume(List<String> symbols, List<String> args, List<Double> killFractions) throws Exception {
        clean = new Cli(Files.createDirectories(root.resolve("clean")));
        String body = Cli.resource("yahoo/chart_AAPL_1d_2020-08-31_2020-11-07_split_and_dividend.json");
        for (String symbol : symbols) {
            clean.server.on("/v8/finance/chart/" + symbol, Reply.json(200, body).delayed(Duration.ofMillis(200)));
        }
        assertThat(clean.run(args.toArray(String[]::new))).as(clean.both()).isZero();
        Map<String, List<Map<String, Object>>> expected = content(clean);
        assertThat(expected).isNotEmpty();
        Map<String, List<Map<String, Object>>> expectedPrices = new LinkedHashMap<>(expected);
        expectedPrices.keySet().removeIf(file -> !file.startsWith("raw/"));
        assertThat(expectedPrices.values().stream().mapToInt(List::size).sum()).as("price rows of a clean run")
                .isEqualTo(symbols.size() * (args.contains("--backfill") ? 49 : 27));
        assertThat(expected.keySet()).as("a clean run writes the features of every symbol").anyMatch(file -> file.startsWith("features/prices/symbol=" + symbols.getLast() + "/"));

        Path crashed = root.resolve("crashed");
        Map<String, String> env = new HashMap<>(Map.of("YAHOO_BASE_URL", clean.server.baseUri().toString(), "YAHOO_RATE_LIMIT", "1000/sec",
                "MAX_WORKERS", "1", "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
        int total = expectedPrices.size();
        // the killed runs cannot get past the last symbol: each kill lands mid-run, wherever the thresholds fall
        String lastSymbol = "/v8/finance/chart/" + symbols.getLast();
        long filesOfLast = expectedPrices.keySet().stream().filter(file -> file.contains("/symbol=" + symbols.getLast() + "/")).count();
        clean.server.hold(lastSymbol);
        List<Long> killedAt = new ArrayList<>();
        long killedPid = -1;
        for (double fraction : killFractions) {
            long threshold = Math.max(1, Math.round(fraction * total));
            assertThat(threshold).as("a threshold reached without the held symbol").isLessThanOrEqualTo(total - filesOfLast);
            runAndKillAt(crashed, env, args, threshold);
            killedAt.add(visibleFiles(crashed.resolve("data")));
            killedPid = started.getLast().pid();
        }
        assertThat(killedAt).as("visible price files after each kill: fewer than the whole lake").allMatch(files -> files < total);
        assertThat(ProcessHandle.of(killedPid).map(ProcessHandle::isAlive).orElse(false)).as("the killed child is gone").isFalse();
        clean.server.release(lastSymbol);
        long tempsAfterKills = Cli.files(crashed.resolve("data")).stream().filter(f -> f.endsWith(".tmp")).count();
        // a kill lands between two writes far more often than inside one: add the temporary a kill inside a write
        // leaves (named for the killed process, half a file) to every symbol's folder, so the cleanup is always tested
        for (String symbol : symbols) {
            Path folder = crashed.resolve("data/raw/prices/symbol=" + symbol);
            if (Files.isDirectory(folder)) {
                String name = LocalLakeStorage.tempName(symbol + "-half.parquet").replace("-" + ProcessHandle.current().pid() + "-", "-" + killedPid + "-");
                Files.write(folder.resolve(name), new byte[] {'P', 'A', 'R', '1', 0});
                Files.setLastModifiedTime(folder.resolve(name), FileTime.from(Instant.now().minusSeconds(5)));
                tempsAfterKills++;
            }
        }
        Process last = child(crashed, env, args);
        assertThat(last.waitFor(HANG.toSeconds(), TimeUnit.SECONDS)).as("the rerun ended").isTrue();
        assertThat(last.exitValue()).as(Files.readString(root.resolve("child-out.txt")) + Files.readString(root.resolve("child-err.txt"))).isZero();
        assertThat(Files.readString(root.resolve("child-out.txt"))).contains("files     ").contains(" skipped");

        Cli resumed = new Cli(crashed);
        try {
            Map<String, List<Map<String, Object>>> actual = content(resumed);
            assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
            assertThat(actual).isEqualTo(expected);
            List<String> leftovers = Cli.files(crashed.resolve("data")).stream().filter(f -> !f.endsWith(".parquet") && !f.endsWith(".json")).toList();
            assertThat(leftovers).as("the last rerun deleted the temporaries the killed runs left in the folders it wrote").isEmpty();
            System.out.printf("crash consistency %s: killed at %s visible files of %d; temporaries left by the kills: %s%n", args, killedAt, total,
                    tempsAfterKills);
        } finally {
            resumed.close();
        }
    }
}

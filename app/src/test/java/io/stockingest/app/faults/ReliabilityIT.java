package io.stockingest.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.sink.s3.S3TestServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 17's fault probe, on the fat jar run as a child process on two CPUs ({@link FatJar}): a {@code --backfill}
 * or daily rerun into a lake that already holds its files (local and S3), and runs side by side into one lake.
 * Prices come from {@link SyntheticFmp}.
 */
class ReliabilityIT {
    /**
     * Packages whose classes must never be loaded (and so initialised) on a virtual thread. (Woodstox is not among them:
     * the S3 client parses its XML answers with it on the batch's thread; Hadoop's use of it is covered by Hadoop's.)
     */
    private static final List<String> NOT_ON_VIRTUAL_THREADS = List.of("org.apache.parquet.", "org.apache.hadoop.", "org.apache.avro.",
            "com.github.luben.zstd.", "shaded.parquet.");
    /** Per child run; {@code -Dreliability.timeoutMinutes} for the benchmark sizes. */
    private static final Duration TIMEOUT = Duration.ofMinutes(Integer.getInteger("reliability.timeoutMinutes", 3));

    @TempDir
    Path root;
    private final SyntheticFmp fmp = new SyntheticFmp();

    @AfterEach
    void stop() {
        fmp.close();
    }

    private static List<String> symbols(int count) {
        return IntStream.range(0, count).mapToObj(i -> "S" + (char) ('A' + i / 26 % 26) + (char) ('A' + i % 26)).toList();
    }

    private Map<String, String> env(String sink) {
        Map<String, String> env = new HashMap<>(fmp.env());
        if (sink.startsWith("s3://")) {
            env.putAll(S3TestServer.env(S3TestServer.endpoint()));
        }
        return env;
    }

    /**
     * The hang of issue 17: both carrier threads stuck in Hadoop's configuration initialisation inside the Parquet read
     * of a yearly file. The rerun must end (exit 0, no provider request) and, recorded by JFR, no class of Parquet,
     * Hadoop, Avro or zstd-jni may be loaded on a virtual thread (before the fix the reader built a Hadoop
     * {@code Configuration} on the batch's virtual thread, every time).
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"local, yearly", "s3, yearly", "local, daily", "s3, daily"})
    void aRerunIntoALakeThatHoldsItsFilesEndsOnTwoCpus(String storage, String layout) throws IOException {
        // -Dreliability.only="s3 yearly,local yearly" runs only those cases (benchmarks)
        org.junit.jupiter.api.Assumptions.assumeTrue(List.of(System.getProperty("reliability.only", storage + " " + layout).split(","))
                .contains(storage + " " + layout));
        boolean yearly = layout.equals("yearly");
        // A handful of files is enough: the old reader initialised Hadoop on the batch's virtual thread for every
        // yearly file it read. -Dreliability.symbols=200 is the benchmark of docs/reliability.md (200 x 3 years).
        // -Dreliability.dailyYears=3 gives the daily case the yearly case's three years (200 x 3 years: 150,400 files).
        List<String> symbols = symbols(Integer.getInteger("reliability.symbols", yearly ? 6 : 4));
        boolean threeYears = yearly || Integer.getInteger("reliability.dailyYears", 0) == 3;
        LocalDate from = threeYears ? LocalDate.of(2022, 1, 1) : LocalDate.of(2024, 11, 1);
        LocalDate to = threeYears ? LocalDate.of(2024, 12, 31) : LocalDate.of(2024, 11, 8);
        String sink = storage.equals("s3") ? "s3://" + S3TestServer.newBucket() + "/lake" : "parquet:" + root.resolve("lake");
        List<String> args = new ArrayList<>(List.of("prices", "--source", "fmp", "--symbols", String.join(",", symbols), "--from", from.toString(),
                "--to", to.toString(), "--sink", sink));
        if (yearly) {
            args.add("--backfill");
        }
        long files = yearly ? symbols.size() * 3L : symbols.size() * (long) NyseCalendar.instance().sessions(from, to).size();

        FatJar.Run first = FatJar.run(root.resolve("first"), env(sink), TIMEOUT, List.of(), args.toArray(String[]::new));
        assertThat(first.exit()).as("first run: %s", first.both()).isZero();
        System.out.printf("reliability %s %s: %d symbols, first run %.1f s%n", storage, layout, symbols.size(), first.took().toMillis() / 1000.0);
        assertThat(first.out()).as("first run writes every file").contains("files     " + files + " written");
        int firstRequests = fmp.requests();

        Path recording = root.resolve("rerun.jfr");
        FatJar.Run rerun = FatJar.run(root.resolve("rerun"), env(sink), TIMEOUT,
                List.of("-XX:StartFlightRecording:filename=" + recording + ",settings=none,+jdk.ClassLoad#enabled=true"), args.toArray(String[]::new));
        assertThat(rerun.exit()).as("rerun: %s", rerun.both()).isZero();
        // daily files are known by their keys, yearly files by their date column: either way the rerun plans from one
        // listing per symbol (and a read of each year file's dates) and fetches nothing
        assertThat(rerun.out()).as("the rerun fetches nothing: %s", rerun.both()).contains("requests  0 ").contains("nothing fetched")
                .contains("files     0 written");
        assertThat(fmp.requests()).as("provider requests of both runs: the first run's only").isEqualTo(firstRequests);
        assertThat(classesLoadedOnVirtualThreads(recording)).as("classes of Parquet, Hadoop, Avro, zstd-jni loaded on a virtual thread").isEmpty();
        // what the rerun costs beyond its listing: coverage lists the same prefixes and reads the same year files
        FatJar.Run listing = FatJar.run(root.resolve("coverage"), env(sink), TIMEOUT, List.of(), "coverage", "--sink", sink, "--symbols",
                String.join(",", symbols), "--from", from.toString(), "--to", to.toString(), "--format", "csv");
        assertThat(listing.exit()).as("coverage finds nothing missing: %s", listing.both()).isZero();
        // the figures of docs/reliability.md (wall time of each child process, JVM start included)
        System.out.printf("reliability %s %s: %d symbols %s..%s, %,d files: first run %.1f s, rerun %.1f s (JFR on), coverage %.1f s%n", storage, layout,
                symbols.size(), from, to, files, first.took().toMillis() / 1000.0, rerun.took().toMillis() / 1000.0, listing.took().toMillis() / 1000.0);
        if (Integer.getInteger("reliability.symbols") != null) {
            FatJar.Run plain = FatJar.run(root.resolve("plain"), env(sink), TIMEOUT, List.of(), args.toArray(String[]::new));
            assertThat(plain.out()).as("another rerun: %s", plain.both()).contains("requests  0 ");
            FatJar.Run start = FatJar.run(root.resolve("version"), env(sink), TIMEOUT, List.of(), "--version");
            System.out.printf("reliability %s %s: rerun without JFR %.1f s, the JVM alone (--version) %.1f s, exit %d%n", storage, layout,
                    plain.took().toMillis() / 1000.0, start.took().toMillis() / 1000.0, start.exit());
        }
    }

    /**
     * Issue 19's yearly half: a year file counts for the sessions inside it, read from its {@code date} column. One
     * symbol's 2023 file is deleted, another's backfill stopped at the end of June 2023 (its 2023 file holds January to
     * June, it has no 2024 file). {@code coverage} lists exactly those gaps (exit 1); the rerun asks the provider for
     * those two symbols only, once each; then {@code coverage} finds nothing missing and another rerun makes no request.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"local", "s3"})
    void aYearlyRerunRefetchesOnlyADeletedYearAndTheRestOfAPartialYear(String storage) throws IOException {
        List<String> symbols = symbols(4);
        String deleted = symbols.get(0);
        String partial = symbols.get(1);
        String sink = storage.equals("s3") ? "s3://" + S3TestServer.newBucket() + "/lake" : "parquet:" + root.resolve("lake");
        String from = "2022-01-01";
        String to = "2024-12-31";
        List<String> others = symbols.stream().filter(s -> !s.equals(partial)).toList();
        FatJar.Run whole = FatJar.run(root.resolve("whole"), env(sink), TIMEOUT, List.of(), "prices", "--source", "fmp", "--symbols",
                String.join(",", others), "--from", from, "--to", to, "--sink", sink, "--backfill");
        assertThat(whole.exit()).as("first run: %s", whole.both()).isZero();
        FatJar.Run stopped = FatJar.run(root.resolve("stopped"), env(sink), TIMEOUT, List.of(), "prices", "--source", "fmp", "--symbols", partial,
                "--from", from, "--to", "2023-06-30", "--sink", sink, "--backfill");
        assertThat(stopped.exit()).as("a backfill stopped in June: %s", stopped.both()).isZero();
        String yearFile = "raw/prices/symbol=" + deleted + "/year=2023/" + deleted + "-2023.parquet";
        if (storage.equals("s3")) {
            String bucket = sink.substring("s3://".length(), sink.indexOf('/', "s3://".length()));
            S3TestServer.admin().deleteObject(r -> r.bucket(bucket).key("lake/" + yearFile));
        } else {
            java.nio.file.Files.delete(root.resolve("lake").resolve(yearFile));
        }

        String[] coverage = {"coverage", "--sink", sink, "--symbols", String.join(",", symbols), "--from", from, "--to", to, "--format", "csv"};
        FatJar.Run gaps = FatJar.run(root.resolve("coverage"), env(sink), TIMEOUT, List.of(), coverage);
        assertThat(gaps.exit()).as("coverage with gaps: %s", gaps.both()).isEqualTo(1);
        assertThat(gaps.out().lines().filter(line -> line.contains("," + deleted + ",")))
                .as("the deleted year").singleElement().asString().endsWith(",2023-01-03..2023-12-29");
        assertThat(gaps.out().lines().filter(line -> line.contains("," + partial + ",")))
                .as("the rest of the partial year and the year never fetched").singleElement().asString().endsWith(",2023-07-03..2024-12-31");
        assertThat(gaps.out().lines().filter(line -> line.endsWith(",0,"))).as("the two complete symbols").hasSize(2);

        int before = fmp.requests();
        FatJar.Run rerun = FatJar.run(root.resolve("rerun"), env(sink), TIMEOUT, List.of(), "prices", "--source", "fmp", "--symbols",
                String.join(",", symbols), "--from", from, "--to", to, "--sink", sink, "--backfill");
        assertThat(rerun.exit()).as("rerun: %s", rerun.both()).isZero();
        assertThat(fmp.requests() - before).as("one request for each symbol with a gap, none for the complete ones").isEqualTo(2);

        FatJar.Run complete = FatJar.run(root.resolve("coverage"), env(sink), TIMEOUT, List.of(), coverage);
        assertThat(complete.exit()).as("coverage after the rerun: %s", complete.both()).isZero();
        int sessions = NyseCalendar.instance().sessions(LocalDate.parse(from), LocalDate.parse(to)).size();
        assertThat(complete.out().lines().skip(1)).as("every symbol has every session").hasSize(4)
                .allSatisfy(line -> assertThat(line).contains("," + sessions + "," + sessions + ",0,"));

        before = fmp.requests();
        FatJar.Run again = FatJar.run(root.resolve("again"), env(sink), TIMEOUT, List.of(), "prices", "--source", "fmp", "--symbols",
                String.join(",", symbols), "--from", from, "--to", to, "--sink", sink, "--backfill");
        assertThat(again.exit()).as("last rerun: %s", again.both()).isZero();
        assertThat(fmp.requests() - before).as("a complete yearly lake: no request").isZero();
    }

    private static Set<String> classesLoadedOnVirtualThreads(Path recording) throws IOException {
        Set<String> found = new TreeSet<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (event.getEventType().getName().equals("jdk.ClassLoad") && event.getThread() != null && event.getThread().isVirtual()) {
                String name = event.getClass("loadedClass").getName();
                if (NOT_ON_VIRTUAL_THREADS.stream().anyMatch(name::startsWith)) {
                    found.add(name);
                }
            }
        }
        return found;
    }

    /**
     * Runs side by side into one local lake, the same symbols and overlapping ones: each lists folders while the others
     * rename their temporaries into place there. Every run exits 0 and the lake ends complete with no temporary.
     */
    @Test
    void fourRunsSideBySideIntoOneLakeAllSucceed() {
        LocalDate from = LocalDate.of(2024, 11, 1);
        LocalDate to = LocalDate.of(2024, 11, 29);
        // the same symbols in different orders (and an overlapping part), so that one run lists a symbol's folders while
        // another renames its temporaries there: on the jar before the fix (708b4b0) this made runs fail
        List<String> all = symbols(12);
        List<String> reversed = new ArrayList<>(all);
        java.util.Collections.reverse(reversed);
        List<List<String>> runs = List.of(all, reversed, rotated(all, 6), reversed.subList(0, 9));
        Path lake = root.resolve("lake");
        List<FatJar.Child> children = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            children.add(FatJar.start(root.resolve("run" + i), env("parquet:"), List.of(), List.of("prices", "--source", "fmp", "--symbols",
                    String.join(",", runs.get(i)), "--from", from.toString(), "--to", to.toString(), "--sink", "parquet:" + lake)));
        }
        for (int i = 0; i < children.size(); i++) {
            FatJar.Run run = children.get(i).await(TIMEOUT);
            assertThat(run.exit()).as("run %s of 4: %s", i, run.both()).isZero();
        }
        List<String> files = Cli.files(lake.resolve("raw/prices"));
        int sessions = NyseCalendar.instance().sessions(from, to).size();
        assertThat(files).as("no temporary left").noneMatch(f -> f.endsWith(".tmp"));
        assertThat(files.stream().filter(f -> f.endsWith(".parquet")).map(f -> f.substring(0, f.indexOf('/'))).collect(Collectors.groupingBy(s -> s,
                Collectors.counting()))).as("every symbol has every session").hasSize(12).allSatisfy((symbol, count) -> assertThat(count).isEqualTo(sessions));
    }

    private static List<String> rotated(List<String> list, int by) {
        List<String> out = new ArrayList<>(list);
        java.util.Collections.rotate(out, by);
        return out;
    }

    /**
     * Symbols the provider does not know (FMP answers {@code 200 []}) are failed symbols, listed, exit 1: the run wrote
     * every known one and no gate refused any data (it exited 3 before).
     */
    @Test
    void unknownSymbolsAreFailedSymbolsNotAGateBreach() {
        List<String> symbols = symbols(8);
        Set<String> unknown = Set.copyOf(symbols.subList(5, 8));
        try (SyntheticFmp provider = new SyntheticFmp(unknown)) {
            FatJar.Run run = FatJar.run(root.resolve("run"), provider.env(), TIMEOUT, List.of(), "prices", "--source", "fmp", "--symbols",
                    String.join(",", symbols), "--from", "2024-11-01", "--to", "2024-11-08", "--sink", "parquet:" + root.resolve("lake"));
            assertThat(run.exit()).as("unknown symbols fail, nothing is gated: %s", run.both()).isEqualTo(1);
            assertThat(run.both()).as("every unknown symbol is listed").contains(unknown.stream().map(s -> s + ": ").toList())
                    .doesNotContain("data-quality gate");
            int sessions = NyseCalendar.instance().sessions(LocalDate.of(2024, 11, 1), LocalDate.of(2024, 11, 8)).size();
            assertThat(Cli.files(root.resolve("lake/raw/prices")).stream().filter(f -> f.endsWith(".parquet")))
                    .as("the 5 known symbols are written").hasSize(5 * sessions);
        }
    }
}

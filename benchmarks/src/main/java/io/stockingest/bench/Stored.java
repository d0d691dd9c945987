package io.stockingest.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Issue 19's scenarios: what a rerun of a complete lake costs (provider requests and wall time) and how long
 * {@code coverage} takes, for {@link Bench#SYMBOLS} symbols over {@link Bench#FROM}..{@link Bench#TO} (1,000 × 5 years
 * by default), each CLI run in a child JVM with ./stock-ingest's flags.
 *
 * <p>{@code rerun-daily} builds the complete daily lake without the pipeline: one real file written by the CLI (one
 * symbol, one session) is hard-linked under every symbol's and session's key (1.26 million keys). Planning and
 * {@code coverage} read only the keys of daily files, never their contents, so the figures are those of a lake written
 * by runs; building it by runs would take far longer than the measurement. {@code rerun-yearly} writes its lake with
 * a real {@code --backfill} run first (the rerun reads and decodes every year file).
 */
final class Stored {
    /** ext4 allows 65,000 links per file: a fresh copy of the template every this many. */
    private static final int LINKS_PER_COPY = 50_000;

    private Stored() {}

    static List<Bench.Figures> rerunDaily() throws IOException {
        List<String> symbols = Bench.symbols(Bench.SYMBOLS);
        List<LocalDate> sessions = SyntheticProvider.sessions(Bench.FROM, Bench.TO);
        Path work = Files.createTempDirectory("stock-ingest-bench-stored");
        try (SyntheticProvider provider = SyntheticProvider.start(SyntheticProvider.Options.of(Optional.of(Bench.CLIENT_RATE), Bench.LATENCY))) {
            Files.write(work.resolve("tickers.txt"), symbols);
            Map<String, String> seed = Bench.childCli(provider.baseUri(), work, "prices", "--source", "fmp", "--symbols", symbols.getFirst(),
                    "--from", Bench.TO.toString(), "--to", Bench.TO.toString(), "--sink", "parquet:seed");
            if (!"0".equals(seed.get("exit"))) {
                throw new IllegalStateException("the seed run failed: " + seed);
            }
            Path template = only(work.resolve("seed/raw/prices"));
            long buildStart = System.nanoTime();
            Path lake = work.resolve("lake");
            long links = 0;
            Path copy = null;
            for (String symbol : symbols) {
                Path month = null;
                for (LocalDate session : sessions) {
                    if (links % LINKS_PER_COPY == 0) {
                        copy = Files.copy(template, work.resolve("template-" + links + ".parquet"));
                    }
                    Path dir = lake.resolve(String.format("raw/prices/symbol=%s/year=%04d/month=%02d", symbol, session.getYear(), session.getMonthValue()));
                    if (!dir.equals(month)) {
                        Files.createDirectories(dir);
                        month = dir;
                    }
                    Files.createLink(dir.resolve(symbol + "-" + session + ".parquet"), copy);
                    links++;
                }
            }
            long buildNanos = System.nanoTime() - buildStart;
            String tickers = work.resolve("tickers.txt").toString();
            long before = provider.requests();
            Map<String, String> rerun = Bench.childCli(provider.baseUri(), work, "prices", "--source", "fmp", "--tickers-path", tickers,
                    "--from", Bench.FROM.toString(), "--to", Bench.TO.toString(), "--sink", "parquet:lake");
            long rerunRequests = provider.requests() - before;
            String loadRerun = Bench.loadAverage();
            String[] coverageCli = {"coverage", "--tickers-path", tickers, "--from", Bench.FROM.toString(), "--to", Bench.TO.toString(),
                "--sink", "parquet:lake", "--format", "csv"};
            // not measured: the first coverage run of this jar makes the launcher's class-data archive for the command
            Bench.childCli(provider.baseUri(), work, coverageCli);
            Map<String, String> coverage = Bench.childCli(provider.baseUri(), work, coverageCli);
            String loadCoverage = Bench.loadAverage();
            long coverageNanos = Long.parseLong(coverage.get("wall_ns"));
            return List.of(
                    Bench.print("rerun-daily-local", rerunRequests == 0 && "0".equals(rerun.get("exit")), "symbols", symbols.size(), "files", links,
                            "build_s", Bench.seconds(buildNanos), "requests", rerunRequests, "sessions_stored", rerun.get("stored"),
                            "wall_s", Bench.seconds(Long.parseLong(rerun.get("wall_ns"))), "cpu_s", Bench.seconds(Long.parseLong(rerun.get("cpu_ns"))),
                            "load_avg", loadRerun, "exit", rerun.get("exit"), "goal", "0 requests"),
                    Bench.print("coverage-daily-local", coverageNanos < 10_000_000_000L && "0".equals(coverage.get("exit")), "symbols", symbols.size(),
                            "files", links, "wall_s", Bench.seconds(coverageNanos), "cpu_s", Bench.seconds(Long.parseLong(coverage.get("cpu_ns"))),
                            "rows_printed", Long.parseLong(coverage.get("output_lines")) - 1, "load_avg", loadCoverage, "exit", coverage.get("exit"),
                            "goal", "wall < 10 s, exit 0"));
        } finally {
            Bench.deleteTree(work);
        }
    }

    static Bench.Figures rerunYearly() throws IOException {
        List<String> symbols = Bench.symbols(Bench.SYMBOLS);
        Path work = Files.createTempDirectory("stock-ingest-bench-stored");
        try (SyntheticProvider provider = SyntheticProvider.start(SyntheticProvider.Options.of(Optional.of(Bench.CLIENT_RATE), Bench.LATENCY))) {
            Files.write(work.resolve("tickers.txt"), symbols);
            String tickers = work.resolve("tickers.txt").toString();
            String[] run = {"prices", "--source", "fmp", "--tickers-path", tickers, "--from", Bench.FROM.toString(), "--to", Bench.TO.toString(),
                    "--backfill", "--sink", "parquet:lake"};
            Map<String, String> first = Bench.childCli(provider.baseUri(), work, run);
            long firstRequests = provider.requests();
            Map<String, String> rerun = Bench.childCli(provider.baseUri(), work, run);
            long rerunRequests = provider.requests() - firstRequests;
            return Bench.print("rerun-yearly-local", "0".equals(rerun.get("exit")), "symbols", symbols.size(),
                    "first_requests", firstRequests, "first_wall_s", Bench.seconds(Long.parseLong(first.get("wall_ns"))),
                    "requests", rerunRequests, "wall_s", Bench.seconds(Long.parseLong(rerun.get("wall_ns"))),
                    "cpu_s", Bench.seconds(Long.parseLong(rerun.get("cpu_ns"))), "load_avg", Bench.loadAverage(), "exit", rerun.get("exit"),
                    "note", "the rerun reads each year file's date column to know the sessions it holds");
        } finally {
            Bench.deleteTree(work);
        }
    }

    private static Path only(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> parquet = files.filter(p -> p.toString().endsWith(".parquet")).toList();
            if (parquet.size() != 1) {
                throw new IllegalStateException("expected one seed file under " + root + ", found " + parquet);
            }
            return parquet.getFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

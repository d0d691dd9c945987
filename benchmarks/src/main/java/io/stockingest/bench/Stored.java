package io.stockingest.bench;

import io.stockingest.sink.s3.S3Objects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
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
    /**
     * {@code rerun-daily-s3}'s symbols: 200 × 5 years (251,000 objects) unless {@code -Dbench.s3-symbols} says otherwise.
     * Not 1,000: the CLI starts by checking the lake with a one-key ListObjectsV2 of its whole prefix, and s3proxy's
     * filesystem store walks every object under a prefix (reading each one's extended attributes) before it cuts a page
     * to its size; at 1,255,000 objects that took longer than the client's read timeout on this shared 2-core machine
     * (4 attempts, 250 s, then exit 2). S3 answers that request from its index.
     */
    static final int S3_DAILY_SYMBOLS = Integer.getInteger("bench.s3-symbols", 200);
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
            long links = linkDailyLake(work.resolve("lake"), symbols, sessions, n -> copy(template, work.resolve("template-" + n + ".parquet")));
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

    /**
     * {@code rerun-daily-s3}: the same complete daily lake in a bucket of a real S3-compatible server ({@link BenchS3},
     * s3proxy over its filesystem blob store, in this JVM), for {@link #S3_DAILY_SYMBOLS} symbols: the seed file is
     * written by the CLI with a PUT, the other objects are hard links to files the server wrote (a fresh one, by one PUT of the same bytes, every
     * {@link #LINKS_PER_COPY} links), which the server lists and serves as the objects they name, their ETag
     * included. Then the rerun and {@code coverage}, each a child JVM given {@code S3_ENDPOINT} and {@code AWS_*} in its
     * environment and {@code --sink s3://bench/lake}, as a user runs them. Prints the provider's requests, wall and CPU
     * time and the S3 requests the server answered.
     */
    static List<Bench.Figures> rerunDailyS3() throws IOException {
        List<String> symbols = Bench.symbols(S3_DAILY_SYMBOLS);
        List<LocalDate> sessions = SyntheticProvider.sessions(Bench.FROM, Bench.TO);
        Path work = Files.createTempDirectory("stock-ingest-bench-stored-s3");
        try (SyntheticProvider provider = SyntheticProvider.start(SyntheticProvider.Options.of(Optional.of(Bench.CLIENT_RATE), Bench.LATENCY));
                BenchS3 s3 = BenchS3.start(Files.createDirectory(work.resolve("s3")))) {
            String bucket = s3.createBucket("bench");
            Files.write(work.resolve("tickers.txt"), symbols);
            Map<String, String> seed = Bench.childCli(provider.baseUri(), work, s3.env(), "prices", "--source", "fmp", "--symbols", symbols.getFirst(),
                    "--from", Bench.TO.toString(), "--to", Bench.TO.toString(), "--sink", "s3://" + bucket + "/seed");
            if (!"0".equals(seed.get("exit"))) {
                throw new IllegalStateException("the seed run failed: " + seed);
            }
            byte[] template = Files.readAllBytes(only(s3.objectPath(bucket, "seed/raw/prices")));
            long buildStart = System.nanoTime();
            long links = linkDailyLake(s3.objectPath(bucket, "lake"), symbols, sessions,
                    n -> s3.put(bucket, "templates/template-" + n + ".parquet", template));
            long buildNanos = System.nanoTime() - buildStart;
            // a linked object is served as the object its path names
            String probe = "lake/" + dailyKey(symbols.getLast(), sessions.getLast());
            if (!java.util.Arrays.equals(S3Objects.readBytes("s3://" + bucket + "/" + probe, s3.settings()), template)) {
                throw new IllegalStateException("s3://" + bucket + "/" + probe + " does not read back as the seed file");
            }
            String sink = "s3://" + bucket + "/lake";
            String tickers = work.resolve("tickers.txt").toString();
            S3Run rerun = againstS3(provider, s3, work, "prices", "--source", "fmp", "--tickers-path", tickers,
                    "--from", Bench.FROM.toString(), "--to", Bench.TO.toString(), "--sink", sink);
            S3Run coverage = againstS3(provider, s3, work, "coverage", "--tickers-path", tickers,
                    "--from", Bench.FROM.toString(), "--to", Bench.TO.toString(), "--sink", sink, "--format", "csv");
            return List.of(
                    Bench.print("rerun-daily-s3", rerun.requests() == 0 && "0".equals(rerun.cli().get("exit")), "symbols", symbols.size(), "objects", links,
                            "build_s", Bench.seconds(buildNanos), "requests", rerun.requests(), "sessions_stored", rerun.cli().get("stored"),
                            "wall_s", Bench.seconds(Long.parseLong(rerun.cli().get("wall_ns"))), "cpu_s", Bench.seconds(Long.parseLong(rerun.cli().get("cpu_ns"))),
                            "s3_requests", rerun.s3Requests(), "s3_calls", rerun.s3Calls(), "server_cpu_s", Bench.seconds(rerun.serverCpuNanos()),
                            "load_avg", rerun.load(), "exit", rerun.cli().get("exit"), "goal", "0 requests"),
                    Bench.print("coverage-daily-s3", "0".equals(coverage.cli().get("exit")), "symbols", symbols.size(), "objects", links,
                            "wall_s", Bench.seconds(Long.parseLong(coverage.cli().get("wall_ns"))), "cpu_s", Bench.seconds(Long.parseLong(coverage.cli().get("cpu_ns"))),
                            "rows_printed", Long.parseLong(coverage.cli().get("output_lines")) - 1, "s3_requests", coverage.s3Requests(), "s3_calls", coverage.s3Calls(),
                            "server_cpu_s", Bench.seconds(coverage.serverCpuNanos()), "load_avg", coverage.load(), "exit", coverage.cli().get("exit"),
                            "goal", "exit 0 (nothing missing), list calls only"));
        } finally {
            Bench.deleteTree(work);
        }
    }

    /**
     * {@code rerun-yearly-s3}: a real {@code --backfill} run writes the yearly lake to the S3-compatible server, then the
     * same command runs again (the rerun), then {@code coverage}; each a child JVM as in {@link #rerunDailyS3}.
     */
    static List<Bench.Figures> rerunYearlyS3() throws IOException {
        List<String> symbols = Bench.symbols(Bench.SYMBOLS);
        Path work = Files.createTempDirectory("stock-ingest-bench-stored-s3");
        try (SyntheticProvider provider = SyntheticProvider.start(SyntheticProvider.Options.of(Optional.of(Bench.CLIENT_RATE), Bench.LATENCY));
                BenchS3 s3 = BenchS3.start(Files.createDirectory(work.resolve("s3")))) {
            String bucket = s3.createBucket("bench");
            Files.write(work.resolve("tickers.txt"), symbols);
            String tickers = work.resolve("tickers.txt").toString();
            String sink = "s3://" + bucket + "/lake";
            String[] run = {"prices", "--source", "fmp", "--tickers-path", tickers, "--from", Bench.FROM.toString(), "--to", Bench.TO.toString(),
                    "--backfill", "--sink", sink};
            S3Run first = againstS3(provider, s3, work, run);
            S3Run rerun = againstS3(provider, s3, work, run);
            S3Run coverage = againstS3(provider, s3, work, "coverage", "--tickers-path", tickers,
                    "--from", Bench.FROM.toString(), "--to", Bench.TO.toString(), "--sink", sink, "--format", "csv");
            return List.of(
                    Bench.print("rerun-yearly-s3", rerun.requests() == 0 && "0".equals(rerun.cli().get("exit")), "symbols", symbols.size(),
                            "first_requests", first.requests(), "first_wall_s", Bench.seconds(Long.parseLong(first.cli().get("wall_ns"))),
                            "first_s3_requests", first.s3Requests(), "requests", rerun.requests(), "sessions_stored", rerun.cli().get("stored"),
                            "wall_s", Bench.seconds(Long.parseLong(rerun.cli().get("wall_ns"))), "cpu_s", Bench.seconds(Long.parseLong(rerun.cli().get("cpu_ns"))),
                            "s3_requests", rerun.s3Requests(), "s3_calls", rerun.s3Calls(), "server_cpu_s", Bench.seconds(rerun.serverCpuNanos()),
                            "load_avg", rerun.load(), "exit", rerun.cli().get("exit"), "goal", "0 requests"),
                    Bench.print("coverage-yearly-s3", "0".equals(coverage.cli().get("exit")), "symbols", symbols.size(),
                            "wall_s", Bench.seconds(Long.parseLong(coverage.cli().get("wall_ns"))), "cpu_s", Bench.seconds(Long.parseLong(coverage.cli().get("cpu_ns"))),
                            "rows_printed", Long.parseLong(coverage.cli().get("output_lines")) - 1, "s3_requests", coverage.s3Requests(), "s3_calls", coverage.s3Calls(),
                            "server_cpu_s", Bench.seconds(coverage.serverCpuNanos()), "load_avg", coverage.load(), "exit", coverage.cli().get("exit"),
                            "goal", "exit 0 (nothing missing)"));
        } finally {
            Bench.deleteTree(work);
        }
    }

    /** One CLI run against the S3 server: its figures, and what it cost the provider and the S3 server. */
    private record S3Run(Map<String, String> cli, long requests, long s3Requests, String s3Calls, long serverCpuNanos, String load) {
    }

    /** Runs {@code cli} in a child with the S3 server's settings, counting the provider's and the S3 server's requests and the server's CPU. */
    private static S3Run againstS3(SyntheticProvider provider, BenchS3 s3, Path work, String... cli) {
        long requests = provider.requests();
        long s3Requests = s3.requests();
        Map<String, Long> calls = s3.operations();
        long serverCpu = Bench.processCpuNanos(); // the S3 server runs in this JVM
        Map<String, String> figures = Bench.childCli(provider.baseUri(), work, s3.env(), cli);
        return new S3Run(figures, provider.requests() - requests, s3.requests() - s3Requests, BenchS3.difference(calls, s3.operations()),
                Bench.processCpuNanos() - serverCpu, Bench.loadAverage());
    }

    /** A daily bar file's key in a lake: {@code raw/prices/symbol=S/year=YYYY/month=MM/S-YYYY-MM-DD.parquet}. */
    static String dailyKey(String symbol, LocalDate session) {
        return String.format("raw/prices/symbol=%s/year=%04d/month=%02d/%s-%s.parquet", symbol, session.getYear(), session.getMonthValue(), symbol, session);
    }

    /**
     * Hard-links a file of {@code copies} under every symbol's and session's daily key below {@code lake} (a lake's
     * root folder); {@code copies} is asked for a fresh file with the template's bytes before the first link and
     * every {@link #LINKS_PER_COPY} links after it (given the links made so far). Returns the number of links.
     */
    static long linkDailyLake(Path lake, List<String> symbols, List<LocalDate> sessions, LongFunction<Path> copies) throws IOException {
        long links = 0;
        Path copy = null;
        for (String symbol : symbols) {
            Path month = null;
            for (LocalDate session : sessions) {
                if (links % LINKS_PER_COPY == 0) {
                    copy = copies.apply(links);
                }
                Path file = lake.resolve(dailyKey(symbol, session));
                if (!file.getParent().equals(month)) {
                    Files.createDirectories(file.getParent());
                    month = file.getParent();
                }
                Files.createLink(file, copy);
                links++;
            }
        }
        return links;
    }

    private static Path copy(Path from, Path to) {
        try {
            return Files.copy(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path only(Path root) {
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

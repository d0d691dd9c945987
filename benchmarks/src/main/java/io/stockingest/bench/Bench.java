package io.stockingest.bench;

import io.stockingest.app.Environment;
import io.stockingest.app.Main;
import io.stockingest.core.http.RateLimit;
import io.stockingest.core.http.Ticker;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark scenarios: {@code rate-efficiency}, {@code throttled-server}, {@code memory}, {@code cpu} and
 * {@code all}. Each scenario starts a {@link SyntheticProvider} in this JVM and runs the real CLI
 * ({@code stock-ingest prices --source fmp ... --backfill --sink parquet:TMP}, through {@link Main#run}) in a child
 * JVM on the same classpath with {@code ./stock-ingest}'s default flags ({@code stock-ingest.jvm-options}), so that
 * the client's wall time, CPU time and peak RSS are its own and not the server's. Each prints one line of figures;
 * {@code all} prints a table.
 */
public final class Bench {
    static final int SYMBOLS = Integer.getInteger("bench.symbols", 1000);
    static final LocalDate FROM = LocalDate.parse(System.getProperty("bench.from", "2021-11-22"));
    static final LocalDate TO = LocalDate.parse(System.getProperty("bench.to", "2026-11-20"));
    static final RateLimit CLIENT_RATE = RateLimit.parse("3000/min");
    static final Duration LATENCY = Duration.ofMillis(50);
    static final int WORKERS = 16;
    private static final String CHILD = "client-run";
    private static final String CHILD_CLI = "client-cli";

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
            System.exit(2);
        }
        String scenario = args[0];
        if (scenario.equals(CHILD)) {
            System.exit(clientRun(args));
        }
        if (scenario.equals(CHILD_CLI)) {
            System.exit(clientCli(args));
        }
        List<Figures> rows = new ArrayList<>();
        switch (scenario) {
            case "rate-efficiency" -> rows.add(rateEfficiency(fullRun()));
            case "rate-only" -> rows.add(rateOnly());
            case "dashboard" -> rows.addAll(DashboardBench.run(SYMBOLS, FROM, TO));
            case "throttled-server" -> rows.add(throttledServer());
            case "sliding-second" -> rows.add(slidingSecond());
            case "sliding-half" -> rows.add(slidingHalf());
            case "fixed-minute" -> rows.add(fixedMinute());
            case "windows" -> {
                rows.add(slidingSecond());
                rows.add(slidingHalf());
                rows.add(fixedMinute());
                System.out.println();
                System.out.print(table(rows));
            }
            case "rerun-daily" -> rows.addAll(Stored.rerunDaily());
            case "rerun-yearly" -> rows.add(Stored.rerunYearly());
            case "rerun-daily-s3" -> rows.addAll(Stored.rerunDailyS3());
            case "rerun-yearly-s3" -> rows.addAll(Stored.rerunYearlyS3());
            case "memory" -> rows.add(memory(fullRun()));
            case "cpu" -> rows.add(cpu(fullRun()));
            case "postgres" -> rows.add(PostgresEndToEnd.run());
            case "all" -> {
                // memory and cpu read the figures of the same full run as rate-efficiency (a run takes 1-2 minutes here)
                Outcome full = fullRun();
                rows.add(rateEfficiency(full));
                rows.add(memory(full));
                rows.add(cpu(full));
                rows.add(rateOnly());
                rows.add(throttledServer());
                rows.add(slidingSecond());
                rows.add(slidingHalf());
                rows.add(fixedMinute());
                System.out.println();
                System.out.print(table(rows));
            }
            default -> {
                usage();
                System.exit(2);
            }
        }
        System.exit(rows.stream().allMatch(Figures::passed) ? 0 : 1);
    }

    /** Reads a child's {@code CHILD k=v k=v ...} line into {@code figures}; false for any other line. */
    private static boolean childFigures(String line, Map<String, String> figures) {
        if (!line.startsWith("CHILD ")) {
            return false;
        }
        for (String pair : line.substring(6).split(" ")) {
            int eq = pair.indexOf('=');
            figures.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return true;
    }

    private static void usage() {
        System.err.println("usage: stock-ingest-bench rate-efficiency|rate-only|dashboard|throttled-server|sliding-second|sliding-half|fixed-minute|windows|"
                + "memory|cpu|all|rerun-daily|rerun-yearly|rerun-daily-s3|rerun-yearly-s3|postgres");
    }

    // ---------------------------------------------------------------- scenarios

    /** Scenario 1's run: 1,000 symbols x 5 years, FMP at 3000/min, 50 ms latency. */
    static Outcome fullRun() {
        return run(SyntheticProvider.Options.of(Optional.of(CLIENT_RATE), LATENCY), CLIENT_RATE, SYMBOLS, FROM, TO);
    }

    static Figures rateEfficiency(Outcome o) {
        return efficiencyLine("rate-efficiency", o);
    }

    /**
     * A control for scenario 1: the same 1,000 requests for one week of bars each, so that parsing and Parquet
     * encoding cost next to nothing and the figure shows what the rate limiter and the pipeline alone achieve.
     */
    static Figures rateOnly() {
        return efficiencyLine("rate-only", run(SyntheticProvider.Options.of(Optional.of(CLIENT_RATE), LATENCY), CLIENT_RATE, SYMBOLS,
                TO.minusDays(6), TO));
    }

    private static Figures efficiencyLine(String name, Outcome o) {
        double minimum = o.serverRequests / perSecond(CLIENT_RATE);
        double efficiency = minimum / o.wallSeconds();
        boolean ok = efficiency >= 0.97 && o.server429 == 0 && o.complete();
        return print(name, ok, ordered(
                "requests", o.serverRequests, "429s", o.server429, "peak_in_window", o.peakInWindow + "/" + CLIENT_RATE.permits(),
                "wall_s", f2(o.wallSeconds()), "min_s", f2(minimum), "efficiency", f3(efficiency),
                // first to last request at the server: the pacing alone, without start-up and the last writes
                "request_span_s", f2(o.spanNanos / 1e9), "pacing", f3((o.serverRequests - 1) / perSecond(CLIENT_RATE) / (o.spanNanos / 1e9)),
                "rows", o.rows + "/" + o.expectedRows, "client_cpu_s", f2(o.cpuSeconds()), "server_cpu_s", f2(o.serverCpuNanos / 1e9), "load_avg", o.loadAverage,
                "exit", o.exitCode, "goal", "efficiency>=0.97 and 0 429s"));
    }

    /**
     * The server really allows half of the client's {@code 3000/min}: 250 per 10 s (1,500/min). A window of 10 s rather
     * than a minute, because 1,000 requests fit in one minute's 1,500 and would never be refused. Each request asks
     * for one week ({@code rate-only}'s workload): on the 2-core machine the 5-year workload is CPU-bound below
     * 25 requests a second, so the server never had to refuse anything (measured: 0 429s) and adaptation went untested.
     */
    static Figures throttledServer() {
        RateLimit serverLimit = new RateLimit(250, Duration.ofSeconds(10));
        Outcome o = run(SyntheticProvider.Options.of(Optional.of(serverLimit), LATENCY), CLIENT_RATE, SYMBOLS, TO.minusDays(6), TO);
        return serverRateLine("throttled-server", o, serverLimit, 0.9, Long.MAX_VALUE);
    }

    /**
     * Told 3000/min; the server allows exactly that but counts in a sliding window of one second (50 per second), as
     * Polygon's paid plans and many gateways do: 600 requests of one year each. Arrivals must be smooth enough that
     * no second ever holds 51.
     */
    static Figures slidingSecond() {
        RateLimit serverLimit = new RateLimit(50, Duration.ofSeconds(1));
        Outcome o = run(SyntheticProvider.Options.of(Optional.of(serverLimit), LATENCY), CLIENT_RATE, 600, TO.minusYears(1).plusDays(1), TO);
        double minimum = o.serverRequests / perSecond(serverLimit);
        double efficiency = minimum / o.wallSeconds();
        boolean ok = efficiency >= 0.97 && o.server429 == 0 && o.complete() && o.exitCode == 0;
        return print("sliding-second", ok, ordered(
                "requests", o.serverRequests, "429s", o.server429, "peak_in_window", o.peakInWindow + "/" + serverLimit.permits(), "server_limit", "50/1s sliding",
                "client_told", CLIENT_RATE.toString(), "wall_s", f2(o.wallSeconds()), "min_s", f2(minimum), "efficiency", f3(efficiency),
                "request_span_s", f2(o.spanNanos / 1e9), "pacing", f3((o.serverRequests - 1) / perSecond(serverLimit) / (o.spanNanos / 1e9)),
                "rows", o.rows + "/" + o.expectedRows, "load_avg", o.loadAverage, "exit", o.exitCode, "goal", "efficiency>=0.97 and 0 429s"));
    }

    /** Told 3000/min; the server allows half, 25 in any sliding second: 300 requests of one year each. */
    static Figures slidingHalf() {
        RateLimit serverLimit = new RateLimit(25, Duration.ofSeconds(1));
        Outcome o = run(SyntheticProvider.Options.of(Optional.of(serverLimit), LATENCY), CLIENT_RATE, 300, TO.minusYears(1).plusDays(1), TO);
        return serverRateLine("sliding-half", o, serverLimit, 0.90, 5);
    }

    /**
     * Told 3000/min; the server allows 1,500 per fixed minute from its start (FMP's way, half the told rate): 2,000
     * requests of one week each. The yardstick is the least time the windows allow at the told rate
     * ({@link SyntheticProvider#idealSpan}): 1,500 in the first window, then wait for its roll.
     */
    static Figures fixedMinute() {
        RateLimit serverLimit = new RateLimit(1500, Duration.ofMinutes(1));
        int symbols = 2000;
        Outcome o = run(SyntheticProvider.Options.of(Optional.of(serverLimit), LATENCY).fixedWindows(), CLIENT_RATE, symbols, TO.minusDays(6), TO);
        double minimum = o.idealNanos / 1e9;
        boolean ok = o.complete() && o.exitCode == 0 && o.wallSeconds() <= 1.1 * minimum;
        return print("fixed-minute", ok, ordered(
                "requests", o.serverRequests, "429s", o.server429, "server_limit", "1500/min fixed", "client_told", CLIENT_RATE.toString(),
                "wall_s", f2(o.wallSeconds()), "windows_min_s", f2(minimum), "wall_over_min", f3(o.wallSeconds() / minimum),
                "request_span_s", f2(o.spanNanos / 1e9), "rows", o.rows + "/" + o.expectedRows, "load_avg", o.loadAverage, "exit", o.exitCode,
                "goal", "every row, wall<=1.1x the windows' minimum"));
    }

    /** Figures against a server slower than told: the share of its real rate reached, wall (start-up included) and span. */
    private static Figures serverRateLine(String name, Outcome o, RateLimit serverLimit, double goal, long max429) {
        double minimum = (o.serverRequests - o.server429) / perSecond(serverLimit);
        double share = minimum / o.wallSeconds();
        double spanShare = (o.serverRequests - o.server429 - 1) / perSecond(serverLimit) / (o.spanNanos / 1e9);
        boolean ok = o.complete() && o.exitCode == 0 && share >= goal && o.server429 <= max429;
        return print(name, ok, ordered(
                "requests", o.serverRequests, "429s", o.server429, "client_retries", o.clientRetries, "server_limit", serverLimit.toString(),
                "client_told", CLIENT_RATE.toString(), "wall_s", f2(o.wallSeconds()), "min_s", f2(minimum), "share_of_server_rate", f3(share),
                "request_span_s", f2(o.spanNanos / 1e9), "span_share", f3(spanShare), "rows", o.rows + "/" + o.expectedRows,
                "load_avg", o.loadAverage, "exit", o.exitCode,
                "goal", "every row, exit 0, share>=" + goal + (max429 == Long.MAX_VALUE ? "" : ", <=" + max429 + " 429s")));
    }

    static Figures memory(Outcome o) {
        double mb = o.peakRssKb / 1024.0;
        boolean ok = mb <= 512 && o.complete();
        return print("memory", ok, ordered(
                "peak_rss_mb", f1(mb), "max_heap_mb", o.maxHeapMb, "rows", o.rows + "/" + o.expectedRows, "wall_s", f2(o.wallSeconds()),
                "jvm_flags", clientFlags(), "exit", o.exitCode, "goal", "peak RSS <= 512 MB with ./stock-ingest's default flags, none added"));
    }

    /** {@code stock-ingest.jvm-options}, passed by {@code ./stock-ingest-bench} as {@code -Dbench.launcher-options}. */
    static Optional<Path> launcherOptions() {
        return Optional.ofNullable(System.getProperty("bench.launcher-options")).map(Path::of).filter(Files::isRegularFile);
    }

    /** The client JVM's tuning flags as one word: the launcher's defaults, then BENCH_CHILD_JVM_OPTS. */
    static String clientFlags() {
        List<String> flags = new ArrayList<>();
        launcherOptions().ifPresent(file -> {
            try {
                Files.readAllLines(file).stream().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).forEach(flags::add);
            } catch (IOException e) {
                flags.add("@" + file);
            }
        });
        String extra = System.getenv().getOrDefault("BENCH_CHILD_JVM_OPTS", "").strip();
        if (!extra.isEmpty()) {
            flags.addAll(List.of(extra.split("\\s+")));
        }
        return flags.isEmpty() ? "none" : String.join(",", flags);
    }

    static Figures cpu(Outcome o) {
        double perThousand = o.cpuSeconds() / (o.rows / 1000.0);
        return print("cpu", o.complete(), ordered(
                "cpu_s", f2(o.cpuSeconds()), "cpu_s_per_1000_rows", f4(perThousand), "rows", o.rows + "/" + o.expectedRows,
                "cpu_s_in_run", f2(o.runCpuNanos / 1e9), "wall_s", f2(o.wallSeconds()), "exit", o.exitCode,
                "goal", "watch for regressions"));
    }

    // ---------------------------------------------------------------- the run

    /** What one end-to-end run measured: the server's counts and the child's own figures. */
    record Outcome(long serverRequests, long server429, long peakInWindow, int exitCode, long wallNanos, long cpuNanos, long runCpuNanos,
            long peakRssKb, long maxHeapMb, long rows, long expectedRows, long clientRetries, long serverCpuNanos, String loadAverage,
            long spanNanos, long idealNanos) {
        double wallSeconds() {
            return wallNanos / 1e9;
        }

        double cpuSeconds() {
            return cpuNanos / 1e9;
        }

        boolean complete() {
            return rows == expectedRows;
        }
    }

    static Outcome run(SyntheticProvider.Options server, RateLimit clientRate, int symbolCount, LocalDate from, LocalDate to) {
        return run(server, clientRate, symbolCount, from, to, LAKE, Map.of());
    }

    /** A setting that is not an environment variable but more CLI arguments for the child's run (space-separated). */
    static final String EXTRA_ARGS = "BENCH_EXTRA_ARGS";

    /** The sink argument that means the run's own temporary lake directory. */
    static final String LAKE = "lake";

    /**
     * One run into {@code sink} ({@link #LAKE}, or a sink URI such as {@code postgresql://...}), the client given
     * {@code settings} as environment variables besides the FMP ones.
     */
    static Outcome run(SyntheticProvider.Options server, RateLimit clientRate, int symbolCount, LocalDate from, LocalDate to, String sink,
            Map<String, String> settings) {
        Path work = null;
        try (SyntheticProvider provider = SyntheticProvider.start(server)) {
            work = Files.createTempDirectory("stock-ingest-bench");
            Path tickers = work.resolve("tickers.txt");
            Files.write(tickers, symbols(symbolCount));
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            // the access flags ./stock-ingest passes for the Parquet stack
            command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
            command.add("--enable-native-access=ALL-UNNAMED");
            if (Runtime.version().feature() >= 23) {
                command.add("--sun-misc-unsafe-memory-access=allow");
            }
            // ./stock-ingest's default flags (heap cap, GC, JIT) from stock-ingest.jvm-options, as a user running it gets them
            launcherOptions().ifPresent(file -> command.add("@" + file));
            // BENCH_CHILD_JVM_OPTS: extra flags for the client JVM after those (a later flag wins), to compare
            String extra = System.getenv().getOrDefault("BENCH_CHILD_JVM_OPTS", "").strip();
            if (!extra.isEmpty()) {
                command.addAll(List.of(extra.split("\\s+")));
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Bench.class.getName(), CHILD,
                    provider.baseUri().toString(), work.toString(), clientRate.toString(), String.valueOf(WORKERS), from.toString(), to.toString(), sink));
            settings.forEach((k, v) -> command.add(k + "=" + v));
            long serverCpuBefore = processCpuNanos();
            Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Map<String, String> figures = new HashMap<>();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (!childFigures(line, figures)) {
                        System.err.println("  | " + line);
                    }
                }
            }
            int status = child.waitFor();
            long serverCpu = processCpuNanos() - serverCpuBefore;
            if (!figures.containsKey("exit")) {
                throw new IllegalStateException("the client JVM ended (status " + status + ") without reporting figures");
            }
            long expected = (long) symbolCount * SyntheticProvider.sessions(from, to).size();
            return new Outcome(provider.requests(), provider.throttled(), provider.peakInWindow(), Integer.parseInt(figures.get("exit")),
                    Long.parseLong(figures.get("wall_ns")), Long.parseLong(figures.get("cpu_ns")), Long.parseLong(figures.get("run_cpu_ns")),
                    Long.parseLong(figures.get("hwm_kb")), Long.parseLong(figures.get("max_heap_mb")), Long.parseLong(figures.get("rows")), expected,
                    Long.parseLong(figures.get("retries")), serverCpu, loadAverage(),
                    provider.activeSpan().toNanos(), provider.idealSpan(symbolCount, clientRate).toNanos());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            if (work != null) {
                deleteTree(work);
            }
        }
    }

    /** In the child JVM: one {@code prices} run through the real CLI, then one {@code CHILD key=value...} line. */
    static int clientRun(String[] args) throws IOException {
        String baseUrl = args[1];
        Path work = Path.of(args[2]);
        Map<String, String> vars = new HashMap<>();
        vars.put("FMP_API_KEY", "synthetic-bench-key");
        vars.put("FMP_BASE_URL", baseUrl);
        vars.put("FMP_PLAN", "ultimate");
        vars.put("FMP_RATE_LIMIT", args[3]);
        vars.put("MAX_WORKERS", args[4]);
        vars.put("FMP_USAGE_FILE", work.resolve("fmp-usage.txt").toString());
        String sink = args.length > 7 && !args[7].equals(LAKE) ? args[7] : "parquet:" + work.resolve("lake");
        List<String> extraArgs = new ArrayList<>();
        for (int i = 8; i < args.length; i++) {
            String key = args[i].substring(0, args[i].indexOf('='));
            String value = args[i].substring(args[i].indexOf('=') + 1);
            if (key.equals(EXTRA_ARGS)) {
                extraArgs.addAll(List.of(value.split(" ")));
            } else {
                vars.put(key, value);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Environment env = new Environment(vars, work, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Ticker.SYSTEM, false);
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        List<String> cli = new ArrayList<>(List.of("prices", "--source", "fmp", "--tickers-path", work.resolve("tickers.txt").toString(), "--from", args[5],
                "--to", args[6], "--backfill", "--sink", sink));
        cli.addAll(extraArgs);
        int exit = Main.run(env, cli.toArray(String[]::new));
        long wall = System.nanoTime() - start;
        long cpu = processCpuNanos();
        String summary = out.toString(StandardCharsets.UTF_8);
        if (exit != 0) {
            System.err.print(summary);
            System.err.print(err.toString(StandardCharsets.UTF_8));
        }
        System.out.printf(Locale.ROOT, "CHILD exit=%d wall_ns=%d cpu_ns=%d run_cpu_ns=%d hwm_kb=%d max_heap_mb=%d rows=%d retries=%d%n", exit, wall, cpu,
                cpu - cpuBefore, peakRssKb(), Runtime.getRuntime().maxMemory() / (1024 * 1024), figure(summary, "rows\\s+(\\d+) written"),
                figure(summary, "retries (\\d+)"));
        return 0;
    }

    /**
     * In the child JVM: {@code client-cli BASE_URL WORK ARG...}, one run of the real CLI in {@code WORK} against the
     * synthetic FMP at {@code BASE_URL}, then one {@code CHILD key=value...} line (exit, wall and CPU time).
     */
    static int clientCli(String[] args) {
        Path work = Path.of(args[2]);
        Map<String, String> vars = new HashMap<>();
        vars.put("FMP_API_KEY", "synthetic-bench-key");
        vars.put("FMP_BASE_URL", args[1]);
        vars.put("FMP_PLAN", "ultimate");
        vars.put("FMP_RATE_LIMIT", CLIENT_RATE.toString());
        vars.put("MAX_WORKERS", String.valueOf(WORKERS));
        vars.put("FMP_USAGE_FILE", work.resolve("fmp-usage.txt").toString());
        // an S3 sink's settings come from this process's environment, as a user's shell gives them (see childCli)
        System.getenv().forEach((name, value) -> {
            if (name.startsWith("S3_") || name.startsWith("AWS_")) {
                vars.put(name, value);
            }
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Environment env = new Environment(vars, work, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Ticker.SYSTEM, false);
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        int exit = Main.run(env, java.util.Arrays.copyOfRange(args, 3, args.length));
        long wall = System.nanoTime() - start;
        String summary = out.toString(StandardCharsets.UTF_8);
        if (exit != 0 && !args[3].equals("coverage")) {
            System.err.print(summary);
            System.err.print(err.toString(StandardCharsets.UTF_8));
        }
        System.out.printf(Locale.ROOT, "CHILD exit=%d wall_ns=%d run_cpu_ns=%d stored=%d output_lines=%d%n", exit, wall, processCpuNanos() - cpuBefore,
                figure(summary, "(\\d+) sessions already stored"), summary.lines().count());
        return 0;
    }

    /** Runs {@link #clientCli} in a child JVM with ./stock-ingest's flags; returns its CHILD figures. */
    static Map<String, String> childCli(java.net.URI baseUri, Path work, String... cli) {
        return childCli(baseUri, work, Map.of(), cli);
    }

    /**
     * The same with {@code env} in the child's environment (an S3 sink's {@code S3_ENDPOINT}, {@code AWS_*}); any
     * {@code S3_*} or {@code AWS_*} variable of this process's own environment is not passed on.
     */
    static Map<String, String> childCli(java.net.URI baseUri, Path work, Map<String, String> env, String... cli) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
        command.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 23) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        launcherOptions().ifPresent(file -> command.add("@" + file));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Bench.class.getName(), CHILD_CLI, baseUri.toString(), work.toString()));
        command.addAll(List.of(cli));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().keySet().removeIf(name -> name.startsWith("S3_") || name.startsWith("AWS_"));
            builder.environment().putAll(env);
            Process child = builder.start();
            Map<String, String> figures = new HashMap<>();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    childFigures(line, figures);
                }
            }
            int status = child.waitFor();
            if (!figures.containsKey("exit")) {
                throw new IllegalStateException("the client JVM ended (status " + status + ") without reporting figures");
            }
            return figures;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static Figures print(String scenario, boolean passed, Object... pairs) {
        return print(scenario, passed, ordered(pairs));
    }

    static String seconds(long nanos) {
        return f2(nanos / 1e9);
    }

    static long figure(String summary, String regex) {
        Matcher m = Pattern.compile(regex).matcher(summary);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /** The 1-minute load average at the end of a run: other work on the machine shows here. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** VmHWM from /proc/self/status in kB (-1 where there is no /proc). */
    static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** {@code n} distinct valid symbols: AAA, AAB, ... */
    static List<String> symbols(int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add("" + (char) ('A' + i / 676 % 26) + (char) ('A' + i / 26 % 26) + (char) ('A' + i % 26));
        }
        return out;
    }

    // ---------------------------------------------------------------- output

    /** One scenario's figures in order, and whether its goal was met. */
    record Figures(String scenario, boolean passed, Map<String, Object> values) {
        String line() {
            StringBuilder out = new StringBuilder(scenario);
            values.forEach((k, v) -> out.append(' ').append(k).append('=').append(String.valueOf(v).contains(" ") ? "\"" + v + "\"" : v));
            return out.append(" result=").append(passed ? "PASS" : "MISS").toString();
        }
    }

    static Figures print(String scenario, boolean passed, Map<String, Object> values) {
        Figures figures = new Figures(scenario, passed, values);
        System.out.println(figures.line());
        System.out.flush();
        return figures;
    }

    static String table(List<Figures> rows) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-17s %-6s %s%n", "scenario", "result", "figures"));
        for (Figures row : rows) {
            StringBuilder figs = new StringBuilder();
            row.values.forEach((k, v) -> {
                if (!k.equals("goal")) {
                    figs.append(k).append('=').append(v).append("  ");
                }
            });
            out.append(String.format("%-17s %-6s %s%n", row.scenario, row.passed ? "PASS" : "MISS", figs.toString().strip()));
        }
        return out.toString();
    }

    static Map<String, Object> ordered(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static double perSecond(RateLimit limit) {
        return limit.permits() / (limit.period().toNanos() / 1e9);
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String f4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("bench: could not delete " + root + ": " + e.getMessage());
        }
    }
}

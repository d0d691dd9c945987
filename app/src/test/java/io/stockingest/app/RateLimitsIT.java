package io.stockingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fat jar ({@code app/target/stock-ingest.jar}, built in {@code package}; failsafe runs this after it) in a child
 * JVM against a local provider: a rejected key stops the run after one request and exits 2; a provider that never
 * answers gets a waiting line.
 */
class RateLimitsIT {
    private static final String FMP_EOD = "/stable/historical-price-eod/full";
    private static final String FMP_INVALID_KEY = "{\n  \"Error Message\": \"Invalid API KEY. Please retry or visit our documentation to create one "
            + "FREE https://financialmodelingprep.com/developer/docs\"\n}";
    private static final String POLYGON_UNKNOWN_KEY = "{\"status\":\"ERROR\",\"request_id\":\"r1\",\"error\":\"Unknown API Key\"}";
    private static final String WRONG_KEY = "wrong-key-7f3a9c";
    private static final List<String> SYMBOLS = IntStream.range(0, 20).mapToObj(i -> "S" + (char) ('A' + i)).toList();

    @TempDir
    Path work;
    private final FixtureServer server = new FixtureServer();
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(Process::destroyForcibly);
        server.close();
    }

    private Process child(Map<String, String> env, String... args) throws IOException {
        Path jar = Path.of(System.getProperty("stock-ingest.jar", "target/stock-ingest.jar"));
        assertThat(jar).as("the fat jar (run by failsafe after package)").isRegularFile();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-jar",
                jar.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
        builder.environment().clear();
        builder.environment().put("HOME", work.toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        started.add(process);
        return process;
    }

    /** Both streams of a finished child, and its exit code. */
    private record Finished(int exit, String out, String err) {
    }

    private static Finished finish(Process process) throws Exception {
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("the child ends").isTrue();
        return new Finished(process.exitValue(), out.get(), err.get());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "unreadable: " + e;
        }
    }

    /** 20 symbols over 24 sessions: one request per symbol (Polygon groups a day's symbols only with fewer sessions). */
    private String[] prices(String source) {
        return new String[] {"prices", "--source", source, "--symbols", String.join(",", SYMBOLS), "--from", "2024-01-02", "--to", "2024-02-05",
                "--sink", "parquet:" + work.resolve("lake")};
    }

    private static long occurrences(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1L;
    }

    @Test
    void aRejectedFmpKeyStopsTheRunAfterOneRequestAndExits2() throws Exception {
        server.on(FMP_EOD, Reply.json(401, FMP_INVALID_KEY));
        Finished run = finish(child(Map.of("FMP_API_KEY", WRONG_KEY, "FMP_BASE_URL", server.baseUri().toString(), "FMP_PLAN", "starter",
                "MAX_WORKERS", "8", "FMP_USAGE_FILE", work.resolve("usage.txt").toString()), prices("fmp")));

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(2);
        assertThat(server.requests()).as("one request, the others dropped while waiting for the limiter").hasSize(1);
        assertThat(occurrences(run.out(), "FMP rejected the API key")).as("said once:%n%s", run.out()).isEqualTo(1);
        assertThat(run.out()).contains("not attempted (the run stopped): 19 symbols:");
        assertThat(run.out() + run.err()).doesNotContain(WRONG_KEY);
    }

    @Test
    void aRejectedPolygonKeyStopsTheRunAfterOneRequestAndExits2() throws Exception {
        for (String symbol : SYMBOLS) {
            server.on("/v2/aggs/ticker/" + symbol + "/range/1/day/2024-01-02/2024-02-05", Reply.json(401, POLYGON_UNKNOWN_KEY));
        }
        Finished run = finish(child(Map.of("POLYGON_API_KEY", WRONG_KEY, "POLYGON_BASE_URL", server.baseUri().toString(), "MAX_WORKERS", "8"),
                prices("polygon")));

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(2);
        assertThat(server.requests()).as("one request at the free plan's 5/min, the others dropped").hasSize(1);
        assertThat(occurrences(run.out(), "polygon rejected the API key")).as("said once:%n%s", run.out()).isEqualTo(1);
        assertThat(run.out()).contains("not attempted (the run stopped): 19 symbols:");
        assertThat(run.out() + run.err()).doesNotContain(WRONG_KEY);
    }

    @Test
    void aProviderThatNeverAnswersGetsAWaitingLine() throws Exception {
        server.on(FMP_EOD, Reply.json(200, "[]").delayed(Duration.ofMinutes(10)));
        Process process = child(Map.of("FMP_API_KEY", "fmp-it-key-0a1b2c", "FMP_BASE_URL", server.baseUri().toString(), "FMP_PLAN", "starter",
                "MAX_WORKERS", "1", "FMP_USAGE_FILE", work.resolve("usage.txt").toString()), prices("fmp"));
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<Long> waitingLineAt = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    lines.add(line);
                    if (line.contains("waiting:")) {
                        return System.nanoTime();
                    }
                }
            } catch (IOException e) {
                lines.add("unreadable: " + e);
            }
            return -1L;
        });
        long lineAt = waitingLineAt.get(60, TimeUnit.SECONDS);
        assertThat(lineAt).as("a waiting line on stderr: %s", lines).isPositive();
        assertThat(server.requests()).as("the request reached the server").hasSize(1);
        Duration after = Duration.ofNanos(lineAt - server.requests().getFirst().receivedNanos());
        String line = lines.getLast();
        assertThat(after).as("the line came %d ms after the request left: %s", after.toMillis(), line).isLessThan(Duration.ofSeconds(12));
        assertThat(line).contains("waiting: 1 request outstanding for more than 10 s").contains("GET http://127.0.0.1:")
                .contains("apikey=****").contains("attempt 1/5").doesNotContain("fmp-it-key-0a1b2c");
        Files.writeString(work.resolve("waiting-line.txt"), line + " after " + after.toMillis() + " ms\n");
    }
}

package io.stockingest.app.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rate limits and stops on the fat jar in a child process against a local provider: a rejected key stops the run
 * after one request and exits 2, for FMP and for Polygon (Yahoo has no key); a provider that never answers gets a
 * waiting line.
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
    private final List<FatJar> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(FatJar::close);
        server.close();
    }

    private FatJar child(Map<String, String> env, String source) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("HOME", work.toString());
        // 20 symbols over 24 sessions: one request per symbol (Polygon groups a day's symbols only with fewer sessions)
        FatJar child = FatJar.start(work.resolve("run"), all, List.of("prices", "--source", source, "--symbols", String.join(",", SYMBOLS),
                "--from", "2024-01-02", "--to", "2024-02-05", "--sink", "parquet:" + work.resolve("lake")));
        started.add(child);
        return child;
    }

    private static long occurrences(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1L;
    }

    @Test
    void aRejectedFmpKeyStopsTheRunAfterOneRequestAndExits2() throws Exception {
        server.on(FMP_EOD, Reply.json(401, FMP_INVALID_KEY));
        FatJar run = child(Map.of("FMP_API_KEY", WRONG_KEY, "FMP_BASE_URL", server.baseUri().toString(), "FMP_PLAN", "starter",
                "MAX_WORKERS", "8", "FMP_USAGE_FILE", work.resolve("usage.txt").toString()), "fmp");

        assertThat(run.waitFor(Duration.ofSeconds(90))).as(run.out() + run.err()).isEqualTo(2);
        assertThat(server.requests()).as("one request; the other workers were waiting for the limiter and were dropped").hasSize(1);
        assertThat(occurrences(run.out(), "FMP rejected the API key")).as("said once:%n%s", run.out()).isEqualTo(1);
        assertThat(run.out()).contains("not attempted (the run stopped): 19 symbols:");
        assertThat(run.out() + run.err()).doesNotContain(WRONG_KEY);
    }

    @Test
    void aRejectedPolygonKeyStopsTheRunAfterOneRequestAndExits2() throws Exception {
        for (String symbol : SYMBOLS) {
            server.on("/v2/aggs/ticker/" + symbol + "/range/1/day/2024-01-02/2024-02-05", Reply.json(401, POLYGON_UNKNOWN_KEY));
        }
        FatJar run = child(Map.of("POLYGON_API_KEY", WRONG_KEY, "POLYGON_BASE_URL", server.baseUri().toString(), "POLYGON_RATE_LIMIT", "100/sec",
                "MAX_WORKERS", "8"), "polygon");

        assertThat(run.waitFor(Duration.ofSeconds(90))).as(run.out() + run.err()).isEqualTo(2);
        assertThat(server.requests()).as("one request at 100/sec, the other workers dropped").hasSize(1);
        assertThat(occurrences(run.out(), "polygon rejected the API key")).as("said once:%n%s", run.out()).isEqualTo(1);
        assertThat(run.out()).contains("not attempted (the run stopped): 19 symbols:");
        assertThat(run.out() + run.err()).doesNotContain(WRONG_KEY);
    }

    @Test
    void aProviderThatNeverAnswersGetsAWaitingLine() throws Exception {
        server.on(FMP_EOD, Reply.json(200, "[]").delayed(Duration.ofMinutes(10)));
        FatJar run = child(Map.of("FMP_API_KEY", "fmp-it-key-0a1b2c", "FMP_BASE_URL", server.baseUri().toString(), "FMP_PLAN", "starter",
                "MAX_WORKERS", "1", "FMP_USAGE_FILE", work.resolve("usage.txt").toString()), "fmp");

        run.await(() -> run.err().contains("waiting:"), Duration.ofSeconds(90));
        long seenAt = System.nanoTime();
        assertThat(server.requests()).as("the one request reached the server").hasSize(1);
        Duration after = Duration.ofNanos(seenAt - server.requests().getFirst().receivedNanos());
        String line = run.err().lines().filter(l -> l.contains("waiting:")).findFirst().orElseThrow();
        // when the line came is read from the line itself (the child's clock when it wrote it): at the 10 s threshold, not
        // a 10 s report period later; the slack is for a child starved of CPU. The delay seen from here also holds the
        // child's stderr file and this test's polling, both at the mercy of the machine's load: printed, not asserted.
        Matcher longest = Pattern.compile("longest ([0-9]+) s").matcher(line);
        assertThat(longest.find()).as(line).isTrue();
        assertThat(Integer.parseInt(longest.group(1))).as("the request's age when the line was written: %s", line).isBetween(10, 19);
        assertThat(line).contains("waiting: 1 request outstanding for more than 10 s").contains("GET http://127.0.0.1:")
                .contains("apikey=****").contains("attempt 1/5").doesNotContain("fmp-it-key-0a1b2c");
        System.out.printf("waiting line %d ms after the request arrived: %s%n", after.toMillis(), line);
    }
}

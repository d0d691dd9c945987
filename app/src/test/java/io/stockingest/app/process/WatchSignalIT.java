package io.stockingest.app.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.testkit.FixtureServer;
import io.stockingest.core.testkit.FixtureServer.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code watch} stopped by SIGTERM (Kubernetes, systemd, docker stop) or SIGINT (Ctrl-C) ends with exit 0, after
 * writing its metrics, as docs/scheduling.md promises: a real child process of the fat jar, on the real clock (in
 * market hours it polls a local Yahoo, outside them it sleeps; either way the signal must end it cleanly).
 */
class WatchSignalIT {
    private final FixtureServer yahoo = new FixtureServer();

    @BeforeEach
    void serveYahoo() {
        yahoo.on("/cookie", Reply.text(200, "").withHeader("Set-Cookie", "A3=d=AQAB; Domain=.yahoo.com"));
        yahoo.on("/v1/test/getcrumb", Reply.text(200, fixture("v1_test_getcrumb_body.txt")));
        yahoo.on("/v7/finance/quote", Reply.json(200, fixture("v7_quote_AAPL_with_crumb.json")));
    }

    @AfterEach
    void stop() {
        yahoo.close();
    }

    private static String fixture(String name) {
        try (InputStream in = WatchSignalIT.class.getResourceAsStream("/yahoo/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource yahoo/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether this process ignores SIGINT ({@code SigIgn} in /proc/self/status, bit 1 for signal 2). */
    private static boolean ignoresSigint() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16) & 2L) != 0;
            }
        }
        return false;
    }

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void exitsZeroAfterFlushingWhenSignalled(String signal, @TempDir Path work) throws Exception {
        // a process started in the background by a non-interactive shell ignores SIGINT, and so does every child it
        // starts: the JVM then installs no handler and Ctrl-C cannot reach it (the operating system decides, as it
        // would for a user's background job); there is then no SIGINT to test
        Assumptions.assumeFalse(signal.equals("INT") && ignoresSigint(),
                "this test JVM was started with SIGINT ignored (a background job of a non-interactive shell), so its child ignores it too");
        Map<String, String> env = Map.of("YAHOO_BASE_URL", yahoo.baseUri().toString(), "YAHOO_COOKIE_URL", yahoo.baseUri().resolve("/cookie").toString(),
                "YAHOO_RATE_LIMIT", "100/sec", "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        try (FatJar watch = FatJar.start(work, env, List.of("watch", "--symbols", "AAPL", "--every", "1s", "--metrics-out", "m.json"))) {
            // running: either it polled once (market hours) or it said it sleeps until the next open
            watch.await(() -> yahoo.requests().stream().anyMatch(r -> r.path().equals("/v7/finance/quote")) || watch.err().contains("sleeping until"),
                    Duration.ofSeconds(60));
            watch.signal(signal);
            int exit = watch.waitFor(Duration.ofSeconds(60));
            assertThat(exit).as("exit code after SIG%s; stderr:%n%s", signal, watch.err()).isZero();
            assertThat(work.resolve("m.json")).exists();
            assertThat(Files.readString(work.resolve("m.json"))).contains("\"command\" : \"watch\"");
        }
    }
}

package io.stockingest.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.metrics.RunReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 19: a killed run leaves a record. A child process of the fat jar fetches four symbols from FMP's shape on
 * 127.0.0.1, one of which never answers; once the other three are written it is stopped with SIGTERM (its shutdown
 * hook marks the record {@code interrupted} with what it wrote) or SIGKILL (nothing runs: the record it rewrote while
 * running stays {@code running}, and {@code runs} shows it as {@code interrupted} because its pid is gone).
 */
class InterruptedRunIT {
    /** 2024-07-01..2024-07-12: 9 sessions per symbol (Independence Day's bar is quarantined). */
    private static final long ROWS_OF_THREE = 27;

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "KILL"})
    void aStoppedRunIsRecordedAsInterruptedWithWhatItWrote(String signal, @TempDir Path work) throws Exception {
        try (SyntheticFmp fmp = new SyntheticFmp().hold("HANG")) {
            Path dir = work.resolve("run");
            // HTTP_TIMEOUT: the held request must outlast any wait below, or on a slow machine its timeouts and retries could
            // end the run before it is stopped
            Map<String, String> env = new HashMap<>(fmp.env());
            env.put("HTTP_TIMEOUT", "3600");
            FatJar.Child child = FatJar.start(dir, env, List.of(), List.of("prices", "--source", "fmp", "--symbols", "AAA,BBB,CCC,HANG",
                    "--from", "2024-07-01", "--to", "2024-07-12"));
            Path logs = dir.resolve("data/logs/ingest");

            RunReport running = awaitRecord(logs, child, r -> r.rowsWritten() == ROWS_OF_THREE, Duration.ofMinutes(3));
            assertThat(running.status()).isEqualTo("running");
            assertThat(running.process()).isNotNull();
            assertThat(running.process().pid()).isEqualTo(child.process().pid());
            assertThat(running.process().host()).isEqualTo(RunReport.RunProcess.hostName());
            assertThat(running.bySink()).hasSize(1);

            if (signal.equals("TERM")) {
                child.process().destroy(); // SIGTERM
            } else {
                child.process().destroyForcibly(); // SIGKILL
            }
            assertThat(child.process().waitFor(60, TimeUnit.SECONDS)).as("the child ended after SIG%s", signal).isTrue();

            RunReport recorded = record(logs).orElseThrow();
            assertThat(recorded.runId()).isEqualTo(running.runId());
            assertThat(recorded.status()).as("SIGTERM: the hook wrote it; SIGKILL: the last running record stays")
                    .isEqualTo(signal.equals("TERM") ? "interrupted" : "running");
            assertThat(recorded.rowsWritten()).as("what it had written").isEqualTo(ROWS_OF_THREE);
            assertThat(recorded.filesWritten()).isEqualTo(ROWS_OF_THREE);

            FatJar.Run runs = FatJar.run(dir, fmp.env(), Duration.ofSeconds(90), List.of(), "runs");
            assertThat(runs.exit()).as(runs.both()).isZero();
            assertThat(runs.out().lines().filter(line -> line.startsWith(running.runId())).toList()).singleElement().asString()
                    .as("runs shows the dead run as interrupted with its rows").contains(" interrupted ").containsPattern(" 27\\s+\\d+$");
        }
    }

    private static RunReport awaitRecord(Path logs, FatJar.Child child, Predicate<RunReport> ready, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(child.process().isAlive()).as("the run is still going").isTrue();
            Optional<RunReport> record;
            try {
                record = record(logs);
            } catch (UncheckedIOException vanishedMidWalk) { // a temporary renamed while we listed: look again
                record = Optional.empty();
            }
            if (record.isPresent() && ready.test(record.get())) {
                return record.get();
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos()); // polling another process's files
        }
        throw new AssertionError("no record as expected under " + logs + " within " + timeout + ": " + record(logs));
    }

    private static Optional<RunReport> record(Path logs) {
        if (!Files.exists(logs)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(logs)) {
            Optional<Path> file = files.filter(p -> p.getFileName().toString().matches("run-.*\\.json")).findFirst();
            return file.map(p -> {
                try {
                    return RunReport.fromJson(Files.readString(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

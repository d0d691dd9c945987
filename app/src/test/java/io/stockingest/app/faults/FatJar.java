package io.stockingest.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The fat jar ({@link io.stockingest.app.process.FatJar#jar()}) run as a child process the way a user runs it, on a
 * machine of two CPUs ({@code -XX:ActiveProcessorCount=2}: two carrier threads for the virtual threads), with only
 * the given environment and extra JVM options (a JFR recording); tests using it are {@code *IT}, run by failsafe.
 */
final class FatJar {
    /** What one run did. */
    record Run(int exit, String out, String err, Duration took) {
        String both() {
            return out + err;
        }
    }

    private FatJar() {}

    static Path jar() {
        return io.stockingest.app.process.FatJar.jar();
    }

    /** A started run; its output goes to {@code out} and {@code err}. */
    record Child(Process process, Path out, Path err, long startedNanos) {
        /** Waits at most {@code timeout}; a run still going then is killed and fails the test. */
        Run await(Duration timeout) {
            try {
                boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!ended) {
                    process.destroyForcibly().waitFor();
                }
                Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
                String stdout = Files.readString(out, StandardCharsets.UTF_8);
                String stderr = Files.readString(err, StandardCharsets.UTF_8);
                assertThat(ended).as("the run ended within %s (it printed: %s %s)", timeout, stdout, stderr).isTrue();
                return new Run(process.exitValue(), stdout, stderr, took);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Starts a run in {@code work} (created if missing; stdout and stderr go to numbered files there). */
    static Child start(Path work, Map<String, String> env, List<String> jvmOptions, List<String> args) {
        try {
            Files.createDirectories(work);
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:ActiveProcessorCount=2", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", jar().toString()));
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
            builder.environment().clear();
            builder.environment().put("HOME", work.toString());
            builder.environment().putAll(env);
            int n = 0;
            while (Files.exists(work.resolve("out-" + n + ".txt"))) {
                n++;
            }
            Path out = work.resolve("out-" + n + ".txt");
            Path err = work.resolve("err-" + n + ".txt");
            Files.createFile(out);
            builder.redirectOutput(out.toFile()).redirectError(err.toFile());
            long started = System.nanoTime();
            return new Child(builder.start(), out, err, started);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Run run(Path work, Map<String, String> env, Duration timeout, List<String> jvmOptions, String... args) {
        return start(work, env, jvmOptions, List.of(args)).await(timeout);
    }
}

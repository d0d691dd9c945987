package io.stockingest.app.process;

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
import java.util.function.BooleanSupplier;

/**
 * The fat jar ({@code app/target/stock-ingest.jar}, built by {@code package} before failsafe runs the {@code *IT}
 * tests) started as a real child process, with the JVM flags of the launcher script, a clean environment and its
 * output in files, so that exit codes and signals are what the operating system reports.
 */
public final class FatJar implements AutoCloseable {
    private final Process process;
    private final Path out;
    private final Path err;

    private FatJar(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** The jar failsafe was told about, or the one the build leaves under {@code target/}. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("stockingest.jar", "target/stock-ingest.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no fat jar at " + jar.toAbsolutePath() + ": run the tests with 'mvnw verify' (failsafe runs after package)");
        }
        return jar;
    }

    public static FatJar start(Path work, Map<String, String> env, List<String> args) {
        try {
            Files.createDirectories(work);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx384m", "-jar", jar().toAbsolutePath().toString()));
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
            builder.environment().clear();
            builder.environment().putAll(env);
            Path out = Files.createTempFile(work, "child-out", ".txt");
            Path err = Files.createTempFile(work, "child-err", ".txt");
            builder.redirectOutput(out.toFile()).redirectError(err.toFile());
            return new FatJar(builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    /** Sends a signal by name ({@code TERM}, {@code INT}) with {@code kill}, as an orchestrator would. */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** Waits until {@code ready} holds, checking every 50 ms; fails, with what the child printed, when it ends or times out first. */
    public void await(BooleanSupplier ready, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ready.getAsBoolean()) {
                return;
            }
            if (process.waitFor(50, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the child ended (exit " + process.exitValue() + ") before it was ready:\n" + err());
            }
        }
        throw new AssertionError("the child was not ready within " + timeout + ":\n" + err());
    }

    /** The child's exit code; when it has not ended within {@code timeout}, fails with its output, threads and heap, then kills it. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            String diagnosis = jcmd("Thread.print") + jcmd("GC.heap_info");
            process.destroyForcibly();
            throw new AssertionError("the child did not end within " + timeout + ":\n" + err() + "\n" + diagnosis);
        }
        return process.exitValue();
    }

    /** What {@code jcmd PID command} prints for the child (a hung child's diagnosis), or why it could not be asked. */
    private String jcmd(String command) throws InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process probe = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), command).redirectErrorStream(true).start();
            byte[] printed = probe.getInputStream().readAllBytes();
            probe.waitFor(30, TimeUnit.SECONDS);
            return "--- jcmd " + command + " ---\n" + new String(printed, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "--- jcmd " + command + " failed: " + e.getMessage() + " ---\n";
        }
    }

    public String out() {
        return read(out);
    }

    public String err() {
        return read(err);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}

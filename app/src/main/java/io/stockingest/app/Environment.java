package io.stockingest.app;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.http.Ticker;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command sees of the outside world: environment variables, working directory, output streams and the
 * clock. Tests run commands in-process with their own.
 */
public record Environment(Map<String, String> variables, Path workingDirectory, PrintStream out, PrintStream err, Ticker ticker, boolean interactive) {
    public Environment {
        variables = Map.copyOf(requireNonNull(variables, "variables is null"));
        requireNonNull(workingDirectory, "workingDirectory is null");
        requireNonNull(out, "out is null");
        requireNonNull(err, "err is null");
        requireNonNull(ticker, "ticker is null");
    }

    public static Environment system() {
        return new Environment(System.getenv(), Path.of("").toAbsolutePath(), System.out, System.err, Ticker.SYSTEM, System.console() != null);
    }

    /** Resolves a user-given path against the working directory. */
    public Path resolve(String path) {
        return workingDirectory.resolve(path).normalize();
    }
}

package io.stockingest.app;

import static java.util.Objects.requireNonNull;

import com.google.inject.Module;
import io.stockingest.core.http.Ticker;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a command sees of the outside world: environment variables, working directory, output streams, the clock and
 * the plugin modules on the class path (those the fat jar ships, unless an embedder or test names others). Tests run
 * commands in-process with their own.
 */
public record Environment(Map<String, String> variables, Path workingDirectory, PrintStream out, PrintStream err, Ticker ticker, boolean interactive,
        List<Module> plugins) {
    public Environment {
        variables = Map.copyOf(requireNonNull(variables, "variables is null"));
        requireNonNull(workingDirectory, "workingDirectory is null");
        requireNonNull(out, "out is null");
        requireNonNull(err, "err is null");
        requireNonNull(ticker, "ticker is null");
        plugins = List.copyOf(requireNonNull(plugins, "plugins is null"));
    }

    /** With the plugins the fat jar ships. */
    public Environment(Map<String, String> variables, Path workingDirectory, PrintStream out, PrintStream err, Ticker ticker, boolean interactive) {
        this(variables, workingDirectory, out, err, ticker, interactive, ShippedPlugins.modules());
    }

    /** This environment with {@code plugins} installed instead. */
    public Environment withPlugins(List<Module> plugins) {
        return new Environment(variables, workingDirectory, out, err, ticker, interactive, plugins);
    }

    public static Environment system() {
        return new Environment(System.getenv(), Path.of("").toAbsolutePath(), System.out, System.err, Ticker.SYSTEM, System.console() != null);
    }

    /** Resolves a user-given path against the working directory. */
    public Path resolve(String path) {
        return workingDirectory.resolve(path).normalize();
    }
}

package io.stockingest.app;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.StartupTrace;
import io.stockingest.core.config.Settings;
import io.stockingest.core.inject.CoreModule;
import io.stockingest.core.inject.Plugins;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.Dataset;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.SinkFactory;
import io.stockingest.core.spi.Source;
import io.stockingest.core.spi.SourceFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One run's parts: settings, the source and the opened sinks, looked up in the plugin registry ({@link #plugins}, the
 * only place that builds an injector and calls {@code injector.getInstance}). Closing it closes the sinks and the
 * source.
 */
final class Assembly implements AutoCloseable {
    /** The source tried first for a dataset when none is named: it needs no key. */
    static final String KEYLESS_SOURCE = "yahoo";
    final Settings settings;
    final Source source;
    final List<Sink> sinks;

    private Assembly(Settings settings, Source source, List<Sink> sinks) {
        this.settings = settings;
        this.source = source;
        this.sinks = sinks;
    }

    static Settings settings(Environment env) {
        return Settings.load(env.variables(), env.workingDirectory().resolve(".env"), Map.of());
    }

    static List<String> sinkUris(List<String> given) {
        return given.isEmpty() ? List.of("parquet:./data") : List.copyOf(given);
    }

    /** The registry being built ahead for one environment ({@link #prepare}), or null. */
    private static volatile Prepared prepared;

    private record Prepared(Environment env, java.util.concurrent.CompletableFuture<Plugins> plugins) {
    }

    /**
     * Builds {@code env}'s plugin registry on a daemon platform thread of its own, then sets up the JDK's default TLS
     * context (its classes and the trusted certificates, which the JDK keeps for the source's own context), while the
     * main thread builds the command line and parses it: {@link #plugins} then takes the registry instead of building
     * it. Both took 0.1-0.15 s each before a run's first request (docs/performance.md, issue 21). {@link Main} starts
     * it for the commands that use plugins; a registry nobody takes is dropped with the process.
     */
    static void prepare(Environment env) {
        java.util.concurrent.CompletableFuture<Plugins> plugins = new java.util.concurrent.CompletableFuture<>();
        prepared = new Prepared(env, plugins);
        Thread.ofPlatform().name("start-up").daemon().start(() -> {
            try {
                plugins.complete(build(env));
            } catch (Throwable t) {
                plugins.completeExceptionally(t);
            }
            StartupTrace.mark("plugins built ahead");
            try {
                javax.net.ssl.SSLContext.getDefault();
            } catch (java.security.NoSuchAlgorithmException | RuntimeException e) {
                // the source's own TLS set-up meets it again and reports it
            }
            StartupTrace.mark("TLS context set up ahead");
        });
    }

    /** The registry of the environment's plugin modules (the one {@link #prepare} built, when it was for {@code env}). */
    static Plugins plugins(Environment env) {
        Prepared ahead = prepared;
        if (ahead != null && ahead.env() == env) {
            prepared = null;
            try {
                return ahead.plugins().join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw e;
            }
        }
        return build(env);
    }

    private static Plugins build(Environment env) {
        List<Module> modules = new ArrayList<>();
        modules.add(new CoreModule(env.ticker()));
        modules.addAll(env.plugins());
        Injector injector = Guice.createInjector(Stage.PRODUCTION, modules);
        return injector.getInstance(Plugins.class);
    }

    /** {@code uri} with any relative location in it resolved by its plugin against the command's working directory. */
    static String resolveSink(Plugins plugins, String uri, Environment env) {
        return plugins.findSinkPlugin(uri).map(plugin -> plugin.resolve(uri, env.workingDirectory())).orElse(uri);
    }

    /**
     * Creates the source of {@code dataset} and opens the sinks; unknown names fail before anything is created. The
     * source is {@code sourceName}, or when it is null: yahoo when it provides the dataset (it needs no key), else the
     * first source by name that provides it and whose settings are complete (its key is set).
     *
     * @throws IngestException {@code USAGE} when the named source does not provide {@code dataset}, {@code CONFIG} when
     *     no source that does is configured; both name the sources that provide it
     */
    static Assembly open(Environment env, Plugins plugins, Settings settings, String sourceName, Dataset dataset, List<String> sinkUris) {
        List<SinkFactory> sinkPlugins = sinkUris.stream().map(plugins::sinkPlugin).toList();
        List<String> providers = plugins.sources().entrySet().stream().filter(entry -> entry.getValue().datasets().contains(dataset))
                .map(Map.Entry::getKey).sorted(Comparator.comparing((String name) -> !name.equals(KEYLESS_SOURCE))).toList();
        String what = dataset.name().toLowerCase(Locale.ROOT);
        Source source;
        if (sourceName != null) {
            SourceFactory named = plugins.sourcePlugin(sourceName);
            if (!named.datasets().contains(dataset)) {
                throw new IngestException(ErrorKind.USAGE, "Source '" + sourceName.toLowerCase(Locale.ROOT) + "' does not provide " + what
                        + (providers.isEmpty() ? "" : " (" + String.join(", ", providers) + (providers.size() == 1 ? " does" : " do")
                                + ": try --source " + providers.getFirst() + ")"));
            }
            source = named.create(settings);
        } else {
            source = firstConfigured(plugins, settings, providers, what);
        }
        StartupTrace.mark("source created");
        try {
            return new Assembly(settings, source, openSinks(env, sinkPlugins, settings, sinkUris));
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    private static Source firstConfigured(Plugins plugins, Settings settings, List<String> providers, String what) {
        List<String> problems = new ArrayList<>();
        for (String name : providers) {
            try {
                return plugins.source(name, settings);
            } catch (IngestException e) {
                if (e.kind() != ErrorKind.CONFIG) {
                    throw e;
                }
                problems.add(name + ": " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        throw new IngestException(ErrorKind.CONFIG, providers.isEmpty() ? "No source provides " + what
                : "No source that provides " + what + " is configured (" + String.join(", ", providers) + (providers.size() == 1 ? " does" : " do")
                        + "; see docs/settings.md), or give --source:\n" + String.join("\n", problems));
    }

    /** Opens and checks the sinks (no source: {@code coverage}); the caller closes them. */
    static List<Sink> openSinks(Environment env, List<SinkFactory> sinkPlugins, Settings settings, List<String> sinkUris) {
        List<Sink> sinks = new ArrayList<>();
        try {
            for (int i = 0; i < sinkUris.size(); i++) {
                SinkFactory plugin = sinkPlugins.get(i);
                sinks.add(plugin.create(plugin.resolve(sinkUris.get(i), env.workingDirectory()), settings));
            }
            StartupTrace.mark("sinks created");
            sinks.forEach(Sink::check); // before any provider request, on this (platform) thread
        } catch (RuntimeException e) {
            sinks.forEach(Sink::close);
            throw e;
        }
        return sinks;
    }

    static void writeMetrics(Path file, RunReport report) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, report.toJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot write --metrics-out " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        sinks.forEach(Sink::close);
        StartupTrace.mark("sinks closed");
        source.close();
        StartupTrace.mark("source closed");
    }
}

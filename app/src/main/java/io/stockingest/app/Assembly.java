package io.stockingest.app;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.inject.CoreModule;
import io.stockingest.core.inject.Plugins;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One run's parts: settings, the injector of the selected plugin modules, the source and the opened sinks. The only
 * place that calls {@code injector.getInstance}. Closing it closes the sinks and the source.
 */
final class Assembly implements AutoCloseable {
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

    static Assembly open(Environment env, Settings settings, String sourceName, List<String> sinkUris) {
        List<Module> modules = new ArrayList<>();
        modules.add(new CoreModule(env.ticker()));
        modules.addAll(PluginCatalog.modules(sourceName, sinkUris));
        Injector injector = Guice.createInjector(Stage.PRODUCTION, modules);
        Plugins plugins = injector.getInstance(Plugins.class);
        Source source = plugins.source(sourceName, settings);
        List<Sink> sinks = new ArrayList<>();
        try {
            for (String uri : sinkUris) {
                sinks.add(plugins.sink(uri.startsWith("parquet:") ? "parquet:" + env.resolve(uri.substring("parquet:".length()))
                        : DbCommand.icebergUri(env, uri), settings));
            }
        } catch (RuntimeException e) {
            sinks.forEach(Sink::close);
            source.close();
            throw e;
        }
        return new Assembly(settings, source, sinks);
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
        source.close();
    }
}

package io.stockingest.app;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.Secrets;
import io.stockingest.core.inject.Plugins;
import io.stockingest.core.spi.ReadOnlyAccess;
import io.stockingest.core.spi.SinkFactory;
import io.stockingest.core.spi.SinkReader;
import io.stockingest.serve.DashboardApi;
import io.stockingest.serve.DashboardServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code serve}: the read-only dashboard and JSON API over one sink, until the process is stopped. The sink is read
 * through its plugin's {@link ReadOnlyAccess} (never opened for writing, never migrated).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "A read-only web dashboard and JSON API over what a sink holds (docs/dashboard.md).")
final class ServeCommand implements Callable<Integer> {
    private final Environment env;
    private final boolean installSignalHandler;
    private final CountDownLatch stop = new CountDownLatch(1);

    @Option(names = "--sink", description = "parquet:DIR, s3://BUCKET[/PREFIX] (read from a local copy), postgres (DATABASE_URL) or a postgresql:// URL"
            + " (default: ${DEFAULT-VALUE})",
            defaultValue = "parquet:./data")
    String sink;

    @Option(names = "--port", description = "TCP port, 0 for any free one (default: ${DEFAULT-VALUE})", defaultValue = "8080")
    int port;

    @Option(names = "--bind", description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only)", defaultValue = "127.0.0.1")
    String bind;

    @Option(names = "--pg-schema", description = "PostgreSQL schema (default: stock_ingest)")
    String pgSchema;

    /** @param installSignalHandler stop serving (and close the readers) when the process is asked to stop */
    ServeCommand(Environment env, boolean installSignalHandler) {
        this.env = env;
        this.installSignalHandler = installSignalHandler;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65_535) {
            throw new IngestException(ErrorKind.USAGE, "--port must be from 0 to 65535; got " + port);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new IngestException(ErrorKind.USAGE, "Cannot resolve --bind '" + bind + "': " + e.getMessage(), e);
        }
        try (SinkReader reader = open(DbCommand.settings(env, pgSchema))) {
            DashboardApi api = new DashboardApi(reader, NyseCalendar.instance().lastCompletedSession(env.ticker().now()));
            try (DashboardServer server = DashboardServer.start(api, address, port)) {
                if (!address.isLoopbackAddress()) {
                    env.err().println("warning: serving on " + bind + ", reachable from other machines; the dashboard has no login."
                            + " Use --bind 127.0.0.1 unless that is what you want.");
                }
                String host = address.isLoopbackAddress() ? "127.0.0.1" : bind;
                CountDownLatch closed = new CountDownLatch(1);
                if (installSignalHandler) {
                    // SIGTERM / SIGINT: stop serving, close the readers, then end with 0 (1 if closing hangs), as watch
                    // does; installed before the address is printed, so a signal sent as soon as it is read ends cleanly
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        stop.countDown();
                        boolean finished = awaitQuietly(closed);
                        env.out().println("stock-ingest serve: stopped");
                        env.out().flush();
                        env.err().flush();
                        Runtime.getRuntime().halt(finished ? 0 : 1);
                    }, "serve-shutdown"));
                }
                env.out().println("stock-ingest serve: " + reader.describe() + " at http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                        + server.port() + "/ (Ctrl-C stops)");
                if (installSignalHandler) {
                    try {
                        stop.await();
                    } finally {
                        server.close();
                        reader.close();
                        closed.countDown();
                    }
                } else {
                    stop.await();
                }
            } catch (IOException e) {
                throw new IngestException(ErrorKind.USAGE, "Cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
            }
        }
        return 0;
    }

    private static boolean awaitQuietly(CountDownLatch latch) {
        try {
            return latch.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private SinkReader open(Settings settings) {
        Plugins plugins = Assembly.plugins(env);
        SinkFactory plugin = plugins.sinkPlugin(sink);
        ReadOnlyAccess access = plugin.capability(ReadOnlyAccess.class).orElseThrow(() -> new IngestException(ErrorKind.USAGE,
                "serve reads " + String.join(", ", plugins.sinkExamples(ReadOnlyAccess.class)) + "; it cannot read '" + Secrets.redact(sink) + "'"));
        return access.openReader(plugin.resolve(sink, env.workingDirectory()), settings);
    }
}

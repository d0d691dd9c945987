package io.stockingest.app;

import com.google.inject.Guice;
import com.google.inject.Stage;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.inject.CoreModule;
import io.stockingest.core.inject.Plugins;
import io.stockingest.core.spi.Sink;
import io.stockingest.sink.iceberg.IcebergAdmin;
import io.stockingest.sink.postgres.Exporter;
import io.stockingest.sink.postgres.PostgresAdmin;
import io.stockingest.sink.postgres.PostgresConfig;
import io.stockingest.sink.snowflake.SnowflakeSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code db migrate} and {@code db info} for a database sink; {@code export} of a PostgreSQL table. */
final class DbCommand {
    private DbCommand() {}

    /** {@code iceberg:DIR} resolved against the working directory; any other sink URI as it is. */
    static String icebergUri(Environment env, String sink) {
        return sink.startsWith("iceberg:") ? "iceberg:" + env.resolve(sink.substring("iceberg:".length())) : sink;
    }

    static Settings settings(Environment env, String pgSchema) {
        Settings settings = Assembly.settings(env);
        return pgSchema == null ? settings : settings.with("PG_SCHEMA", pgSchema);
    }

    @Command(name = "db", mixinStandardHelpOptions = true, description = "db migrate | db info for a database sink (Flyway for PostgreSQL);"
            + " for Iceberg also db maintain (compaction, snapshot expiry, orphan removal).")
    static final class Db implements Callable<Integer> {
        private final Environment env;

        @Parameters(index = "0", paramLabel = "ACTION", description = "migrate, info, or (Iceberg) maintain")
        String action;

        @Option(names = "--sink", description = "postgres (DATABASE_URL), a postgresql:// URL, snowflake, iceberg:DIR or iceberg (ICEBERG_*) (default: ${DEFAULT-VALUE})",
                defaultValue = "postgres")
        String sink;

        @Option(names = "--retain-days", description = "db maintain: expire Iceberg snapshots older than this (default: ${DEFAULT-VALUE})", defaultValue = "7")
        int retainDays;

        @Option(names = "--orphan-days", description = "db maintain: remove unreferenced files older than this (default: ${DEFAULT-VALUE})", defaultValue = "3")
        int orphanDays;

        @Option(names = "--pg-schema", description = "PostgreSQL schema (default: stock_ingest)")
        String pgSchema;

        @Option(names = "--dry-run", description = "Snowflake: print the statements instead of running them")
        boolean dryRun;

        Db(Environment env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            if (!action.equals("migrate") && !action.equals("info") && !action.equals("maintain")) {
                throw new IngestException(ErrorKind.USAGE, "Unknown db action '" + action + "' (known: migrate, info, maintain)");
            }
            Settings settings = settings(env, pgSchema);
            String scheme = Plugins.sinkScheme(sink);
            List<String> lines = new ArrayList<>();
            if (action.equals("maintain") && !scheme.equals("iceberg")) {
                throw new IngestException(ErrorKind.USAGE, "db maintain works on an Iceberg sink (iceberg:DIR or iceberg); got '" + sink + "'");
            }
            if (scheme.equals("iceberg")) {
                if (retainDays < 0 || orphanDays < 1) {
                    throw new IngestException(ErrorKind.USAGE, "--retain-days must be >= 0 and --orphan-days >= 1");
                }
                try (IcebergAdmin admin = IcebergAdmin.open(icebergUri(env, sink), settings)) {
                    lines.addAll(switch (action) {
                        case "migrate" -> admin.migrate();
                        case "info" -> admin.info();
                        default -> admin.maintain(java.time.Duration.ofDays(retainDays), java.time.Duration.ofDays(orphanDays));
                    });
                }
            } else if (scheme.equals("postgres")) {
                PostgresAdmin admin = new PostgresAdmin(PostgresConfig.from(sink, settings));
                lines.addAll(action.equals("migrate") ? admin.migrate() : admin.info());
            } else if (scheme.equals("snowflake")) {
                Plugins plugins = Guice.createInjector(Stage.PRODUCTION, new CoreModule(env.ticker()),
                        PluginCatalog.modules("yahoo", List.of(sink)).getLast()).getInstance(Plugins.class);
                try (Sink opened = plugins.sink(sink, settings)) {
                    SnowflakeSink snowflake = (SnowflakeSink) opened;
                    if (dryRun || action.equals("info")) {
                        lines.addAll(snowflake.planMigration());
                    } else {
                        List<Integer> applied = snowflake.migrate();
                        lines.add(applied.isEmpty() ? "schema is up to date" : "applied versions " + applied);
                    }
                }
            } else {
                throw new IngestException(ErrorKind.USAGE, "db works on a database sink (postgres, postgresql://..., snowflake, iceberg:DIR, iceberg); got '" + sink + "'");
            }
            lines.forEach(env.out()::println);
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Rows out of a PostgreSQL sink to CSV, Parquet or SQL INSERTs.")
    static final class Export implements Callable<Integer> {
        private final Environment env;

        @Option(names = "--table", required = true, description = "e.g. prices_daily")
        String table;

        @Option(names = "--format", description = "csv, parquet or sql (default: ${DEFAULT-VALUE})", defaultValue = "csv")
        String format;

        @Option(names = "--where", description = "A filter, run inside a READ ONLY transaction, e.g. \"symbol IN ('AAPL')\"")
        String where;

        @Option(names = {"-o", "--output"}, required = true, description = "The file to write")
        String output;

        @Option(names = "--sink", description = "postgres (DATABASE_URL), a postgresql:// URL, iceberg:DIR or iceberg (default: ${DEFAULT-VALUE})", defaultValue = "postgres")
        String sink;

        @Option(names = "--pg-schema", description = "PostgreSQL schema (default: stock_ingest)")
        String pgSchema;

        Export(Environment env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            if (Plugins.sinkScheme(sink).equals("iceberg")) {
                if (!format.equals("csv") || where != null) {
                    throw new IngestException(ErrorKind.USAGE, "export from an Iceberg sink writes a whole table as CSV (no --where, --format csv)");
                }
                try (IcebergAdmin admin = IcebergAdmin.open(icebergUri(env, sink), Assembly.settings(env))) {
                    long rows = admin.exportCsv(table, env.resolve(output));
                    env.out().println("exported " + rows + " rows of " + table + " to " + env.resolve(output));
                }
                return 0;
            }
            if (!Plugins.sinkScheme(sink).equals("postgres")) {
                throw new IngestException(ErrorKind.USAGE, "export reads a PostgreSQL or Iceberg sink (postgres, postgresql://..., iceberg:DIR, iceberg); got '" + sink + "'");
            }
            Exporter exporter = new Exporter(PostgresConfig.from(sink, settings(env, pgSchema)));
            Exporter.Format chosen = Exporter.format(format);
            long rows = chosen == Exporter.Format.PARQUET ? ParquetExport.write(exporter, table, where, env.resolve(output))
                    : exporter.export(table, chosen, where, env.resolve(output));
            env.out().println("exported " + rows + " rows of " + table + " to " + env.resolve(output));
            return 0;
        }
    }
}

package io.stockingest.app;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.inject.Plugins;
import io.stockingest.core.spi.SchemaAdmin;
import io.stockingest.core.spi.TableExport;
import io.stockingest.core.spi.TableMaintenance;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code db migrate} and {@code db info} for a sink that offers {@link SchemaAdmin}, {@code db maintain} for one that
 * offers {@link TableMaintenance}; {@code export} of a table of a sink that offers {@link TableExport}.
 */
final class DbCommand {
    private DbCommand() {}

    static Settings settings(Environment env, String pgSchema) {
        Settings settings = Assembly.settings(env);
        return pgSchema == null ? settings : settings.with("PG_SCHEMA", pgSchema);
    }

    @Command(name = "db", mixinStandardHelpOptions = true, description = "db migrate | db info for a database sink (Flyway for PostgreSQL);"
            + " db maintain for Iceberg tables (compaction, snapshot expiry, orphan removal).")
    static final class Db implements Callable<Integer> {
        private final Environment env;

        @Parameters(index = "0", paramLabel = "ACTION", description = "migrate, info or maintain")
        String action;

        @Option(names = "--sink", description = "postgres (DATABASE_URL), a postgresql:// URL, snowflake, iceberg:DIR or iceberg (ICEBERG_*) (default: ${DEFAULT-VALUE})",
                defaultValue = "postgres")
        String sink;

        @Option(names = "--retain-days", description = "db maintain: expire snapshots older than this many days (default: ${DEFAULT-VALUE})", defaultValue = "7")
        int retainDays;

        @Option(names = "--orphan-days", description = "db maintain: remove unreferenced files older than this many days (default: ${DEFAULT-VALUE})",
                defaultValue = "3")
        int orphanDays;

        @Option(names = "--pg-schema", description = "PostgreSQL schema (default: stock_ingest)")
        String pgSchema;

        @Option(names = "--dry-run", description = "Print what migrate would do (PostgreSQL: the pending migrations; Snowflake: the statements) and apply nothing")
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
            Plugins plugins = Assembly.plugins(env);
            String sink = Assembly.resolveSink(plugins, this.sink, env);
            if (action.equals("maintain")) {
                TableMaintenance maintenance = plugins.sinkCapability(sink, TableMaintenance.class).orElseThrow(() -> new IngestException(ErrorKind.USAGE,
                        "db maintain works on a table-format sink (" + String.join(", ", plugins.sinkExamples(TableMaintenance.class)) + "); got '" + this.sink + "'"));
                if (retainDays < 0 || orphanDays < 0) {
                    throw new IngestException(ErrorKind.USAGE, "--retain-days and --orphan-days must not be negative");
                }
                maintenance.maintain(sink, settings, Duration.ofDays(retainDays), Duration.ofDays(orphanDays)).forEach(env.out()::println);
                return 0;
            }
            SchemaAdmin admin = plugins.sinkCapability(sink, SchemaAdmin.class).orElseThrow(() -> new IngestException(ErrorKind.USAGE,
                    "db works on a database sink (" + String.join(", ", plugins.sinkExamples(SchemaAdmin.class)) + "); got '" + this.sink + "'"));
            List<String> lines = action.equals("info") ? admin.info(sink, settings)
                    : dryRun ? admin.planMigration(sink, settings).orElseThrow(() -> new IngestException(ErrorKind.USAGE,
                            "db migrate --dry-run: sink '" + this.sink + "' cannot list its migrations without applying them; nothing was applied"))
                    : admin.migrate(sink, settings);
            lines.forEach(env.out()::println);
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Rows out of a PostgreSQL sink to CSV, Parquet or SQL INSERTs;"
            + " a whole Iceberg table to CSV.")
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

        @Option(names = "--sink", description = "postgres (DATABASE_URL), a postgresql:// URL, iceberg:DIR or iceberg (default: ${DEFAULT-VALUE})",
                defaultValue = "postgres")
        String sink;

        @Option(names = "--pg-schema", description = "PostgreSQL schema (default: stock_ingest)")
        String pgSchema;

        Export(Environment env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            Plugins plugins = Assembly.plugins(env);
            TableExport export = plugins.sinkCapability(sink, TableExport.class).orElseThrow(() -> new IngestException(ErrorKind.USAGE,
                    "export reads a database sink (" + String.join(", ", plugins.sinkExamples(TableExport.class)) + "); got '" + sink + "'"));
            long rows = export.export(Assembly.resolveSink(plugins, sink, env), settings(env, pgSchema), table, format, where, env.resolve(output));
            env.out().println("exported " + rows + " rows of " + table + " to " + env.resolve(output));
            return 0;
        }
    }
}

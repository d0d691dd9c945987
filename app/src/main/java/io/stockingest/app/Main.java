package io.stockingest.app;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.http.Secrets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code stock-ingest} command line. Exit codes: 0 all done; 1 some symbols or partitions failed (the rest is
 * written); 2 bad usage or configuration; 3 the data-quality gate stopped a promotion.
 */
@Command(name = "stock-ingest", mixinStandardHelpOptions = true, version = "stock-ingest 0.1.0",
        description = "US equity market data from FMP, Polygon and Yahoo into Parquet lakes, Snowflake and PostgreSQL.")
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(run(Environment.system(), true, args));
    }

    /** Runs one command in-process and returns its exit code (no signal handler installed). */
    public static int run(Environment env, String... args) {
        return run(env, false, args);
    }

    static int run(Environment plain, boolean signals, String... args) {
        LogStyle style = LogStyle.of(List.of(args));
        Environment env = plain.logging(style);
        if (signals) {
            // this process's own stderr: SLF4J's lines (retries, --verbose) take the same format and threshold
            if (style.threshold() == LogStyle.Level.DEBUG) {
                System.setProperty("org.slf4j.simpleLogger.log.io.stockingest", "debug");
            }
            System.setErr(env.err());
        }
        CommandLine cli = commandLine(env, signals);
        cli.setOut(new java.io.PrintWriter(env.out(), true));
        cli.setErr(new java.io.PrintWriter(env.err(), true));
        cli.setParameterExceptionHandler((e, arguments) -> {
            env.err().println("stock-ingest: " + Secrets.redact(e.getMessage()) + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IngestException ingest) {
                for (String line : ingest.getMessage().split("\n")) {
                    env.err().println("stock-ingest: " + line);
                }
                return exitCode(ingest.kind());
            }
            env.err().println("stock-ingest: unexpected error: " + Secrets.redact(String.valueOf(e)));
            return 1;
        });
        return cli.execute(args);
    }

    /**
     * Every command and its options, as parsed (the settings reference, docs/settings.md, is checked against it);
     * {@code signals}: whether {@code watch} installs its SIGTERM/SIGINT handler.
     */
    static CommandLine commandLine(Environment env, boolean signals) {
        CommandLine cli = new CommandLine(new Main());
        cli.addSubcommand(new CommandLine(new PricesCommand(env)));
        cli.addSubcommand(new CommandLine(new DatasetCommand.Fundamentals(env)));
        cli.addSubcommand(new CommandLine(new DatasetCommand.Options(env)));
        cli.addSubcommand(new CommandLine(new DatasetCommand.Actions(env)));
        cli.addSubcommand(new CommandLine(new WatchCommand(env, signals)));
        cli.addSubcommand(new CommandLine(new RunsCommand(env)));
        cli.addSubcommand(new CommandLine(new CoverageCommand(env)));
        cli.addSubcommand(new CommandLine(new CalendarCommand(env)));
        cli.addSubcommand(new CommandLine(new DbCommand.Db(env)));
        cli.addSubcommand(new CommandLine(new DbCommand.Export(env)));
        cli.addSubcommand(new CommandLine(new ServeCommand(env, signals)));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    static int exitCode(ErrorKind kind) {
        return switch (kind) {
            case USAGE, CONFIG, AUTH -> 2;
            case DQ_GATE -> 3;
            default -> 1;
        };
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--log-format", scope = ScopeType.INHERIT, paramLabel = "text|json",
            description = "Log lines on stderr for people (text, default) or log collectors (json: one object a line; the summary too)")
    LogStyle.Format logFormat;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "Only warnings and errors: no progress, no summary")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Also debug lines (each retry and its reason)")
    boolean verbose;

    /** Bare {@code stock-ingest}: the usage with the list of commands, exit 2 (no command is a usage error). */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }
}

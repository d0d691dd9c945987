package io.stockingest.app;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.StartupTrace;
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
        StartupTrace.mark("main");
        int exit = run(Environment.system(), true, args);
        StartupTrace.mark("exit " + exit + " (System.exit)");
        System.exit(exit);
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
        String command = named(args);
        if (command != null && !command.equals("calendar") && !asksForHelp(args)) {
            Assembly.prepare(env); // the plugin registry is built beside picocli's model
        }
        CommandLine cli = commandLine(env, signals, command);
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
        return commandLine(env, signals, null);
    }

    /** The commands by name, in the order {@code --help} lists them. */
    static java.util.LinkedHashMap<String, java.util.function.Supplier<Object>> commands(Environment env, boolean signals) {
        java.util.LinkedHashMap<String, java.util.function.Supplier<Object>> commands = new java.util.LinkedHashMap<>();
        commands.put("prices", () -> new PricesCommand(env));
        commands.put("fundamentals", () -> new DatasetCommand.Fundamentals(env));
        commands.put("options", () -> new DatasetCommand.Options(env));
        commands.put("actions", () -> new DatasetCommand.Actions(env));
        commands.put("watch", () -> new WatchCommand(env, signals));
        commands.put("runs", () -> new RunsCommand(env));
        commands.put("coverage", () -> new CoverageCommand(env));
        commands.put("calendar", () -> new CalendarCommand(env));
        commands.put("db", () -> new DbCommand.Db(env));
        commands.put("export", () -> new DbCommand.Export(env));
        commands.put("serve", () -> new ServeCommand(env, signals));
        return commands;
    }

    /** The names {@link #commands} registers (a test checks them against each command's {@code @Command} name). */
    static final List<String> COMMAND_NAMES = List.of("prices", "fundamentals", "options", "actions", "watch", "runs", "coverage", "calendar", "db",
            "export", "serve");

    /**
     * The command {@code args} run: the first argument that is a command's name, or null (none: {@code --help},
     * {@code --version}, a usage error). Start-up builds only that command's parser: picocli's model of every command
     * took a third of a second before the first request (docs/performance.md).
     */
    static String named(String... args) {
        for (String arg : args) {
            if (COMMAND_NAMES.contains(arg)) {
                return arg;
            }
            if (arg.equals("--")) {
                return null;
            }
        }
        return null;
    }

    /** Whether {@code args} ask for help or the version, which need no plugin. */
    static boolean asksForHelp(String... args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                return false;
            }
            if (arg.equals("-h") || arg.equals("--help") || arg.equals("-V") || arg.equals("--version")) {
                return true;
            }
        }
        return false;
    }

    /** As {@link #commandLine(Environment, boolean)}, with only the command {@code only} when it is not null. */
    static CommandLine commandLine(Environment env, boolean signals, String only) {
        CommandLine cli = new CommandLine(new Main());
        commands(env, signals).forEach((name, command) -> {
            if (only == null || only.equals(name)) {
                cli.addSubcommand(new CommandLine(command.get()));
            }
        });
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        StartupTrace.mark("commands built (picocli)");
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

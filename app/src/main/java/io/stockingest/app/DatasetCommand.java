package io.stockingest.app;

import io.stockingest.core.config.ConfigProblems;
import io.stockingest.core.config.Settings;
import io.stockingest.core.inject.Plugins;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.StatementType;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.pipeline.DatasetIngest;
import io.stockingest.core.pipeline.Progress;
import io.stockingest.core.pipeline.Shard;
import io.stockingest.core.spi.DryRunPlan;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.Source;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.spi.WriteResult;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The per-symbol dataset commands: {@code fundamentals}, {@code options}, {@code actions}. */
abstract class DatasetCommand<T> extends RunOptions implements Callable<Integer> {
    protected final Environment env;

    @Option(names = "--pg-schema", description = "PostgreSQL sink schema (default: stock_ingest)")
    String pgSchema;

    @Option(names = "--tickers-path", description = "A file (or s3://BUCKET/KEY) of symbols: CSV with a 'symbol' column, or one a line")
    String tickersPath;

    DatasetCommand(Environment env) {
        this.env = env;
    }

    /** The symbols (or underlyings) as given. */
    abstract List<String> rawSymbols();

    /** Parses the command's own options, adding problems. */
    abstract void parse(ConfigProblems problems);

    abstract List<T> fetch(Source source, Symbol symbol);

    abstract WriteResult write(Sink sink, List<T> records, WriteOptions options, RunContext context);

    abstract String describe();

    abstract io.stockingest.core.model.Dataset dataset();

    /** Provider calls per symbol this command needs at the least from {@code source} (for budgets and --dry-run). */
    abstract int callsPerSymbol(Source source);

    String from() {
        return null;
    }

    String to() {
        return null;
    }

    @Override
    public Integer call() {
        Settings settings = pgSchema == null ? Assembly.settings(env) : Assembly.settings(env).with("PG_SCHEMA", pgSchema);
        ConfigProblems problems = new ConfigProblems();
        Plugins plugins = Assembly.plugins(env);
        List<Symbol> symbols = Symbols.requested(env, plugins, settings, rawSymbols(), tickersPath, problems).stream().distinct().toList();
        Shard shardSpec = problems.check(() -> Shard.parse(shard));
        Integer workers = problems.check(() -> settings.positiveInt("MAX_WORKERS", 8));
        int maxWorkers = workers == null ? 1 : workers;
        parse(problems);
        problems.throwIfAny();
        List<Symbol> mine = symbols.stream().filter(shardSpec::includes).toList();
        WriteOptions options = new WriteOptions(WriteOptions.Layout.DAILY, force ? WriteOptions.Existing.OVERWRITE : WriteOptions.Existing.SKIP);
        try (Assembly parts = Assembly.open(env, plugins, settings, source, dataset(), Assembly.sinkUris(sinks))) {
            int calls = mine.size() * callsPerSymbol(parts.source);
            if (dryRun) {
                env.out().printf("dry run: %s --source %s%nsymbols: %d (shard %s of %d given): %s%nprovider calls: at least %d%nsinks: %s%n", describe(),
                        parts.source.name(), mine.size(), shardSpec, symbols.size(), String.join(",", mine.stream().map(Symbol::value).toList()), calls,
                        String.join(", ", parts.sinks.stream().map(Sink::name).toList()));
                if (dataset() == io.stockingest.core.model.Dataset.OPTIONS) {
                    RunContext context = RunContext.start(spec(), parts.source.name(), env.ticker().now());
                    LocalDate session = io.stockingest.core.calendar.NyseCalendar.instance().lastCompletedSession(env.ticker().now());
                    for (Sink sink : parts.sinks) {
                        sink.capability(DryRunPlan.class).ifPresent(plan -> {
                            env.out().printf("%s would run:%n", sink.name());
                            plan.planOptions(mine, session, context).forEach(line -> env.out().println("  " + line));
                        });
                    }
                }
                return 0;
            }
            parts.source.checkBudget(calls);
            RunContext context = RunContext.start(spec(), parts.source.name(), env.ticker().now());
            Function<Symbol, List<T>> fetcher = symbol -> fetch(parts.source, symbol);
            BiFunction<Sink, List<T>, WriteResult> writer = (sink, records) -> write(sink, records, options, context);
            RunReport report = new DatasetIngest<T>(parts.source.name(), parts.sinks, env.ticker(), Progress.forStream(env.err(), env.interactive(), env.ticker()))
                    .run(mine, maxWorkers, fetcher, writer, context, from(), to())
                    .withNotes(List.of("fetched " + describe()));
            env.printSummary(report);
            if (metricsOut != null) {
                Assembly.writeMetrics(env.resolve(metricsOut), report);
            }
            return report.exitCode();
        }
    }

    private String spec() {
        return getClass().getAnnotation(Command.class).name();
    }

    @Command(name = "fundamentals", mixinStandardHelpOptions = true, description = "Income statements, balance sheets and cash-flow statements.")
    static final class Fundamentals extends DatasetCommand<io.stockingest.core.model.FinancialStatement> {
        @Option(names = "--symbols", split = ",", description = "Symbols, comma-separated")
        List<String> symbols = new ArrayList<>();

        @Option(names = "--statements", split = ",", description = "income, balance, cashflow (default: all three)")
        List<String> statements = new ArrayList<>(List.of("income", "balance", "cashflow"));

        @Option(names = "--period", description = "annual or quarter (default: ${DEFAULT-VALUE})", defaultValue = "annual")
        String period;

        @Option(names = "--limit", description = "Statements per type and symbol, newest first (default: ${DEFAULT-VALUE})", defaultValue = "5")
        int limit;

        private List<StatementType> types = List.of();
        private Source.Period periodValue;

        Fundamentals(Environment env) {
            super(env);
        }

        @Override
        List<String> rawSymbols() {
            return symbols;
        }

        @Override
        void parse(ConfigProblems problems) {
            types = statements.stream().map(s -> problems.check(() -> StatementType.parse(s))).filter(java.util.Objects::nonNull).distinct().toList();
            periodValue = problems.check(() -> switch (period.toLowerCase(Locale.ROOT)) {
                case "annual" -> Source.Period.ANNUAL;
                case "quarter" -> Source.Period.QUARTER;
                default -> throw new IllegalArgumentException("--period '" + period + "' must be annual or quarter");
            });
            if (limit < 1) {
                problems.add("--limit must be at least 1");
            }
        }

        @Override
        List<io.stockingest.core.model.FinancialStatement> fetch(Source source, Symbol symbol) {
            List<io.stockingest.core.model.FinancialStatement> out = new ArrayList<>();
            types.forEach(type -> out.addAll(source.fetchStatements(symbol, type, periodValue, limit)));
            return out;
        }

        @Override
        WriteResult write(Sink sink, List<io.stockingest.core.model.FinancialStatement> records, WriteOptions options, RunContext context) {
            return sink.writeStatements(records, options, context);
        }

        @Override
        String describe() {
            return "fundamentals " + String.join(",", types.stream().map(type -> type.name().toLowerCase(Locale.ROOT)).toList()) + ", " + period
                    + ", the " + limit + " newest of each";
        }

        @Override
        io.stockingest.core.model.Dataset dataset() {
            return io.stockingest.core.model.Dataset.FUNDAMENTALS;
        }

        @Override
        int callsPerSymbol(Source source) {
            return types.size();
        }
    }

    @Command(name = "options", mixinStandardHelpOptions = true, description = "An options-chain snapshot for underlyings.")
    static final class Options extends DatasetCommand<io.stockingest.core.model.OptionSnapshot> {
        @Option(names = {"--symbols", "--underlying"}, split = ",", description = "Underlyings, comma-separated (--underlying is an alias)")
        List<String> underlyings = new ArrayList<>();

        @Option(names = "--expiration-from", description = "First expiration date, ISO")
        String expirationFrom;

        @Option(names = "--expiration-to", description = "Last expiration date, ISO")
        String expirationTo;

        private LocalDate from;
        private LocalDate to;

        Options(Environment env) {
            super(env);
        }

        @Override
        List<String> rawSymbols() {
            return underlyings;
        }

        @Override
        void parse(ConfigProblems problems) {
            from = expirationFrom == null ? null : problems.check(() -> date("--expiration-from", expirationFrom));
            to = expirationTo == null ? null : problems.check(() -> date("--expiration-to", expirationTo));
            if (from != null && to != null && from.isAfter(to)) {
                problems.add("--expiration-from " + from + " is after --expiration-to " + to);
            }
        }

        @Override
        List<io.stockingest.core.model.OptionSnapshot> fetch(Source source, Symbol symbol) {
            return source.fetchOptionChain(symbol, from, to);
        }

        @Override
        WriteResult write(Sink sink, List<io.stockingest.core.model.OptionSnapshot> records, WriteOptions options, RunContext context) {
            return sink.writeOptions(records, options, context);
        }

        @Override
        String describe() {
            return "options expirations " + (from == null ? "any" : from) + ".." + (to == null ? "any" : to);
        }

        @Override
        io.stockingest.core.model.Dataset dataset() {
            return io.stockingest.core.model.Dataset.OPTIONS;
        }

        @Override
        int callsPerSymbol(Source source) {
            return 1;
        }
    }

    @Command(name = "actions", mixinStandardHelpOptions = true, description = "Corporate actions: splits and dividends.")
    static final class Actions extends DatasetCommand<io.stockingest.core.model.CorporateAction> {
        @Option(names = "--symbols", split = ",", description = "Symbols, comma-separated")
        List<String> symbols = new ArrayList<>();

        @Option(names = "--from", description = "First ex-date, ISO (default: 1990-01-01)", defaultValue = "1990-01-01")
        String fromText;

        @Option(names = "--to", description = "Last ex-date, ISO (default: today)")
        String toText;

        private DateRange range;

        Actions(Environment env) {
            super(env);
        }

        @Override
        List<String> rawSymbols() {
            return symbols;
        }

        @Override
        void parse(ConfigProblems problems) {
            LocalDate from = problems.check(() -> date("--from", fromText));
            LocalDate to = toText == null ? env.ticker().now().atZone(java.time.ZoneOffset.UTC).toLocalDate() : problems.check(() -> date("--to", toText));
            if (from != null && to != null) {
                range = problems.check(() -> new DateRange(from, to));
            }
        }

        @Override
        List<io.stockingest.core.model.CorporateAction> fetch(Source source, Symbol symbol) {
            return source.fetchActions(symbol, range);
        }

        @Override
        WriteResult write(Sink sink, List<io.stockingest.core.model.CorporateAction> records, WriteOptions options, RunContext context) {
            return sink.writeActions(records, options, context);
        }

        @Override
        String from() {
            return range.from().toString();
        }

        @Override
        String to() {
            return range.to().toString();
        }

        @Override
        String describe() {
            return "actions " + range;
        }

        @Override
        io.stockingest.core.model.Dataset dataset() {
            return io.stockingest.core.model.Dataset.ACTIONS;
        }

        @Override
        int callsPerSymbol(Source source) {
            return "yahoo".equals(source.name()) ? 1 : 2;
        }
    }

}

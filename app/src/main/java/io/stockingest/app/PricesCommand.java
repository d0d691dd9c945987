package io.stockingest.app;

import io.stockingest.core.calendar.Calendars;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.config.ConfigProblems;
import io.stockingest.core.config.Settings;
import io.stockingest.core.StartupTrace;
import io.stockingest.core.http.Secrets;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.Dataset;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.model.Venue;
import io.stockingest.core.pipeline.PriceIngest;
import io.stockingest.core.pipeline.PriceJob;
import io.stockingest.core.pipeline.Progress;
import io.stockingest.core.pipeline.Shard;
import io.stockingest.core.inject.Plugins;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.DryRunPlan;
import io.stockingest.core.spi.StoredSessions;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.Source;
import io.stockingest.core.spi.StoredDates;
import io.stockingest.core.spi.WriteOptions;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prices}: daily or intraday OHLCV bars for a list of symbols and a date range, into every selected sink. */
@Command(name = "prices", description = "Daily or intraday OHLCV bars for a list of symbols and a date range.", mixinStandardHelpOptions = true)
final class PricesCommand extends RunOptions implements Callable<Integer> {
    private final Environment env;

    @Option(names = "--symbols", split = ",", description = "Symbols, comma-separated (e.g. AAPL,MSFT,BRK.B)")
    List<String> symbols = new ArrayList<>();

    @Option(names = "--tickers-path", description = "A file (or s3://BUCKET/KEY) of symbols: CSV with a 'symbol' column, or one a line")
    String tickersPath;

    @Option(names = "--from", description = "First date, ISO (default: each symbol's last completed session on its venue's calendar)")
    String from;

    @Option(names = "--to", description = "Last date, ISO, inclusive (default: the latest of the symbols' venues' last completed sessions)")
    String to;

    @Option(names = "--backfill-days", description = "The N calendar days up to --to (default: the last completed session)")
    Integer backfillDays;

    @Option(names = "--interval", description = "1d, 1h, 30m, 15m, 5m, 2m, 1m, 1wk, 1mo (default: ${DEFAULT-VALUE})", defaultValue = "1d")
    String interval;

    @Option(names = "--backfill", description = "One file per symbol and year instead of one per symbol and day")
    boolean backfill;

    @Option(names = "--no-features", description = "Do not compute or store price_features / price_cumulative_7d with daily bars"
            + " (PostgreSQL also skips them with PG_FEATURES=false)")
    boolean noFeatures;

    @Option(names = "--extended-hours", description = "Keep intraday bars from 04:00 to 20:00 New York")
    boolean extendedHours;

    @Option(names = "--pg-schema", description = "PostgreSQL sink schema (default: stock_ingest)")
    String pgSchema;

    @Option(names = "--recheck", description = "Ask the provider again for sessions the sinks recorded as checked (no bar came back, or its row "
            + "was quarantined); without it a rerun skips them")
    boolean recheck;

    @Option(names = "--since-last", description = "Start each symbol after its last date stored in the PostgreSQL sink (daily: the next "
            + "session; intraday: that date again); symbols with nothing stored use --from (or the default)")
    boolean sinceLast;

    PricesCommand(Environment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        StartupTrace.mark("prices: arguments parsed");
        Settings settings = pgSchema == null ? Assembly.settings(env) : Assembly.settings(env).with("PG_SCHEMA", pgSchema);
        NyseCalendar calendar = NyseCalendar.instance();
        ConfigProblems problems = new ConfigProblems();
        StartupTrace.mark("settings loaded");
        Plugins plugins = Assembly.plugins(env);
        StartupTrace.mark("plugins (Guice injector built)");
        List<Symbol> requested = Symbols.requested(env, plugins, settings, symbols, tickersPath, problems);
        StartupTrace.mark("symbols read (" + requested.size() + ")");
        Interval barInterval = problems.check(() -> Interval.parse(interval));
        Shard shardSpec = problems.check(() -> Shard.parse(shard));
        Map<Symbol, LocalDate> lastSessions = lastCompletedSessions(requested);
        DateRange range = range(lastSessions, problems);
        Integer workers = problems.check(() -> settings.positiveInt("MAX_WORKERS", 8));
        int maxWorkers = workers == null ? 1 : workers;
        Double maxShare = problems.check(() -> share(settings.get("DQ_MAX_QUARANTINE_SHARE", "0.05")));
        Integer shareMinRows = problems.check(() -> settings.positiveInt("DQ_QUARANTINE_SHARE_MIN_ROWS", PriceJob.DEFAULT_QUARANTINE_SHARE_MIN_ROWS));
        List<String> sinkUris = Assembly.sinkUris(sinks);
        List<String> databases = sinkUris.stream().filter(uri -> plugins.sinkCapability(uri, StoredDates.class).isPresent()).toList();
        if (sinceLast && databases.isEmpty()) {
            problems.add("--since-last reads each symbol's last stored date from a PostgreSQL sink: add --sink postgres (or a postgresql:// URL)."
                    + " A lake sink alone is not read for it; use --from there (existing partitions are skipped unless --force)");
        }
        problems.throwIfAny();
        StartupTrace.mark("options checked");

        PriceJob job = new PriceJob(requested.stream().distinct().toList(), barInterval, range,
                extendedHours ? BarRequest.Hours.EXTENDED : BarRequest.Hours.REGULAR,
                new WriteOptions(backfill ? WriteOptions.Layout.YEARLY : WriteOptions.Layout.DAILY,
                        force ? WriteOptions.Existing.OVERWRITE : WriteOptions.Existing.SKIP,
                        noFeatures ? WriteOptions.Features.SKIP : WriteOptions.Features.STORE),
                shardSpec, maxWorkers, maxShare).withQuarantineShareMinRows(shareMinRows);
        if (recheck) {
            job = job.withRecheck();
        }

        if (from == null && to == null && backfillDays == null && !sinceLast && new java.util.HashSet<>(lastSessions.values()).size() > 1) {
            job = job.withStarts(lastSessions); // each symbol its own venue's last completed session
        }

        try (Assembly parts = Assembly.open(env, plugins, settings, source, Dataset.PRICES, sinkUris)) {
            StartupTrace.mark("source created, sinks opened and checked");
            if (sinceLast) {
                job = job.withStarts(sinceLastStarts(job, plugins, databases, settings, calendar));
                if (!dryRun) {
                    env.err().println(sinceLastHeader(job));
                }
            }
            Progress progress = dryRun ? Progress.silent() : Progress.forStream(env.err(), env.interactive(), env.ticker());
            PriceIngest ingest = new PriceIngest(parts.source, parts.sinks, Calendars.standard(), env.ticker(), progress);
            if (dryRun) {
                return dryRun(ingest, job, parts.sinks, parts.source);
            }
            RunReport report = ingest.run(job, RunContext.start("prices", parts.source.name(), env.ticker().now()));
            env.printSummary(report);
            StartupTrace.mark("summary printed");
            if (metricsOut != null) {
                Assembly.writeMetrics(env.resolve(metricsOut), report);
            }
            return report.exitCode();
        }
    }

    /**
     * Per symbol of the shard: the session after its last stored daily date (intraday: the last stored date itself,
     * which may be incomplete; the upsert makes refetching it harmless), the earliest over the sinks that keep them
     * ({@link StoredDates}: PostgreSQL). A symbol missing from any of them is left out (it uses the job's range).
     */
    private static Map<Symbol, LocalDate> sinceLastStarts(PriceJob job, Plugins plugins, List<String> databases, Settings settings, NyseCalendar calendar) {
        Map<Symbol, LocalDate> last = new HashMap<>();
        for (int i = 0; i < databases.size(); i++) {
            String uri = databases.get(i);
            Map<Symbol, LocalDate> stored = plugins.sinkCapability(uri, StoredDates.class).orElseThrow()
                    .lastStoredDates(uri, settings, job.shardSymbols(), job.interval());
            if (i == 0) {
                last.putAll(stored);
            } else {
                last.keySet().retainAll(stored.keySet());
                stored.forEach((symbol, date) -> last.computeIfPresent(symbol, (s, d) -> date.isBefore(d) ? date : d));
            }
        }
        Map<Symbol, LocalDate> starts = new HashMap<>();
        last.forEach((symbol, date) -> starts.put(symbol, job.interval().isIntraday() ? date
                : date.isBefore(NyseCalendar.LAST) ? calendar.nextSession(date) : date.plusDays(1)));
        return starts;
    }

    private int dryRun(PriceIngest ingest, PriceJob job, List<Sink> sinks, Source src) {
        List<BarRequest> plan = ingest.planDryRun(job);
        int calls = plan.stream().mapToInt(BarRequest::calls).sum();
        StringBuilder out = new StringBuilder();
        out.append(String.format("dry run: prices --source %s --interval %s %s%n", src.name(), job.interval(), job.range()));
        out.append(String.format("symbols: %d (shard %s of %d given)%n", job.shardSymbols().size(), job.shard(), job.symbols().size()));
        out.append(String.format("requests: %d, provider calls: %d%n", plan.size(), calls));
        if (!job.starts().isEmpty()) {
            long upToDate = job.shardSymbols().stream().filter(symbol -> job.rangeOf(symbol).isEmpty()).count();
            out.append(String.format("since last: %d symbols start after their last stored date, %d already up to date%n", job.starts().size() - upToDate, upToDate));
        }
        out.append(String.format("layout: %s, existing partitions: %s%n", job.writeOptions().layout(), job.writeOptions().existing()));
        out.append(String.format("sinks: %s%n", String.join(", ", sinks.stream().map(Sink::name).toList())));
        List<String> notAsked = sinks.stream().filter(sink -> sink.capability(StoredSessions.class).filter(store -> !store.answersDryRuns()).isPresent())
                .map(Sink::name).toList();
        if (!notAsked.isEmpty()) {
            out.append(String.format("stored sessions: not read from %s (a dry run does not connect); the whole range is listed, a run fetches only what is missing%n",
                    String.join(", ", notAsked)));
        }
        plan.stream().limit(50).forEach(request -> out.append("  fetch ").append(request).append(System.lineSeparator()));
        if (plan.size() > 50) {
            out.append(String.format("  ... and %d more requests%n", plan.size() - 50));
        }
        RunContext context = RunContext.start("prices", src.name(), env.ticker().now());
        for (Sink sink : sinks) {
            sink.capability(DryRunPlan.class).ifPresent(statements -> {
                out.append(String.format("%s would run:%n", sink.name()));
                statements.planPrices(job.shardSymbols(), job.interval(), job.range(), job.writeOptions(), context)
                        .forEach(line -> out.append("  ").append(line).append(System.lineSeparator()));
            });
        }
        env.out().print(Secrets.redact(out.toString()));
        return 0;
    }

    /**
     * Each symbol's last completed session on its own venue's calendar (the venue its spelling implies: {@code BTC-USD}
     * crypto, {@code 600497.SS} Shanghai, no suffix the NYSE), the default range of {@code prices}.
     */
    private Map<Symbol, LocalDate> lastCompletedSessions(List<Symbol> requested) {
        Calendars calendars = Calendars.standard();
        Instant now = env.ticker().now();
        Map<Symbol, LocalDate> last = new java.util.LinkedHashMap<>();
        for (Symbol symbol : requested) {
            last.put(symbol, calendars.of(Venue.ofSymbol(symbol)).lastCompletedSession(now));
        }
        return last;
    }

    private DateRange range(Map<Symbol, LocalDate> lastSessions, ConfigProblems problems) {
        LocalDate fromDate = from == null ? null : problems.check(() -> RunOptions.date("--from", from));
        LocalDate toDate = to == null ? null : problems.check(() -> RunOptions.date("--to", to));
        if ((from != null && fromDate == null) || (to != null && toDate == null)) {
            return null;
        }
        if (backfillDays != null && from != null) {
            problems.add("Give either --from or --backfill-days, not both");
            return null;
        }
        if (backfillDays != null && backfillDays < 1) {
            problems.add("--backfill-days must be at least 1");
            return null;
        }
        // the latest of the symbols' venues' last completed sessions; a symbol whose venue completed an earlier one
        // starts there (see call) and its source leaves out bars of sessions still trading
        LocalDate lastSession = lastSessions.values().stream().max(Comparator.naturalOrder())
                .orElseGet(() -> NyseCalendar.instance().lastCompletedSession(env.ticker().now()));
        // no bars exist yet for a date after the last completed session: refuse it rather than fetch an empty range
        for (Map.Entry<String, LocalDate> given : dates(fromDate, toDate).entrySet()) {
            if (given.getValue().isAfter(lastSession)) {
                problems.add(given.getKey() + " " + given.getValue() + " is after the last completed session, " + lastSession
                        + ": there are no bars for it yet. Give a date up to " + lastSession + ", or leave " + given.getKey() + " out"
                        + (given.getKey().equals("--to") ? " to end on that session" : " to fetch that session"));
                return null;
            }
        }
        LocalDate end = toDate != null ? toDate : lastSession;
        LocalDate start = fromDate != null ? fromDate
                : backfillDays != null ? end.minusDays(backfillDays - 1L)
                : toDate != null ? end : lastSessions.values().stream().min(Comparator.naturalOrder()).orElse(end);
        if (fromDate != null && toDate == null && fromDate.isAfter(end)) {
            end = fromDate;
        }
        LocalDate finalStart = start;
        LocalDate finalEnd = end;
        DateRange range = problems.check(() -> new DateRange(finalStart, finalEnd));
        if (range != null && (range.from().isBefore(NyseCalendar.FIRST) || range.to().isAfter(NyseCalendar.LAST))) {
            problems.add("Dates must lie in " + NyseCalendar.FIRST + ".." + NyseCalendar.LAST + ", got " + range);
            return null;
        }
        return range;
    }

    private static Map<String, LocalDate> dates(LocalDate fromDate, LocalDate toDate) {
        Map<String, LocalDate> given = new java.util.LinkedHashMap<>();
        if (fromDate != null) {
            given.put("--from", fromDate);
        }
        if (toDate != null) {
            given.put("--to", toDate);
        }
        return given;
    }

    /**
     * The {@code --since-last} header: where each symbol starts (grouped by date), which have nothing stored (and use
     * the run's start) and which are already up to date.
     */
    static String sinceLastHeader(PriceJob job) {
        Map<LocalDate, List<String>> byStart = new java.util.TreeMap<>();
        List<String> nothingStored = new ArrayList<>();
        List<String> upToDate = new ArrayList<>();
        for (Symbol symbol : job.shardSymbols()) {
            Optional<DateRange> range = job.rangeOf(symbol);
            if (range.isEmpty()) {
                upToDate.add(symbol.value());
            } else if (!job.starts().containsKey(symbol)) {
                nothingStored.add(symbol.value());
            } else {
                byStart.computeIfAbsent(range.get().from(), date -> new ArrayList<>()).add(symbol.value());
            }
        }
        StringBuilder out = new StringBuilder("since last: up to " + job.range().to());
        byStart.forEach((date, symbols) -> out.append("; from ").append(date).append(": ").append(names(symbols)));
        if (!nothingStored.isEmpty()) {
            out.append("; nothing stored, from ").append(job.range().from()).append(": ").append(names(nothingStored));
        }
        if (!upToDate.isEmpty()) {
            out.append("; already up to date: ").append(names(upToDate));
        }
        return out.toString();
    }

    /** Up to 10 symbols, then how many more. */
    private static String names(List<String> symbols) {
        return String.join(" ", symbols.subList(0, Math.min(10, symbols.size()))) + (symbols.size() > 10 ? " and " + (symbols.size() - 10) + " more" : "");
    }

    private static double share(String text) {
        try {
            double value = Double.parseDouble(text);
            if (value >= 0 && value <= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("DQ_MAX_QUARANTINE_SHARE '" + text + "' must be a fraction between 0 and 1, e.g. 0.05");
    }
}

package io.stockingest.app;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.config.ConfigProblems;
import io.stockingest.core.config.Settings;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.inject.Plugins;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.StoredSessions;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code coverage}: per sink and symbol, the sessions the NYSE calendar expects in a range, how many the sink
 * stores, how many it recorded as checked (no bar came back: checked-empty; its row was quarantined: quarantined),
 * and the missing ones (neither stored nor checked) as ranges. Exit 0 when nothing is missing, 1 when something is,
 * 2 bad usage.
 */
@Command(name = "coverage", mixinStandardHelpOptions = true,
        description = "Which expected sessions each sink stores per symbol, and the missing dates as ranges (exit 1 if any).")
final class CoverageCommand implements Callable<Integer> {
    enum Format { table, csv, json }

    private final Environment env;

    @Option(names = "--sink", description = "parquet:DIR, s3://BUCKET[/PREFIX]; repeatable (default: parquet:./data)")
    List<String> sinks = new ArrayList<>();

    @Option(names = "--symbols", split = ",", description = "Symbols, comma-separated (e.g. AAPL,MSFT,BRK.B)")
    List<String> symbols = new ArrayList<>();

    @Option(names = "--tickers-path", description = "A file of symbols: CSV with a 'symbol' column, or one a line")
    String tickersPath;

    @Option(names = "--from", required = true, description = "First date, ISO")
    String from;

    @Option(names = "--to", required = true, description = "Last date, ISO, inclusive")
    String to;

    @Option(names = "--interval", description = "1d or an intraday interval (default: ${DEFAULT-VALUE})", defaultValue = "1d")
    String interval;

    @Option(names = "--pg-schema", description = "PostgreSQL sink schema (default: stock_ingest)")
    String pgSchema;

    @Option(names = "--format", description = "table, csv or json (default: ${DEFAULT-VALUE})", defaultValue = "table")
    Format format;

    CoverageCommand(Environment env) {
        this.env = env;
    }

    /** One sink's coverage of one symbol. */
    record Row(String sink, Symbol symbol, int expected, int stored, int checkedEmpty, int quarantined, List<DateRange> missing) {
        int missingCount() {
            return expected - stored - checkedEmpty - quarantined;
        }
    }

    @Override
    public Integer call() {
        Settings settings = pgSchema == null ? Assembly.settings(env) : Assembly.settings(env).with("PG_SCHEMA", pgSchema);
        NyseCalendar calendar = NyseCalendar.instance();
        ConfigProblems problems = new ConfigProblems();
        Plugins plugins = Assembly.plugins(env);
        List<Symbol> requested = Symbols.requested(env, plugins, settings, symbols, tickersPath, problems).stream().distinct().toList();
        Interval barInterval = problems.check(() -> Interval.parse(interval));
        LocalDate first = problems.check(() -> RunOptions.date("--from", from));
        LocalDate last = problems.check(() -> RunOptions.date("--to", to));
        DateRange range = first == null || last == null ? null : problems.check(() -> new DateRange(first, last));
        List<LocalDate> expected = range == null ? List.of() : problems.check(() -> calendar.sessions(range.from(), range.to()).stream()
                .map(NyseCalendar.Session::date).toList());
        problems.throwIfAny();

        List<Row> rows = new ArrayList<>();
        List<String> sinkUris = Assembly.sinkUris(sinks);
        List<Sink> opened = Assembly.openSinks(env, sinkUris.stream().map(plugins::sinkPlugin).toList(), settings, sinkUris);
        try {
            for (Sink sink : opened) {
                StoredSessions store = sink.capability(StoredSessions.class).orElseThrow(() -> new IngestException(ErrorKind.USAGE,
                        "coverage: sink " + sink.name() + " cannot say which sessions it stores (a lake can: parquet:DIR or s3://BUCKET; postgres; snowflake)"));
                Map<Symbol, StoredSessions.Known> held = store.knownSessions(requested, barInterval, range);
                for (Symbol symbol : requested) {
                    StoredSessions.Known known = held.getOrDefault(symbol, StoredSessions.Known.NONE);
                    StoredSessions.Stored stored = known.stored();
                    int count = 0;
                    int empty = 0;
                    int quarantined = 0;
                    for (LocalDate session : expected) {
                        if (stored.covers(session)) {
                            count++;
                        } else if (known.checked().get(session) == StoredSessions.Checked.EMPTY) {
                            empty++;
                        } else if (known.checked().get(session) == StoredSessions.Checked.QUARANTINED) {
                            quarantined++;
                        }
                    }
                    rows.add(new Row(sink.name(), symbol, expected.size(), count, empty, quarantined,
                            StoredSessions.gaps(expected, session -> stored.covers(session) || known.checked().containsKey(session))));
                }
            }
        } finally {
            opened.forEach(Sink::close);
        }
        print(rows);
        return rows.stream().allMatch(row -> row.missing().isEmpty()) ? 0 : 1;
    }

    private void print(List<Row> rows) {
        PrintStream out = env.out();
        switch (format) {
            case csv -> {
                out.println("sink,symbol,expected,stored,checked_empty,quarantined,missing,missing_ranges");
                rows.forEach(r -> out.println(String.join(",", csvCell(r.sink()), r.symbol().value(), Integer.toString(r.expected()),
                        Integer.toString(r.stored()), Integer.toString(r.checkedEmpty()), Integer.toString(r.quarantined()),
                        Integer.toString(r.missingCount()), ranges(r.missing(), " "))));
            }
            case json -> out.println(rows.stream().map(r -> "  {\"sink\":\"" + jsonText(r.sink()) + "\",\"symbol\":\"" + r.symbol().value()
                    + "\",\"expected\":" + r.expected() + ",\"stored\":" + r.stored() + ",\"checked_empty\":" + r.checkedEmpty()
                    + ",\"quarantined\":" + r.quarantined() + ",\"missing\":" + r.missingCount()
                    + ",\"missing_ranges\":[" + r.missing().stream().map(g -> "{\"from\":\"" + g.from() + "\",\"to\":\"" + g.to() + "\"}")
                    .collect(Collectors.joining(",")) + "]}").collect(Collectors.joining(",\n", "[\n", "\n]")));
            case table -> {
                int sinkWidth = Math.max(4, rows.stream().mapToInt(r -> r.sink().length()).max().orElse(0));
                int symbolWidth = Math.max(6, rows.stream().mapToInt(r -> r.symbol().value().length()).max().orElse(0));
                String line = "%-" + sinkWidth + "s  %-" + symbolWidth + "s  %8s  %8s  %13s  %11s  %8s  %s%n";
                out.printf(line, "sink", "symbol", "expected", "stored", "checked-empty", "quarantined", "missing", "missing dates");
                rows.forEach(r -> out.printf(line, r.sink(), r.symbol().value(), r.expected(), r.stored(), r.checkedEmpty(), r.quarantined(),
                        r.missingCount(), ranges(r.missing(), ", ")));
            }
        }
        out.flush();
    }

    private static String ranges(List<DateRange> missing, String separator) {
        return missing.stream().map(DateRange::toString).collect(Collectors.joining(separator));
    }

    private static String csvCell(String text) {
        return text.contains(",") || text.contains("\"") ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }

    private static String jsonText(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}

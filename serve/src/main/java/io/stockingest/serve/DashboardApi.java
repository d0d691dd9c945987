package io.stockingest.serve;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.http.Secrets;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.SinkReader;
import io.stockingest.core.spi.StoredSessions;
import io.stockingest.core.spi.Table;
import java.io.IOException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The JSON API under {@code /api/} (documented in docs/dashboard.md): one method per endpoint over a
 * {@link SinkReader} (a sink's {@link io.stockingest.core.spi.ReadOnlyAccess}). Every path or query value is validated here (symbols through {@link Symbol#parse}, dates
 * as ISO dates, intervals and run ids against patterns) before a reader sees it. Thread-safe.
 */
public final class DashboardApi {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INTERVAL = Pattern.compile("1d|[0-9]{1,3}[mh]");
    private static final Pattern RUN_ID = Pattern.compile("[0-9A-Za-z-]{1,64}");
    private static final Pattern RULE = Pattern.compile("[a-z0-9_]{1,64}");
    private static final int MAX_QUARANTINE_ROWS = 1000;

    private final SinkReader reader;
    private final NyseCalendar calendar = NyseCalendar.instance();
    private final LocalDate today;

    /** @param today the last date the coverage counts expected sessions up to */
    public DashboardApi(SinkReader reader, LocalDate today) {
        this.reader = requireNonNull(reader, "reader is null");
        this.today = requireNonNull(today, "today is null");
    }

    /** An answer: HTTP status and JSON body. */
    public record Answer(int status, JsonNode body) {
        public Answer {
            requireNonNull(body, "body is null");
        }

        static Answer ok(JsonNode body) {
            return new Answer(200, body);
        }

        static Answer error(int status, String message) {
            return new Answer(status, JSON.createObjectNode().put("error", Secrets.redact(message)));
        }
    }

    /** A request the API refuses (400), with a message saying why. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    /** Answers {@code path} (below {@code /api}, e.g. {@code /prices/AAPL}) with its decoded query parameters. */
    public Answer answer(String path, Map<String, String> query) {
        try {
            String[] parts = path.replaceAll("^/+|/+$", "").split("/");
            return switch (parts[0]) {
                case "info" -> only(parts, 1, () -> info());
                case "symbols" -> only(parts, 1, () -> symbols());
                case "prices" -> only(parts, 2, () -> prices(symbol(parts[1]), query));
                case "cumulative" -> only(parts, 2, () -> cumulative(symbol(parts[1]), query));
                case "actions" -> only(parts, 2, () -> Answer.ok(tableNode(reader.actions(symbol(parts[1])))));
                case "options" -> only(parts, 2, () -> options(symbol(parts[1]), query));
                case "fundamentals" -> only(parts, 2, () -> Answer.ok(tableNode(reader.fundamentals(symbol(parts[1])))));
                case "runs" -> parts.length == 1 ? runs(query) : only(parts, 2, () -> run(parts[1]));
                case "quarantine" -> only(parts, 1, () -> quarantine(query));
                case "coverage" -> parts.length == 1 ? coverage(query) : only(parts, 2, () -> coverageOf(symbol(parts[1]), query));
                default -> Answer.error(404, "No API endpoint /api/" + String.join("/", parts));
            };
        } catch (BadRequest e) {
            return Answer.error(400, e.getMessage());
        } catch (IngestException e) {
            return Answer.error(e.kind() == ErrorKind.USAGE ? 400 : 500, e.getMessage());
        }
    }

    private static Answer only(String[] parts, int length, java.util.function.Supplier<Answer> answer) {
        if (parts.length != length) {
            return Answer.error(404, "No API endpoint /api/" + String.join("/", parts));
        }
        return answer.get();
    }

    private Answer info() {
        return Answer.ok(JSON.createObjectNode().put("sink", reader.describe()).put("today", today.toString()));
    }

    private Answer symbols() {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode symbols = out.putArray("symbols");
        reader.symbols().forEach(symbols::add);
        return Answer.ok(out);
    }

    private Answer prices(Symbol symbol, Map<String, String> query) {
        String interval = query.getOrDefault("interval", "1d");
        if (!INTERVAL.matcher(interval).matches()) {
            throw new BadRequest("Invalid interval '" + printable(interval) + "': use 1d or a number of minutes or hours (5m, 1h)");
        }
        LocalDate from = date(query, "from", NyseCalendar.FIRST);
        LocalDate to = date(query, "to", NyseCalendar.LAST);
        Table rows = interval.equals("1d") ? reader.daily(symbol, from, to) : reader.intraday(symbol, interval, from, to);
        ObjectNode out = tableNode(rows);
        out.put("symbol", symbol.value()).put("interval", interval);
        ArrayNode intervals = out.putArray("intervals");
        intervals.add("1d");
        reader.intervals(symbol).forEach(intervals::add);
        out.set("actions", tableNode(reader.actions(symbol)));
        return Answer.ok(out);
    }

    private Answer cumulative(Symbol symbol, Map<String, String> query) {
        ObjectNode out = tableNode(reader.cumulative(symbol, date(query, "from", NyseCalendar.FIRST), date(query, "to", NyseCalendar.LAST)));
        out.put("symbol", symbol.value());
        return Answer.ok(out);
    }

    private Answer options(Symbol underlying, Map<String, String> query) {
        List<LocalDate> dates = reader.optionDates(underlying);
        LocalDate date = query.containsKey("date") ? date(query, "date", null) : dates.isEmpty() ? null : dates.getFirst();
        ObjectNode out = JSON.createObjectNode();
        out.put("symbol", underlying.value());
        ArrayNode dateList = out.putArray("dates");
        dates.forEach(d -> dateList.add(d.toString()));
        if (date == null) {
            out.putNull("date");
            out.putNull("stock");
            out.set("chain", tableNode(reader.optionChain(underlying, NyseCalendar.FIRST)));
            return Answer.ok(out);
        }
        out.put("date", date.toString());
        Table stock = reader.daily(underlying, date, date);
        out.set("stock", stock.size() == 0 ? JSON.nullNode() : rowNode(stock, 0));
        out.set("chain", tableNode(reader.optionChain(underlying, date)));
        return Answer.ok(out);
    }

    private Answer runs(Map<String, String> query) {
        int limit = integer(query, "limit", 200, 1, 10_000);
        ObjectNode out = JSON.createObjectNode();
        ArrayNode runs = out.putArray("runs");
        for (String doc : reader.runDocuments(limit)) {
            ObjectNode run = (ObjectNode) parse(doc);
            run.remove("symbols"); // the per-symbol part is the detail's
            runs.add(run);
        }
        return Answer.ok(out);
    }

    private Answer run(String runId) {
        if (!RUN_ID.matcher(runId).matches()) {
            throw new BadRequest("Invalid run id '" + printable(runId) + "'");
        }
        return reader.runDocument(runId).map(doc -> Answer.ok(parse(doc))).orElseGet(() -> Answer.error(404, "No run '" + runId + "'"));
    }

    private Answer quarantine(Map<String, String> query) {
        String rule = query.get("rule");
        if (rule != null && !RULE.matcher(rule).matches()) {
            throw new BadRequest("Invalid rule '" + printable(rule) + "'");
        }
        Symbol symbol = query.containsKey("symbol") ? symbol(query.get("symbol")) : null;
        LocalDate from = date(query, "from", null);
        LocalDate to = date(query, "to", null);
        int limit = integer(query, "limit", 200, 1, MAX_QUARANTINE_ROWS);
        ObjectNode out = JSON.createObjectNode();
        out.set("counts", tableNode(reader.quarantineCounts(rule, symbol, from, to)));
        out.set("rows", tableNode(reader.quarantine(rule, symbol, from, to, limit)));
        return Answer.ok(out);
    }

    /**
     * The heatmap: per symbol and month the stored sessions, and per month the NYSE sessions expected from {@code from}
     * to {@code to} (by default the first to the last month that holds any, and not past today). The counts come from
     * the reader where it counts in place (a database), else from its {@link StoredSessions} (a lake's listing).
     */
    private Answer coverage(Map<String, String> query) {
        LocalDate givenFrom = date(query, "from", null);
        LocalDate givenTo = date(query, "to", null);
        LocalDate last = givenTo != null && givenTo.isBefore(today) ? givenTo : today;
        if (givenFrom != null && givenFrom.isAfter(last)) {
            throw new BadRequest("from " + givenFrom + " is after " + last);
        }
        DateRange range = new DateRange(givenFrom != null ? givenFrom : NyseCalendar.FIRST, last);
        Held held = storedByMonth(range);
        Map<String, Map<String, Long>> counts = held.counts();
        ObjectNode out = JSON.createObjectNode();
        if (held.first() == null) {
            out.putNull("from").putNull("to");
            out.putArray("months");
            out.putArray("expected");
            out.putArray("symbols");
            out.putArray("cells");
            return Answer.ok(out);
        }
        LocalDate from = givenFrom != null ? givenFrom : held.first();
        LocalDate to = givenTo != null ? range.to() : held.last().isAfter(range.to()) ? range.to() : held.last();
        YearMonth firstMonth = YearMonth.from(from);
        YearMonth lastMonth = YearMonth.from(to);
        List<String> monthList = new ArrayList<>();
        for (YearMonth m = firstMonth; !m.isAfter(lastMonth); m = m.plusMonths(1)) {
            monthList.add(m.toString());
        }
        Map<String, Integer> expected = new LinkedHashMap<>();
        monthList.forEach(m -> expected.put(m, 0));
        for (NyseCalendar.Session s : calendar.sessions(from, to)) {
            expected.merge(YearMonth.from(s.date()).toString(), 1, Integer::sum);
        }
        List<String> symbolList = List.copyOf(counts.keySet());
        out.put("from", from.toString()).put("to", to.toString());
        ArrayNode monthsNode = out.putArray("months");
        monthList.forEach(monthsNode::add);
        ArrayNode expectedNode = out.putArray("expected");
        monthList.forEach(m -> expectedNode.add(expected.get(m)));
        ArrayNode symbolsNode = out.putArray("symbols");
        symbolList.forEach(symbolsNode::add);
        Map<String, Integer> monthIndex = new java.util.HashMap<>();
        for (int i = 0; i < monthList.size(); i++) {
            monthIndex.put(monthList.get(i), i);
        }
        // [symbol index, month index, stored sessions]; a symbol-month with nothing stored has no cell
        ArrayNode cells = out.putArray("cells");
        for (int s = 0; s < symbolList.size(); s++) {
            for (Map.Entry<String, Long> cell : counts.get(symbolList.get(s)).entrySet()) {
                Integer month = monthIndex.get(cell.getKey());
                if (month != null && cell.getValue() > 0) {
                    cells.addArray().add(s).add(month).add(cell.getValue());
                }
            }
        }
        return Answer.ok(out);
    }

    /** Symbol, then month ({@code YYYY-MM}), to the stored daily sessions (both sorted); the first and last stored date. */
    private record Held(Map<String, Map<String, Long>> counts, LocalDate first, LocalDate last) {}

    private Held storedByMonth(DateRange range) {
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        LocalDate first = null;
        LocalDate last = null;
        Optional<Table> inPlace = reader.storedByMonth(range);
        if (inPlace.isPresent()) {
            String low = null; // ISO dates compare as text: one parse at the end, not two per row
            String high = null;
            Map<String, Long> byMonth = null;
            String symbol = null;
            for (List<Object> row : inPlace.get().rows()) {
                if (!row.get(0).equals(symbol)) { // a reader's rows come ordered by symbol: one map lookup per symbol
                    symbol = (String) row.get(0);
                    byMonth = counts.computeIfAbsent(symbol, k -> new TreeMap<>());
                }
                byMonth.put((String) row.get(1), ((Number) row.get(2)).longValue());
                String rowFirst = (String) row.get(3);
                String rowLast = (String) row.get(4);
                low = low == null || rowFirst.compareTo(low) < 0 ? rowFirst : low;
                high = high == null || rowLast.compareTo(high) > 0 ? rowLast : high;
            }
            return new Held(counts, low == null ? null : LocalDate.parse(low), high == null ? null : LocalDate.parse(high));
        }
        List<Symbol> symbols = reader.symbols().stream().map(Symbol::parse).toList();
        if (symbols.isEmpty()) {
            return new Held(counts, null, null);
        }
        Map<Symbol, StoredSessions.Stored> held = reader.storedSessions().storedSessions(symbols, Interval.D1, range);
        List<LocalDate> sessions = calendar.sessions(range.from(), range.to()).stream().map(NyseCalendar.Session::date).toList();
        for (Symbol symbol : symbols) {
            StoredSessions.Stored stored = held.getOrDefault(symbol, StoredSessions.Stored.NONE);
            Map<String, Long> byMonth = counts.computeIfAbsent(symbol.value(), s -> new TreeMap<>());
            for (LocalDate session : sessions) {
                if (stored.covers(session)) {
                    byMonth.merge(YearMonth.from(session).toString(), 1L, Long::sum);
                    first = first == null || session.isBefore(first) ? session : first;
                    last = last == null || session.isAfter(last) ? session : last;
                }
            }
        }
        return new Held(counts, first, last);
    }

    /** One symbol's month: the sessions expected, stored and missing. */
    private Answer coverageOf(Symbol symbol, Map<String, String> query) {
        String month = query.get("month");
        YearMonth ym;
        try {
            ym = YearMonth.parse(requireNonNullParam(month, "month"));
        } catch (DateTimeParseException e) {
            throw new BadRequest("Invalid month '" + printable(month) + "': use YYYY-MM");
        }
        LocalDate from = ym.atDay(1);
        LocalDate to = ym.atEndOfMonth().isAfter(today) ? today : ym.atEndOfMonth();
        List<LocalDate> expected = from.isAfter(to) ? List.of() : calendar.sessions(from, to).stream().map(NyseCalendar.Session::date).toList();
        StoredSessions.Stored held = reader.storedSessions().storedSessions(List.of(symbol), Interval.D1, new DateRange(from, ym.atEndOfMonth()))
                .getOrDefault(symbol, StoredSessions.Stored.NONE);
        Set<LocalDate> stored = new TreeSet<>();
        held.dates().stream().filter(d -> !d.isBefore(from) && !d.isAfter(ym.atEndOfMonth())).forEach(stored::add);
        expected.stream().filter(held::covers).forEach(stored::add);
        ObjectNode out = JSON.createObjectNode();
        out.put("symbol", symbol.value()).put("month", ym.toString());
        ArrayNode e = out.putArray("expected");
        expected.forEach(d -> e.add(d.toString()));
        ArrayNode s = out.putArray("stored");
        stored.forEach(d -> s.add(d.toString()));
        ArrayNode m = out.putArray("missing");
        expected.stream().filter(d -> !stored.contains(d)).forEach(d -> m.add(d.toString()));
        return Answer.ok(out);
    }

    private static String requireNonNullParam(String value, String name) {
        if (value == null) {
            throw new BadRequest("Missing query parameter '" + name + "'");
        }
        return value;
    }

    static Symbol symbol(String raw) {
        try {
            return Symbol.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
    }

    private static LocalDate date(Map<String, String> query, String name, LocalDate defaultValue) {
        String value = query.get(name);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadRequest("Invalid " + name + " '" + printable(value) + "': use an ISO date (2024-09-30)");
        }
    }

    private static int integer(Map<String, String> query, String name, int defaultValue, int min, int max) {
        String value = query.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw new BadRequest(name + " must be from " + min + " to " + max + "; got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new BadRequest("Invalid " + name + " '" + printable(value) + "': use a whole number");
        }
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static JsonNode parse(String doc) {
        try {
            return JSON.readTree(doc);
        } catch (IOException e) {
            throw new IngestException(ErrorKind.SINK, "A stored run document is not JSON: " + e.getMessage(), e);
        }
    }

    /** {@code {"columns": [...], "rows": [[...], ...]}}. */
    static ObjectNode tableNode(Table table) {
        ObjectNode out = JSON.createObjectNode();
        out.set("columns", JSON.valueToTree(table.columns()));
        out.set("rows", JSON.valueToTree(table.rows()));
        return out;
    }

    private static ObjectNode rowNode(Table table, int row) {
        ObjectNode out = JSON.createObjectNode();
        for (int i = 0; i < table.columns().size(); i++) {
            out.set(table.columns().get(i), JSON.valueToTree(table.rows().get(row).get(i)));
        }
        return out;
    }
}

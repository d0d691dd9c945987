package io.stockingest.serve;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.http.Secrets;
import io.stockingest.core.model.Symbol;
import java.io.IOException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The JSON API under {@code /api/} (documented in docs/dashboard.md): one method per endpoint over a
 * {@link DashboardReader}. Every path or query value is validated here (symbols through {@link Symbol#parse}, dates
 * as ISO dates, intervals and run ids against patterns) before a reader sees it. Thread-safe.
 */
public final class DashboardApi {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INTERVAL = Pattern.compile("1d|[0-9]{1,3}[mh]");
    private static final Pattern RUN_ID = Pattern.compile("[0-9A-Za-z-]{1,64}");
    private static final Pattern RULE = Pattern.compile("[a-z0-9_]{1,64}");
    private static final int MAX_QUARANTINE_ROWS = 1000;

    private final DashboardReader reader;
    private final CoverageReader coverage;
    private final NyseCalendar calendar = NyseCalendar.instance();
    private final LocalDate today;

    /**
     * @param coverage where stored sessions come from (the reader's own, or a sink's stored-sessions capability)
     * @param today the last date the coverage counts expected sessions up to
     */
    public DashboardApi(DashboardReader reader, CoverageReader coverage, LocalDate today) {
        this.reader = requireNonNull(reader, "reader is null");
        this.coverage = requireNonNull(coverage, "coverage is null");
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
        } catch (DashboardException e) {
            return Answer.error(500, e.getMessage());
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
     * The heatmap: per symbol and month the distinct stored sessions, and per month the NYSE sessions expected from
     * {@code from} to {@code to} (by default the first to the last stored date, and not past today).
     */
    private Answer coverage(Map<String, String> query) {
        LocalDate givenFrom = date(query, "from", null);
        LocalDate givenTo = date(query, "to", null);
        Table stored = coverage.storedByMonth(givenFrom, givenTo);
        Set<String> symbols = new TreeSet<>();
        TreeSet<String> months = new TreeSet<>();
        String first = null;
        String last = null;
        for (List<Object> row : stored.rows()) {
            symbols.add((String) row.get(0));
            months.add((String) row.get(1));
            first = first == null || ((String) row.get(3)).compareTo(first) < 0 ? (String) row.get(3) : first;
            last = last == null || ((String) row.get(4)).compareTo(last) > 0 ? (String) row.get(4) : last;
        }
        ObjectNode out = JSON.createObjectNode();
        if (months.isEmpty()) {
            out.putNull("from").putNull("to");
            out.putArray("months");
            out.putArray("expected");
            out.putArray("symbols");
            out.putArray("cells");
            return Answer.ok(out);
        }
        LocalDate from = givenFrom != null ? givenFrom : LocalDate.parse(first);
        LocalDate to = givenTo != null ? givenTo : LocalDate.parse(last).isAfter(today) ? today : LocalDate.parse(last);
        List<String> monthList = new ArrayList<>();
        for (YearMonth m = YearMonth.from(from); !m.isAfter(YearMonth.from(to)); m = m.plusMonths(1)) {
            monthList.add(m.toString());
        }
        Map<String, Integer> expected = new LinkedHashMap<>();
        monthList.forEach(m -> expected.put(m, 0));
        for (NyseCalendar.Session s : calendar.sessions(from, to)) {
            expected.merge(YearMonth.from(s.date()).toString(), 1, Integer::sum);
        }
        List<String> symbolList = List.copyOf(symbols);
        out.put("from", from.toString()).put("to", to.toString());
        ArrayNode monthsNode = out.putArray("months");
        monthList.forEach(monthsNode::add);
        ArrayNode expectedNode = out.putArray("expected");
        monthList.forEach(m -> expectedNode.add(expected.get(m)));
        ArrayNode symbolsNode = out.putArray("symbols");
        symbolList.forEach(symbolsNode::add);
        Map<String, Integer> symbolIndex = new LinkedHashMap<>();
        for (int i = 0; i < symbolList.size(); i++) {
            symbolIndex.put(symbolList.get(i), i);
        }
        Map<String, Integer> monthIndex = new LinkedHashMap<>();
        for (int i = 0; i < monthList.size(); i++) {
            monthIndex.put(monthList.get(i), i);
        }
        // [symbol index, month index, stored sessions]; a symbol-month with nothing stored has no cell
        ArrayNode cells = out.putArray("cells");
        for (List<Object> row : stored.rows()) {
            Integer month = monthIndex.get((String) row.get(1));
            if (month != null) {
                cells.addArray().add(symbolIndex.get((String) row.get(0))).add(month).add((Long) row.get(2));
            }
        }
        return Answer.ok(out);
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
        Set<LocalDate> stored = new TreeSet<>(coverage.storedDates(symbol, ym.atDay(1), ym.atEndOfMonth()));
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
            throw new DashboardException("A stored run document is not JSON: " + e.getMessage(), e);
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

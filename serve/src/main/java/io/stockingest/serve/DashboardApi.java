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
        answering.incrementAndGet();
        try {
            return route(path, query);
        } finally {
            lastAnswered = System.nanoTime();
            answering.decrementAndGet();
        }
    }

    private Answer route(String path, Map<String, String> query) {
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
     * The heatmap: per symbol and month the stored sessions, those recorded as checked (checked-empty, quarantined:
     * what {@code coverage} counts apart), and per month the NYSE sessions expected from {@code from} to {@code to} (by
     * default the first to the last month that holds any, and not past today). The counts come from the reader where
     * it counts in place (a database), else from its {@link StoredSessions} (a lake's listing), kept in memory per
     * symbol and read again only for the symbols whose {@link StoredSessions#stateTags tag} changed.
     */
    private Answer coverage(Map<String, String> query) {
        LocalDate givenFrom = date(query, "from", null);
        LocalDate givenTo = date(query, "to", null);
        LocalDate last = givenTo != null && givenTo.isBefore(today) ? givenTo : today;
        if (givenFrom != null && givenFrom.isAfter(last)) {
            throw new BadRequest("from " + givenFrom + " is after " + last);
        }
        DateRange range = new DateRange(givenFrom != null ? givenFrom : NyseCalendar.FIRST, last);
        Optional<Table> inPlace = reader.storedByMonth(range);
        if (inPlace.isPresent()) {
            return Answer.ok(coverageNode(givenFrom, givenTo, range, new InPlace(inPlace.get(), reader.checkedSessions(range))));
        }
        return memo.answer(givenFrom, givenTo, range);
    }

    /** What the heatmap is made of: the symbols, the first and last stored session, and the counts per month. */
    private interface Held {
        List<String> symbols();

        /** The first stored session in the range, or null if none. */
        LocalDate first();

        LocalDate last();

        /**
         * Adds the sessions from {@code from} to {@code to} (both within the range asked) to {@code counts[kind][symbol
         * index][month index]}, months counted from {@code firstMonth}; kinds: stored, checked-empty, quarantined.
         */
        void count(LocalDate from, LocalDate to, YearMonth firstMonth, int[][][] counts);
    }

    private ObjectNode coverageNode(LocalDate givenFrom, LocalDate givenTo, DateRange range, Held held) {
        ObjectNode out = JSON.createObjectNode();
        if (held.first() == null) {
            out.putNull("from").putNull("to");
            out.putArray("months");
            out.putArray("expected");
            out.putArray("symbols");
            out.putArray("cells");
            out.putArray("checked");
            return out;
        }
        LocalDate from = givenFrom != null ? givenFrom : held.first();
        LocalDate to = givenTo != null ? range.to() : held.last().isAfter(range.to()) ? range.to() : held.last();
        YearMonth firstMonth = YearMonth.from(from);
        List<YearMonth> monthList = new ArrayList<>();
        for (YearMonth m = firstMonth; !m.isAfter(YearMonth.from(to)); m = m.plusMonths(1)) {
            monthList.add(m);
        }
        int[] expected = new int[monthList.size()];
        for (NyseCalendar.Session s : calendar.sessions(from, to)) {
            expected[monthIndex(firstMonth, s.date())]++;
        }
        List<String> symbolList = held.symbols();
        int[][][] counts = new int[3][symbolList.size()][monthList.size()];
        held.count(from, to, firstMonth, counts);
        out.put("from", from.toString()).put("to", to.toString());
        ArrayNode monthsNode = out.putArray("months");
        monthList.forEach(m -> monthsNode.add(m.toString()));
        ArrayNode expectedNode = out.putArray("expected");
        for (int e : expected) {
            expectedNode.add(e);
        }
        ArrayNode symbolsNode = out.putArray("symbols");
        symbolList.forEach(symbolsNode::add);
        // [symbol index, month index, stored sessions]; a symbol-month with nothing stored has no cell; checked sessions
        // (rare) as [symbol index, month index, checked-empty, quarantined]
        ArrayNode cells = out.putArray("cells");
        ArrayNode checkedNode = out.putArray("checked");
        for (int s = 0; s < symbolList.size(); s++) {
            for (int m = 0; m < monthList.size(); m++) {
                if (counts[0][s][m] > 0) {
                    cells.addArray().add(s).add(m).add(counts[0][s][m]);
                }
                if (counts[1][s][m] + counts[2][s][m] > 0) {
                    checkedNode.addArray().add(s).add(m).add(counts[1][s][m]).add(counts[2][s][m]);
                }
            }
        }
        return out;
    }

    private static int monthIndex(YearMonth firstMonth, LocalDate date) {
        return (date.getYear() - firstMonth.getYear()) * 12 + date.getMonthValue() - firstMonth.getMonthValue();
    }

    /** A database's counts: its per-month rows ({@link SinkReader#storedByMonth}) and its checked sessions. */
    private final class InPlace implements Held {
        private final Table months;
        private final Table checked;
        private final List<String> symbols = new ArrayList<>();
        private final Map<String, Integer> index = new java.util.HashMap<>();
        private final LocalDate first;
        private final LocalDate last;

        InPlace(Table months, Table checked) {
            this.months = months;
            this.checked = checked;
            String low = null; // ISO dates compare as text: one parse at the end, not two per row
            String high = null;
            String symbol = null;
            for (List<Object> row : months.rows()) {
                if (!row.get(0).equals(symbol)) { // a reader's rows come ordered by symbol
                    symbol = (String) row.get(0);
                    index.put(symbol, symbols.size());
                    symbols.add(symbol);
                }
                String rowFirst = (String) row.get(3);
                String rowLast = (String) row.get(4);
                low = low == null || rowFirst.compareTo(low) < 0 ? rowFirst : low;
                high = high == null || rowLast.compareTo(high) > 0 ? rowLast : high;
            }
            first = low == null ? null : LocalDate.parse(low);
            last = high == null ? null : LocalDate.parse(high);
        }

        @Override
        public List<String> symbols() {
            return symbols;
        }

        @Override
        public LocalDate first() {
            return first;
        }

        @Override
        public LocalDate last() {
            return last;
        }

        @Override
        public void count(LocalDate from, LocalDate to, YearMonth firstMonth, int[][][] counts) {
            YearMonth lastMonth = YearMonth.from(to);
            for (List<Object> row : months.rows()) {
                YearMonth month = YearMonth.parse((String) row.get(1));
                if (!month.isBefore(firstMonth) && !month.isAfter(lastMonth)) {
                    counts[0][index.get((String) row.get(0))][monthIndex(firstMonth, month.atDay(1))] = ((Number) row.get(2)).intValue();
                }
            }
            for (List<Object> row : checked.rows()) {
                Integer s = index.get((String) row.get(0));
                LocalDate date = LocalDate.parse((String) row.get(1));
                if (s != null && !date.isBefore(from) && !date.isAfter(to) && calendar.isSession(date)) {
                    counts[StoredSessions.Checked.parse((String) row.get(2)) == StoredSessions.Checked.EMPTY ? 1 : 2][s][monthIndex(firstMonth, date)]++;
                }
            }
        }
    }

    private final CoverageMemo memo = new CoverageMemo();

    /** Requests being answered now, and when the last one ended ({@link System#nanoTime}): what the read-ahead yields to. */
    private final java.util.concurrent.atomic.AtomicInteger answering = new java.util.concurrent.atomic.AtomicInteger();
    private volatile long lastAnswered = System.nanoTime();

    /** How long no request must have been answered before the read-ahead reads its next symbol. */
    static final java.time.Duration QUIET = java.time.Duration.ofMillis(50);

    /**
     * Reads the coverage of every stored symbol of a lake into memory ahead of the first coverage request (the server
     * runs it on a thread of its own at start; a database counts in place and needs none). It yields to requests: one
     * symbol at a time (one listing thread, so a request keeps the other core), and only once no request has been
     * answered for {@link #QUIET}: a page's burst of requests, or a script's, is never slowed by it. A coverage request
     * that comes first reads what is left itself. Stops when interrupted, and at once for a sink whose state cannot be
     * told apart ({@link StoredSessions#stateTags} empty: every request reads everything anyway).
     */
    public void warmUp() throws InterruptedException {
        if (reader.storedByMonth(new DateRange(today, today)).isPresent()) {
            return;
        }
        for (String symbol : reader.symbols()) {
            awaitQuiet();
            if (!memo.readAhead(Symbol.parse(symbol))) {
                return;
            }
        }
    }

    /** Returns once no request is being answered and none was for {@link #QUIET}. */
    private void awaitQuiet() throws InterruptedException {
        long quiet = QUIET.toNanos();
        while (true) {
            long since = System.nanoTime() - lastAnswered;
            if (answering.get() == 0 && since >= quiet) {
                return;
            }
            Thread.sleep(java.time.Duration.ofNanos(Math.max(1_000_000, quiet - since)));
        }
    }

    /**
     * A lake's coverage in memory: per symbol its expected sessions stored, checked-empty and quarantined (as epoch
     * days, sorted) from {@link NyseCalendar#FIRST} to today, with the {@link StoredSessions#stateTags tag} read
     * before them. Each request reads the tags (one listing per symbol, names and versions only), reads again the
     * sessions of the symbols whose tag changed (or that are new), forgets those gone, and answers from memory; the
     * last answer is kept as it is while no tag changed. Without tags (a sink that cannot tell) every request reads
     * everything. One request computes at a time.
     */
    private final class CoverageMemo {
        private record Sessions(String tag, int[] stored, int[] empty, int[] quarantined) {}

        private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        private final Map<String, Sessions> bySymbol = new java.util.HashMap<>();
        private String lastKey;
        private ObjectNode lastAnswer;

        Answer answer(LocalDate givenFrom, LocalDate givenTo, DateRange range) {
            lock.lock();
            try {
                List<Symbol> symbols = reader.symbols().stream().map(Symbol::parse).toList();
                StoredSessions store = reader.storedSessions();
                Optional<Map<Symbol, String>> tags = symbols.isEmpty() ? Optional.of(Map.of()) : store.stateTags(symbols, Interval.D1);
                List<Symbol> stale = symbols.stream().filter(s -> tags.isEmpty() || !bySymbol.containsKey(s.value())
                        || !bySymbol.get(s.value()).tag().equals(tags.get().get(s))).toList();
                String key = givenFrom + ".." + givenTo + ".." + range;
                boolean changed = !stale.isEmpty() || bySymbol.size() != symbols.size();
                if (!changed && key.equals(lastKey)) {
                    return Answer.ok(lastAnswer);
                }
                if (!stale.isEmpty()) {
                    DateRange whole = new DateRange(NyseCalendar.FIRST, today);
                    Map<Symbol, StoredSessions.Known> known = store.knownSessions(stale, Interval.D1, whole);
                    for (Symbol symbol : stale) {
                        bySymbol.put(symbol.value(), sessions(tags.map(t -> t.get(symbol)).orElse(""), known.getOrDefault(symbol, StoredSessions.Known.NONE)));
                    }
                }
                Set<String> listed = new java.util.HashSet<>();
                symbols.forEach(s -> listed.add(s.value()));
                bySymbol.keySet().retainAll(listed);
                ObjectNode answer = coverageNode(givenFrom, givenTo, range, held(symbols.stream().map(Symbol::value).toList(), range));
                lastKey = tags.isPresent() ? key : null;
                lastAnswer = answer;
                return Answer.ok(answer);
            } finally {
                lock.unlock();
            }
        }

        /**
         * Reads one symbol ahead of a request, if it is not held yet, with its tag read first (a change after it shows
         * at the next request). False if the sink has no tags.
         */
        boolean readAhead(Symbol symbol) {
            lock.lock();
            try {
                if (bySymbol.containsKey(symbol.value())) {
                    return true;
                }
                StoredSessions store = reader.storedSessions();
                Optional<Map<Symbol, String>> tags = store.stateTags(List.of(symbol), Interval.D1);
                if (tags.isEmpty()) {
                    return false;
                }
                StoredSessions.Known known = store.knownSessions(List.of(symbol), Interval.D1, new DateRange(NyseCalendar.FIRST, today))
                        .getOrDefault(symbol, StoredSessions.Known.NONE);
                bySymbol.put(symbol.value(), sessions(tags.get().getOrDefault(symbol, ""), known));
                lastKey = null; // the last answer was made without it
                return true;
            } finally {
                lock.unlock();
            }
        }

        private Sessions sessions(String tag, StoredSessions.Known known) {
            List<Integer> stored = new ArrayList<>();
            List<Integer> empty = new ArrayList<>();
            List<Integer> quarantined = new ArrayList<>();
            for (LocalDate session : allSessions()) {
                if (known.stored().covers(session)) {
                    stored.add((int) session.toEpochDay());
                } else if (known.checked().get(session) == StoredSessions.Checked.EMPTY) {
                    empty.add((int) session.toEpochDay());
                } else if (known.checked().get(session) == StoredSessions.Checked.QUARANTINED) {
                    quarantined.add((int) session.toEpochDay());
                }
            }
            return new Sessions(tag, ints(stored), ints(empty), ints(quarantined));
        }

        private List<LocalDate> sessionList;

        /** The NYSE sessions from the calendar's first day to today: the days a symbol's sessions are looked up on. */
        private List<LocalDate> allSessions() {
            if (sessionList == null) {
                sessionList = calendar.sessions(NyseCalendar.FIRST, today).stream().map(NyseCalendar.Session::date).toList();
            }
            return sessionList;
        }

        private static int[] ints(List<Integer> days) {
            return days.stream().mapToInt(Integer::intValue).toArray();
        }

        private Held held(List<String> symbols, DateRange range) {
            int low = (int) range.from().toEpochDay();
            int high = (int) range.to().toEpochDay();
            int first = Integer.MAX_VALUE;
            int last = Integer.MIN_VALUE;
            List<Sessions> rows = new ArrayList<>(symbols.size());
            for (String symbol : symbols) {
                Sessions sessions = bySymbol.get(symbol);
                rows.add(sessions);
                int[] stored = sessions.stored();
                int at = lowerBound(stored, low);
                if (at < stored.length && stored[at] <= high) {
                    first = Math.min(first, stored[at]);
                    last = Math.max(last, stored[lowerBound(stored, high + 1) - 1]);
                }
            }
            LocalDate firstStored = first == Integer.MAX_VALUE ? null : LocalDate.ofEpochDay(first);
            LocalDate lastStored = first == Integer.MAX_VALUE ? null : LocalDate.ofEpochDay(last);
            return new Held() {
                @Override
                public List<String> symbols() {
                    return symbols;
                }

                @Override
                public LocalDate first() {
                    return firstStored;
                }

                @Override
                public LocalDate last() {
                    return lastStored;
                }

                @Override
                public void count(LocalDate from, LocalDate to, YearMonth firstMonth, int[][][] counts) {
                    int a = (int) from.toEpochDay();
                    int b = (int) to.toEpochDay();
                    // epoch day to month index, for the days from..to
                    int[] monthOf = new int[b - a + 1];
                    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                        monthOf[(int) d.toEpochDay() - a] = monthIndex(firstMonth, d);
                    }
                    for (int s = 0; s < rows.size(); s++) {
                        Sessions sessions = rows.get(s);
                        int[][] kinds = {sessions.stored(), sessions.empty(), sessions.quarantined()};
                        for (int k = 0; k < 3; k++) {
                            int[] days = kinds[k];
                            for (int i = lowerBound(days, a); i < days.length && days[i] <= b; i++) {
                                counts[k][s][monthOf[days[i] - a]]++;
                            }
                        }
                    }
                }
            };
        }

        /** The first index of {@code sorted} whose value is at least {@code value}. */
        private static int lowerBound(int[] sorted, int value) {
            int at = java.util.Arrays.binarySearch(sorted, value);
            if (at < 0) {
                return -at - 1;
            }
            while (at > 0 && sorted[at - 1] == value) {
                at--;
            }
            return at;
        }
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

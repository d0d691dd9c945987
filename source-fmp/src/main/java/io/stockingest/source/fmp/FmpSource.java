package io.stockingest.source.fmp;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.http.Ticker;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.CorporateAction;
import io.stockingest.core.model.Dataset;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.FinancialStatement;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.StatementType;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.Source;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Financial Modeling Prep: daily and intraday bars, income/balance/cash-flow statements, dividends and splits.
 *
 * <h2>Bars</h2>
 * Daily bars come from {@code /stable/historical-price-eod/full?symbol=&from=&to=} (a flat array, newest first, no
 * {@code adjClose}), or with {@code FMP_API_GENERATION=v3} from {@code /api/v3/historical-price-full/{symbol}}
 * ({@code {symbol, historical:[...]}} with {@code adjClose}; {@code {}} or a missing {@code historical} means no
 * data). Prices are split-adjusted; a bar's {@code ts} is the session open (09:30 New York) of its date. FMP's
 * {@code vwap} is a typical price ({@code (h+l+c)/3} on v3, {@code (o+h+l+c)/4} on stable), not a volume-weighted
 * one, so {@code vwap} stays null. A daily row after the last completed session (today's live bar) is dropped.
 *
 * <p>Intraday bars come from {@code /stable/historical-chart/{1min|5min|15min|30min|1hour}}: the {@code date} string
 * is New York wall time at the bar start, without an offset, converted with {@link NyseCalendar#NEW_YORK} (so across
 * a DST change too). {@code EXTENDED} hours add {@code extended=true}.
 *
 * <p>FMP returns at most 5,000 rows a request, so ranges are split: daily into 5,000-day chunks (fewer sessions
 * than that), intraday into chunks of at most 5,000 bars of a 16-hour extended day.
 *
 * <h2>Statements</h2>
 * {@code /stable/income-statement}, {@code /stable/balance-sheet-statement}, {@code /stable/cash-flow-statement}
 * with {@code period=annual|quarter} and {@code limit}. The header ({@code date}, {@code symbol},
 * {@code reportedCurrency}, {@code cik}, {@code filingDate}, {@code acceptedDate}, {@code fiscalYear},
 * {@code period}) fills the model; every other numeric field is kept under FMP's own name, so the three statements
 * share one mapping and a field FMP adds later is not lost. {@code acceptedDate} is SEC EDGAR's acceptance time,
 * New York wall time.
 *
 * <h2>Actions</h2>
 * No recorded response was available; the row shapes are those of open-source clients that read these endpoints:
 * {@code /stable/dividends?symbol=} rows hold {@code symbol, date} (the ex-date), {@code recordDate},
 * {@code paymentDate}, {@code declarationDate}, {@code adjDividend}, {@code dividend}, {@code yield},
 * {@code frequency} and sometimes {@code currency} (sorndotdev/fmp4j {@code FmpDividend}, a pydantic
 * {@code FMPDividend} model); {@code /stable/splits?symbol=} rows hold {@code symbol, date, numerator, denominator}
 * and, in some versions, {@code label} (fmp4j {@code FmpSplit}, OpenBB's historical-splits model). Dates that are
 * missing or blank are read as null (fmp4j deserialises blank strings as null). The amount is {@code dividend},
 * the declared cash per share, not {@code adjDividend}, which is adjusted for later splits (a Rust client's tests
 * check the same choice). Both lists are filtered to the requested range by ex-date.
 *
 * <h2>Budget</h2>
 * On a plan counted per day (free: 250 calls) {@link #checkBudget} refuses, before the first request, a run that
 * needs more calls than are left today (calls of earlier runs are counted in {@code FMP_USAGE_FILE}), and the
 * client refuses to send a call once the day's budget is used.
 *
 * <p>Thread-safe.
 */
public final class FmpSource implements Source {
    /** FMP's cap on rows per request. */
    static final int MAX_ROWS = 5000;
    private static final DateTimeFormatter WALL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final LocalTime OPEN = LocalTime.of(9, 30);
    private static final Set<String> STATEMENT_HEADER = Set.of("date", "symbol", "reportedCurrency", "cik", "filingDate", "acceptedDate",
            "fiscalYear", "period", "calendarYear", "link", "finalLink");
    private final FmpClient client;
    private final NyseCalendar calendar;
    private final Ticker ticker;
    private final Map<LocalDate, Instant> sessionOpens = new ConcurrentHashMap<>();

    public FmpSource(FmpClient client, NyseCalendar calendar, Ticker ticker) {
        this.client = requireNonNull(client, "client is null");
        this.calendar = requireNonNull(calendar, "calendar is null");
        this.ticker = requireNonNull(ticker, "ticker is null");
    }

    @Override
    public String name() {
        return FmpClient.PROVIDER;
    }

    @Override
    public Set<Dataset> datasets() {
        return Set.of(Dataset.PRICES, Dataset.FUNDAMENTALS, Dataset.ACTIONS, Dataset.QUOTES);
    }

    @Override
    public List<BarRequest> planBars(List<Symbol> symbols, Interval interval, DateRange range, BarRequest.Hours hours) {
        chartPath(interval);
        int chunkDays = chunkDays(interval);
        List<BarRequest> requests = new ArrayList<>();
        for (Symbol symbol : symbols) {
            range.chunks(chunkDays).forEach(chunk -> requests.add(BarRequest.of(symbol, interval, chunk, hours)));
        }
        return List.copyOf(requests);
    }

    /** Calendar days per request so that no request can hold more than {@link #MAX_ROWS} rows. */
    static int chunkDays(Interval interval) {
        if (!interval.isIntraday()) {
            return MAX_ROWS;
        }
        long barsPerDay = 16 * 60 / interval.length().toMinutes();
        return (int) Math.max(1, MAX_ROWS / barsPerDay);
    }

    @Override
    public void checkBudget(int plannedCalls) {
        OptionalInt budget = client.config().dailyBudget();
        if (budget.isEmpty()) {
            return;
        }
        int used = client.callsToday();
        int remaining = Math.max(0, budget.getAsInt() - used);
        if (plannedCalls > remaining) {
            String left = used == 0 ? "" : " and " + used + " were already used today (UTC"
                    + client.usageFile().map(file -> ", counted in " + file).orElse("") + "), so " + remaining + " are left";
            throw new IngestException(ErrorKind.CONFIG, "This run needs " + plannedCalls + (plannedCalls == 1 ? " FMP call" : " FMP calls") + " but the " + client.config().plan().code()
                    + " plan allows " + budget.getAsInt() + " a day" + left + ": fetch fewer symbols or a shorter range, split the run over "
                    + "several days, or set " + FmpConfig.PLAN + " to your paid plan (starter, premium, ultimate) or " + FmpConfig.RATE_LIMIT
                    + " to its limit");
        }
    }

    @Override
    public List<Bar> fetchBars(BarRequest request) {
        if (request.symbols().size() != 1) {
            throw new IllegalArgumentException("FMP's price endpoints take one symbol per request");
        }
        chartPath(request.interval());
        Symbol symbol = request.symbols().getFirst();
        DateRange range = request.range();
        String what = "Cannot fetch " + symbol + " " + request.interval() + " " + range + " from fmp";
        List<Bar> bars;
        if (request.interval().isIntraday()) {
            bars = intraday(symbol, request, what);
        } else if (client.config().generation() == FmpConfig.ApiGeneration.V3) {
            bars = dailyV3(symbol, range, what);
        } else {
            bars = dailyStable(symbol, range, what);
        }
        LocalDate lastComplete = calendar.lastCompletedSession(ticker.now());
        return bars.stream()
                .filter(bar -> range.contains(bar.date()))
                .filter(bar -> request.interval().isIntraday() || !bar.date().isAfter(lastComplete))
                .sorted(Comparator.comparing(Bar::ts))
                .toList();
    }

    private List<Bar> dailyStable(Symbol symbol, DateRange range, String what) {
        return client.priceRows("/stable/historical-price-eod/full", rangeQuery(symbol, range), what, row -> dailyBar(symbol, row, false, what));
    }

    private List<Bar> dailyV3(Symbol symbol, DateRange range, String what) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("from", range.from().toString());
        query.put("to", range.to().toString());
        JsonNode root = client.get("/api/v3/historical-price-full/" + FmpClient.encode(FmpClient.SPELLING.spell(symbol)), query, what);
        if (!root.isObject()) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": expected a JSON object from /api/v3/historical-price-full, got "
                    + root.getNodeType());
        }
        JsonNode historical = root.path("historical");
        if (historical.isMissingNode() || historical.isNull()) {
            return List.of();
        }
        List<Bar> bars = new ArrayList<>();
        PriceRow row = new PriceRow();
        FmpClient.forEachRow(array(historical, what), what, parser -> {
            row.read(parser);
            bars.add(dailyBar(symbol, row, true, what));
        });
        return bars;
    }

    private Bar dailyBar(Symbol symbol, PriceRow row, boolean withAdjClose, String what) {
        if (row.date == null) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": a row has no 'date'");
        }
        LocalDate date = parseDate(row.date, "date", what);
        return new Bar(symbol, Interval.D1, sessionOpen(date), date, row.open, row.high, row.low, row.close, withAdjClose ? row.adjClose : null,
                row.volume, null, null, FmpClient.PROVIDER, Adjustment.SPLITS);
    }

    /**
     * The session open of {@code date} (09:30 New York, or 09:30 on a day that is not a session). Remembered per
     * date: every symbol of a run has the same dates, and building the session's zoned times per row showed in
     * profiles.
     */
    private Instant sessionOpen(LocalDate date) {
        Instant open = sessionOpens.get(date);
        if (open == null) {
            // a date outside the calendar's years (a provider glitch) must not throw here: the validator rejects it as out_of_range
            boolean inCalendar = !date.isBefore(NyseCalendar.FIRST) && !date.isAfter(NyseCalendar.LAST);
            open = (inCalendar ? calendar.session(date) : Optional.<NyseCalendar.Session>empty())
                    .map(NyseCalendar.Session::openInstant)
                    .orElseGet(() -> date.atTime(OPEN).atZone(NyseCalendar.NEW_YORK).toInstant());
            if (inCalendar) {
                sessionOpens.put(date, open);
            }
        }
        return open;
    }

    private List<Bar> intraday(Symbol symbol, BarRequest request, String what) {
        Map<String, String> query = rangeQuery(symbol, request.range());
        if (request.hours() == BarRequest.Hours.EXTENDED) {
            query.put("extended", "true");
        }
        return client.priceRows("/stable/historical-chart/" + chartPath(request.interval()), query, what, row -> {
            String text = row.date == null ? "" : row.date;
            LocalDateTime wall = wallTime(text);
            if (wall == null) {
                throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": unreadable bar time '" + text + "' (expected yyyy-MM-dd HH:mm:ss)");
            }
            Instant ts = wall.atZone(NyseCalendar.NEW_YORK).toInstant();
            return new Bar(symbol, request.interval(), ts, wall.toLocalDate(), row.open, row.high, row.low, row.close, null, row.volume, null,
                    null, FmpClient.PROVIDER, Adjustment.SPLITS);
        });
    }

    /**
     * One price row read straight from the parser, reused from row to row. A price that is absent or not a number
     * is {@code NaN}, a volume 0 and {@code adjClose} null; {@code date} is the text of a scalar (stripped, null if
     * absent, null or blank), as the tree-based readers of the other endpoints see it.
     */
    static final class PriceRow {
        String date;
        double open;
        double high;
        double low;
        double close;
        Double adjClose;
        long volume;

        void clear() {
            date = null;
            open = Double.NaN;
            high = Double.NaN;
            low = Double.NaN;
            close = Double.NaN;
            adjClose = null;
            volume = 0;
        }

        void read(JsonParser parser) throws IOException {
            clear();
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                parser.skipChildren(); // a row that is not an object has no fields
                return;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "date" -> date = scalarText(parser, value);
                    case "open" -> open = number(parser, value);
                    case "high" -> high = number(parser, value);
                    case "low" -> low = number(parser, value);
                    case "close" -> close = number(parser, value);
                    case "adjClose" -> adjClose = value.isNumeric() ? parser.getDoubleValue() : null;
                    case "volume" -> volume = !value.isNumeric() ? 0L
                            : value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                                    ? parser.getLongValue() : Math.round(parser.getDoubleValue());
                    default -> parser.skipChildren();
                }
            }
        }

        private static double number(JsonParser parser, JsonToken value) throws IOException {
            return value.isNumeric() ? parser.getDoubleValue() : Double.NaN;
        }

        private static String scalarText(JsonParser parser, JsonToken value) throws IOException {
            if (!value.isScalarValue()) {
                parser.skipChildren();
                return null;
            }
            if (value == JsonToken.VALUE_NULL) {
                return null;
            }
            String text = parser.getText();
            return text.isBlank() ? null : text.strip();
        }
    }

    /** {@code yyyy-MM-dd}, read by hand on the common path ({@link LocalDate#parse} showed in profiles); null if unreadable. */
    static LocalDate isoDate(String text) {
        if (text.length() == 10 && text.charAt(4) == '-' && text.charAt(7) == '-') {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            if (year >= 0 && month >= 0 && day >= 0) {
                try {
                    return LocalDate.of(year, month, day);
                } catch (DateTimeException e) {
                    return null;
                }
            }
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** {@code yyyy-MM-dd HH:mm:ss}, New York wall time; null if unreadable. */
    static LocalDateTime wallTime(String text) {
        if (text.length() == 19 && text.charAt(10) == ' ' && text.charAt(13) == ':' && text.charAt(16) == ':') {
            LocalDate date = isoDate(text.substring(0, 10));
            int hour = digits(text, 11, 13);
            int minute = digits(text, 14, 16);
            int second = digits(text, 17, 19);
            if (date != null && hour >= 0 && minute >= 0 && second >= 0) {
                try {
                    return date.atTime(hour, minute, second);
                } catch (DateTimeException e) {
                    return null;
                }
            }
        }
        try {
            return LocalDateTime.parse(text, WALL_TIME);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The decimal number in {@code text[from, to)}, or -1 if a character is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** FMP's name for an intraday interval; {@code 1d} has its own endpoint. */
    static String chartPath(Interval interval) {
        return switch (interval) {
            case M1 -> "1min";
            case M5 -> "5min";
            case M15 -> "15min";
            case M30 -> "30min";
            case H1 -> "1hour";
            case D1 -> "";
            default -> throw new IngestException(ErrorKind.USAGE, "FMP has no " + interval + " bars (it has 1m, 5m, 15m, 30m, 1h and 1d)");
        };
    }

    @Override
    public List<FinancialStatement> fetchStatements(Symbol symbol, StatementType type, Period period, int limit) {
        if (limit < 1) {
            throw new IngestException(ErrorKind.USAGE, "--limit must be at least 1, not " + limit);
        }
        String path = switch (type) {
            case INCOME -> "/stable/income-statement";
            case BALANCE -> "/stable/balance-sheet-statement";
            case CASHFLOW -> "/stable/cash-flow-statement";
        };
        String what = "Cannot fetch the " + type.code() + " statements of " + symbol + " from fmp";
        Map<String, String> query = new LinkedHashMap<>();
        query.put("symbol", FmpClient.SPELLING.spell(symbol));
        query.put("period", period == Period.ANNUAL ? "annual" : "quarter");
        query.put("limit", String.valueOf(limit));
        List<FinancialStatement> statements = new ArrayList<>();
        for (JsonNode row : array(client.get(path, query, what), what)) {
            Map<String, Double> items = new LinkedHashMap<>();
            row.properties().forEach(field -> {
                if (!STATEMENT_HEADER.contains(field.getKey()) && field.getValue().isNumber()) {
                    items.put(field.getKey(), field.getValue().asDouble());
                }
            });
            String fiscalPeriod = text(row, "period");
            if (fiscalPeriod == null) {
                throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": a statement has no 'period'");
            }
            statements.add(new FinancialStatement(symbol, type, fiscalPeriod, fiscalYear(row, what), date(row, "date", what),
                    optionalDate(row, "filingDate", what), acceptedAt(row, what), text(row, "reportedCurrency"), items, FmpClient.PROVIDER));
        }
        return List.copyOf(statements);
    }

    @Override
    public List<CorporateAction> fetchActions(Symbol symbol, DateRange range) {
        String what = "Cannot fetch the dividends and splits of " + symbol + " " + range + " from fmp";
        Map<String, String> query = Map.of("symbol", FmpClient.SPELLING.spell(symbol));
        List<CorporateAction> actions = new ArrayList<>();
        for (JsonNode row : array(client.get("/stable/dividends", query, what), what)) {
            Double amount = row.path("dividend").isNumber() ? Double.valueOf(row.get("dividend").asDouble())
                    : row.path("adjDividend").isNumber() ? Double.valueOf(row.get("adjDividend").asDouble()) : null;
            actions.add(new CorporateAction(symbol, CorporateAction.Type.DIVIDEND, date(row, "date", what), amount, null, null,
                    optionalDate(row, "recordDate", what), optionalDate(row, "paymentDate", what), optionalDate(row, "declarationDate", what),
                    text(row, "currency"), FmpClient.PROVIDER));
        }
        for (JsonNode row : array(client.get("/stable/splits", query, what), what)) {
            actions.add(new CorporateAction(symbol, CorporateAction.Type.SPLIT, date(row, "date", what), null, number(row, "numerator"),
                    number(row, "denominator"), null, null, null, null, FmpClient.PROVIDER));
        }
        return actions.stream()
                .filter(action -> range.contains(action.exDate()))
                .sorted(Comparator.comparing(CorporateAction::exDate).thenComparing(CorporateAction::type))
                .toList();
    }

    /** Live quotes from {@code /stable/quote}, one call per symbol ({@link FmpQuotes}). */
    @Override
    public List<io.stockingest.core.model.Quote> fetchQuotes(List<Symbol> symbols) {
        return new FmpQuotes(client).fetch(symbols);
    }

    @Override
    public void close() {
        client.close();
    }

    private static Map<String, String> rangeQuery(Symbol symbol, DateRange range) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("symbol", FmpClient.SPELLING.spell(symbol));
        query.put("from", range.from().toString());
        query.put("to", range.to().toString());
        return query;
    }

    private static JsonNode array(JsonNode node, String what) {
        return FmpClient.array(node, what);
    }

    private static Double number(JsonNode row, String field) {
        JsonNode value = row.path(field);
        return value.isNumber() ? value.asDouble() : null;
    }

    private static String text(JsonNode row, String field) {
        JsonNode value = row.path(field);
        return value.isValueNode() && !value.isNull() && !value.asText().isBlank() ? value.asText().strip() : null;
    }

    private static LocalDate date(JsonNode row, String field, String what) {
        LocalDate date = optionalDate(row, field, what);
        if (date == null) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": a row has no '" + field + "'");
        }
        return date;
    }

    private static LocalDate parseDate(String text, String field, String what) {
        LocalDate date = isoDate(text.length() > 10 ? text.substring(0, 10) : text);
        if (date == null) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": unreadable " + field + " '" + text + "'");
        }
        return date;
    }

    private static LocalDate optionalDate(JsonNode row, String field, String what) {
        String text = text(row, field);
        if (text == null) {
            return null;
        }
        return parseDate(text, field, what);
    }

    private static Instant acceptedAt(JsonNode row, String what) {
        String text = text(row, "acceptedDate");
        if (text == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(text, WALL_TIME).atZone(NyseCalendar.NEW_YORK).toInstant();
        } catch (DateTimeParseException e) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": unreadable acceptedDate '" + text + "'");
        }
    }

    private static int fiscalYear(JsonNode row, String what) {
        String text = text(row, "fiscalYear");
        if (text == null) {
            text = text(row, "calendarYear");
        }
        try {
            return text != null ? Integer.parseInt(text) : date(row, "date", what).getYear();
        } catch (NumberFormatException e) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": unreadable fiscalYear '" + text + "'");
        }
    }
}

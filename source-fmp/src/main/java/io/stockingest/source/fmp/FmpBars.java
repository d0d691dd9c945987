package io.stockingest.source.fmp;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.http.Ticker;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarRequest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Financial Modeling Prep's bars.
 *
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
 * <p>Thread-safe.
 */
final class FmpBars {
    /** FMP's cap on rows per request. */
    static final int MAX_ROWS = 5000;
    private static final LocalTime OPEN = LocalTime.of(9, 30);
    private final FmpClient client;
    private final NyseCalendar calendar;
    private final Ticker ticker;
    private final Map<LocalDate, Instant> sessionOpens = new ConcurrentHashMap<>();

    FmpBars(FmpClient client, NyseCalendar calendar, Ticker ticker) {
        this.client = requireNonNull(client, "client is null");
        this.calendar = requireNonNull(calendar, "calendar is null");
        this.ticker = requireNonNull(ticker, "ticker is null");
    }

    List<BarRequest> plan(List<Symbol> symbols, Interval interval, DateRange range, BarRequest.Hours hours) {
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

    List<Bar> fetch(BarRequest request) {
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
        return client.priceRows("/stable/historical-price-eod/full", FmpRows.rangeQuery(symbol, range), what, row -> dailyBar(symbol, row, false, what));
    }

    private List<Bar> dailyV3(Symbol symbol, DateRange range, String what) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("from", range.from().toString());
        query.put("to", range.to().toString());
        JsonNode root = client.get("/api/v3/historical-price-full/" + FmpClient.encode(symbol.fmp()), query, what);
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
        FmpClient.forEachRow(FmpRows.array(historical, what), what, parser -> {
            row.read(parser);
            bars.add(dailyBar(symbol, row, true, what));
        });
        return bars;
    }

    private Bar dailyBar(Symbol symbol, PriceRow row, boolean withAdjClose, String what) {
        if (row.date == null) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": a row has no 'date'");
        }
        LocalDate date = FmpRows.parseDate(row.date, "date", what);
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
        Map<String, String> query = FmpRows.rangeQuery(symbol, request.range());
        if (request.hours() == BarRequest.Hours.EXTENDED) {
            query.put("extended", "true");
        }
        return client.priceRows("/stable/historical-chart/" + chartPath(request.interval()), query, what, row -> {
            String text = row.date == null ? "" : row.date;
            LocalDateTime wall = FmpRows.wallTime(text);
            if (wall == null) {
                throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": unreadable bar time '" + text + "' (expected yyyy-MM-dd HH:mm:ss)");
            }
            Instant ts = wall.atZone(NyseCalendar.NEW_YORK).toInstant();
            return new Bar(symbol, request.interval(), ts, wall.toLocalDate(), row.open, row.high, row.low, row.close, null, row.volume, null,
                    null, FmpClient.PROVIDER, Adjustment.SPLITS);
        });
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
}

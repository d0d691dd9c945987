package io.stockingest.source.polygon;

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
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Polygon.io's bars: range aggregates of every interval and grouped daily.
 *
 * Range aggregates {@code /v2/aggs/ticker/{T}/range/{mult}/{timespan}/{from}/{to}?adjusted=true&sort=asc&limit=50000}:
 * {@code t} (Unix ms, window start) is {@code ts}, its New York date is {@code date}; {@code v} is a double on the wire
 * (exponent form) and is rounded; {@code vw} is {@code vwap}, {@code n} is {@code transactions}; prices are split
 * adjusted only ({@link Adjustment#SPLITS}), {@code adjClose} is null. Weekly and monthly windows start on a
 * Sunday / the 1st, possibly before the requested range: their {@code date} is the first NYSE session on or after
 * the later of the window start and the range start. Intraday bars are minute based and include pre- and
 * post-market; with {@link BarRequest.Hours#REGULAR} bars starting outside 09:30-16:00 are dropped, and {@code 1h}
 * bars are built from 30m bars so that they start at the session open (Polygon's hour windows are clock aligned;
 * with {@code EXTENDED} hours they are used as they come). A bar still forming at the time of the fetch (the
 * current minute, day, week or month on real-time plans) is dropped.
 *
 * <h2>Planning</h2>
 * {@code limit} caps the <em>base</em> aggregates a request reads (minute bars for minute and hour intervals, day
 * bars otherwise), and bars past the cap are silently cut into the next page. The planner therefore splits a range
 * so that each request reads at most {@value #MAX_BASE_BARS} base bars, counting
 * {@value #EXTENDED_MINUTES_PER_SESSION} minutes (04:00-20:00) per NYSE session, i.e. {@value #SESSIONS_PER_INTRADAY_REQUEST}
 * sessions per intraday request; {@code next_url} paging is still followed but is the exception. For {@code 1d} it
 * uses grouped daily {@code /v2/aggs/grouped/locale/us/market/stocks/{date}} (one call per session, every US stock)
 * when there are fewer sessions than symbols ({@code include_otc=true}, so that OTC symbols are found as they would be
 * one by one). Grouped {@code t} is 16:00 New York, unlike range bars (00:00): rows
 * are keyed by the New York date of {@code t}, and {@code ts} is set to 00:00 New York of that date so that a bar is
 * identical whichever endpoint fetched it.
 *
 * <p>Thread-safe.
 */
final class PolygonBars {
    /** The most base aggregates one request may read ({@code limit} max). */
    static final int MAX_BASE_BARS = 50_000;
    /** 04:00-20:00 New York: every minute a session can have bars for. */
    static final int EXTENDED_MINUTES_PER_SESSION = 960;
    static final int SESSIONS_PER_INTRADAY_REQUEST = MAX_BASE_BARS / EXTENDED_MINUTES_PER_SESSION;
    private static final LocalTime EXTENDED_OPEN = LocalTime.of(4, 0);
    private static final LocalTime EXTENDED_CLOSE = LocalTime.of(20, 0);
    private final PolygonClient client;
    private final NyseCalendar calendar;
    private final Ticker ticker;

    PolygonBars(PolygonClient client, NyseCalendar calendar, Ticker ticker) {
        this.client = requireNonNull(client, "client is null");
        this.calendar = requireNonNull(calendar, "calendar is null");
        this.ticker = requireNonNull(ticker, "ticker is null");
    }

    /**
     * Grouped daily (one request per session holding every symbol) when the interval is {@code 1d} and that takes
     * fewer calls than one request per symbol; otherwise per-symbol range requests, each reading at most
     * {@value #MAX_BASE_BARS} base bars.
     */
    List<BarRequest> plan(List<Symbol> symbols, Interval interval, DateRange range, BarRequest.Hours hours) {
        requireNonNull(symbols, "symbols is null");
        requireNonNull(interval, "interval is null");
        requireNonNull(range, "range is null");
        requireNonNull(hours, "hours is null");
        List<Symbol> distinct = symbols.stream().distinct().toList();
        List<LocalDate> sessions = sessionDates(range);
        if (interval == Interval.D1 && !sessions.isEmpty() && sessions.size() < distinct.size()) {
            return sessions.stream().map(date -> new BarRequest(distinct, interval, DateRange.of(date), hours, 1)).toList();
        }
        List<DateRange> chunks = chunks(range, sessions, interval.isIntraday() ? SESSIONS_PER_INTRADAY_REQUEST : MAX_BASE_BARS);
        List<BarRequest> plan = new ArrayList<>();
        for (Symbol symbol : distinct) {
            for (DateRange chunk : chunks) {
                plan.add(new BarRequest(List.of(symbol), interval, chunk, hours, 1));
            }
        }
        return List.copyOf(plan);
    }

    /** Consecutive ranges covering {@code range}, each holding at most {@code maxSessions} sessions. */
    static List<DateRange> chunks(DateRange range, List<LocalDate> sessions, int maxSessions) {
        if (sessions.size() <= maxSessions) {
            return List.of(range);
        }
        List<DateRange> out = new ArrayList<>();
        LocalDate start = range.from();
        for (int i = maxSessions - 1; i < sessions.size() - 1; i += maxSessions) {
            LocalDate end = sessions.get(i);
            out.add(new DateRange(start, end));
            start = end.plusDays(1);
        }
        out.add(new DateRange(start, range.to()));
        return List.copyOf(out);
    }

    private List<LocalDate> sessionDates(DateRange range) {
        try {
            return calendar.sessions(range.from(), range.to()).stream().map(NyseCalendar.Session::date).toList();
        } catch (IllegalArgumentException e) {
            throw new IngestException(ErrorKind.USAGE, "Cannot plan " + range + " for polygon: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------------------------------------------- bars

    List<Bar> fetch(BarRequest request) {
        requireNonNull(request, "request is null");
        if (request.symbols().size() > 1 && request.interval() == Interval.D1) {
            List<Bar> bars = new ArrayList<>();
            for (LocalDate date : sessionDates(request.range())) {
                bars.addAll(fetchGroupedDaily(request.symbols(), date));
            }
            return List.copyOf(bars);
        }
        List<Bar> bars = new ArrayList<>();
        for (Symbol symbol : request.symbols()) {
            String what = symbol + " " + request.interval() + " " + request.range();
            if (request.interval() == Interval.H1 && request.hours() == BarRequest.Hours.REGULAR) {
                bars.addAll(sessionHours(fetchAggregates(symbol, Interval.M30, request.range(), request.hours(), what)));
            } else {
                bars.addAll(fetchAggregates(symbol, request.interval(), request.range(), request.hours(), what));
            }
        }
        return List.copyOf(bars);
    }

    /** @param what the request as the user sees it, for messages */
    private List<Bar> fetchAggregates(Symbol symbol, Interval interval, DateRange range, BarRequest.Hours hours, String what) {
        Timespan span = Timespan.of(interval);
        String path = "/v2/aggs/ticker/" + PolygonRows.segment(symbol.polygon()) + "/range/" + span.multiplier + "/" + span.timespan + "/"
                + range.from() + "/" + range.to() + "?adjusted=true&sort=asc&limit=" + MAX_BASE_BARS;
        List<JsonNode> rows = client.getAll(path, what);
        Instant now = ticker.now();
        List<Bar> bars = new ArrayList<>(rows.size());
        for (JsonNode row : rows) {
            JsonNode t = row.get("t");
            if (t == null || !t.canConvertToLong()) {
                continue;
            }
            Instant ts = Instant.ofEpochMilli(t.asLong());
            ZonedDateTime local = ts.atZone(NyseCalendar.NEW_YORK);
            LocalDate date = local.toLocalDate();
            if (interval == Interval.W1 || interval == Interval.MO1) {
                date = firstSessionOnOrAfter(date.isBefore(range.from()) ? range.from() : date);
            }
            if (!range.contains(date) || interval.isIntraday() && !insideHours(ts, local, date, hours) || isLive(interval, local, date, now)) {
                continue;
            }
            bars.add(bar(symbol, interval, ts, date, row));
        }
        return List.copyOf(bars);
    }

    /**
     * Regular-hours 1h bars anchored at the session open (09:30, 10:30, ..., 15:30 with the last one half an hour
     * long), built from 30m bars: Polygon's own hour windows are clock-aligned, so its 09:00 bar mixes pre-market
     * with the first half hour. Volume and transactions are summed, vwap is volume-weighted (null unless every part
     * has one).
     */
    private List<Bar> sessionHours(List<Bar> halfHours) {
        Map<Instant, List<Bar>> byHour = new LinkedHashMap<>();
        for (Bar bar : halfHours) {
            Instant open = calendar.session(bar.date()).orElseThrow().openInstant();
            long hours = Duration.between(open, bar.ts()).toHours();
            byHour.computeIfAbsent(open.plus(Duration.ofHours(hours)), start -> new ArrayList<>()).add(bar);
        }
        List<Bar> out = new ArrayList<>(byHour.size());
        byHour.forEach((start, parts) -> {
            Bar first = parts.getFirst();
            Bar last = parts.getLast();
            double high = parts.stream().mapToDouble(Bar::high).max().orElseThrow();
            double low = parts.stream().mapToDouble(Bar::low).min().orElseThrow();
            long volume = parts.stream().mapToLong(Bar::volume).sum();
            Double vwap = null;
            if (volume > 0 && parts.stream().allMatch(part -> part.vwap() != null)) {
                vwap = parts.stream().mapToDouble(part -> part.vwap() * part.volume()).sum() / volume;
            }
            Long transactions = parts.stream().allMatch(part -> part.transactions() != null)
                    ? parts.stream().mapToLong(Bar::transactions).sum() : null;
            out.add(new Bar(first.symbol(), Interval.H1, start, first.date(), first.open(), high, low, last.close(), null, volume, vwap,
                    transactions, PolygonClient.PROVIDER, Adjustment.SPLITS));
        });
        return List.copyOf(out);
    }

    private List<Bar> fetchGroupedDaily(List<Symbol> symbols, LocalDate date) {
        Map<String, Symbol> wanted = new LinkedHashMap<>();
        symbols.forEach(symbol -> wanted.put(symbol.polygon(), symbol));
        List<JsonNode> rows = client.getAll("/v2/aggs/grouped/locale/us/market/stocks/" + date + "?adjusted=true&include_otc=true",
                "grouped daily " + date + " (" + symbols.size() + " symbols)");
        List<Bar> bars = new ArrayList<>();
        for (JsonNode row : rows) {
            Symbol symbol = wanted.get(row.path("T").asText(""));
            JsonNode t = row.get("t");
            if (symbol == null || t == null || !t.canConvertToLong()) {
                continue;
            }
            LocalDate rowDate = Instant.ofEpochMilli(t.asLong()).atZone(NyseCalendar.NEW_YORK).toLocalDate();
            if (!rowDate.equals(date) || isLive(Interval.D1, null, rowDate, ticker.now())) {
                continue;
            }
            bars.add(bar(symbol, Interval.D1, rowDate.atStartOfDay(NyseCalendar.NEW_YORK).toInstant(), rowDate, row));
        }
        return List.copyOf(bars);
    }

    private static Bar bar(Symbol symbol, Interval interval, Instant ts, LocalDate date, JsonNode row) {
        JsonNode volume = row.get("v");
        return new Bar(symbol, interval, ts, date,
                PolygonRows.price(row, "o"), PolygonRows.price(row, "h"), PolygonRows.price(row, "l"), PolygonRows.price(row, "c"),
                null,
                volume != null && volume.isNumber() ? Math.round(volume.asDouble()) : 0L,
                PolygonRows.number(row, "vw"),
                row.hasNonNull("n") && row.get("n").isNumber() ? row.get("n").asLong() : null,
                PolygonClient.PROVIDER, Adjustment.SPLITS);
    }

    private boolean insideHours(Instant ts, ZonedDateTime local, LocalDate date, BarRequest.Hours hours) {
        if (hours == BarRequest.Hours.EXTENDED) {
            return !local.toLocalTime().isBefore(EXTENDED_OPEN) && local.toLocalTime().isBefore(EXTENDED_CLOSE);
        }
        return calendar.session(date)
                .map(session -> !ts.isBefore(session.openInstant()) && ts.isBefore(session.closeInstant()))
                .orElse(false);
    }

    /**
     * Whether a bar is still forming at {@code now} (real-time plans return the current window): an intraday window
     * that has not ended, a day that is not a completed session, a week or month whose window still holds a session
     * after the last completed one.
     */
    private boolean isLive(Interval interval, ZonedDateTime windowStart, LocalDate date, Instant now) {
        if (interval.isIntraday()) {
            return windowStart.toInstant().plus(interval.length()).isAfter(now);
        }
        LocalDate lastCompleted = calendar.lastCompletedSession(now);
        return switch (interval) {
            case W1 -> calendar.nextSession(lastCompleted).isBefore(windowStart.toLocalDate().plusWeeks(1));
            case MO1 -> calendar.nextSession(lastCompleted).isBefore(windowStart.toLocalDate().plusMonths(1));
            default -> date.isAfter(lastCompleted);
        };
    }

    private LocalDate firstSessionOnOrAfter(LocalDate date) {
        return calendar.isSession(date) ? date : calendar.nextSession(date);
    }

    /** Polygon's multiplier and timespan for an interval. */
    private record Timespan(int multiplier, String timespan) {
        static Timespan of(Interval interval) {
            return switch (interval) {
                case M1 -> new Timespan(1, "minute");
                case M2 -> new Timespan(2, "minute");
                case M5 -> new Timespan(5, "minute");
                case M15 -> new Timespan(15, "minute");
                case M30 -> new Timespan(30, "minute");
                case H1 -> new Timespan(1, "hour");
                case D1 -> new Timespan(1, "day");
                case W1 -> new Timespan(1, "week");
                case MO1 -> new Timespan(1, "month");
            };
        }
    }
}

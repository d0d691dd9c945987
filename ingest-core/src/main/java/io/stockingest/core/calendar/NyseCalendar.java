package io.stockingest.core.calendar;

import static java.util.Objects.requireNonNull;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * The NYSE trading calendar, 1990-01-01 to 2100-12-31: which days are sessions and when each opens and closes.
 * Immutable and thread-safe.
 *
 * <p>A session runs 09:30 to 16:00 America/New_York on weekdays (daylight saving time by {@code java.time}'s zone
 * rules), except on the regular holidays ({@link NyseHolidays}) and unscheduled closures, and with the early closes
 * (13:00, 14:00 before 1993) of {@link NyseSpecialDays}. Session dates match both pandas_market_calendars ({@code
 * NYSE}) and exchange_calendars ({@code XNYS}) since 1990; session hours match exchange_calendars {@code XNYS} (see
 * {@link NyseSpecialDays} for the intraday irregularities pandas_market_calendars adds and why they are left out).
 *
 * <p>Every method taking a date or an instant outside the range throws {@link IllegalArgumentException}.
 */
public final class NyseCalendar {
    public static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    public static final LocalDate FIRST = LocalDate.of(1990, 1, 1);
    public static final LocalDate LAST = LocalDate.of(2100, 12, 31);
    public static final LocalTime REGULAR_OPEN = LocalTime.of(9, 30);
    public static final LocalTime REGULAR_CLOSE = LocalTime.of(16, 0);
    private static final NyseCalendar INSTANCE = new NyseCalendar();

    /** One session: its date and its open and close in New York time. */
    public record Session(LocalDate date, ZonedDateTime open, ZonedDateTime close) {
        public Session {
            requireNonNull(date, "date is null");
            requireNonNull(open, "open is null");
            requireNonNull(close, "close is null");
            if (!close.isAfter(open)) {
                throw new IllegalArgumentException("Session " + date + " closes at " + close + ", not after its open " + open);
            }
        }

        public Instant openInstant() {
            return open.toInstant();
        }

        public Instant closeInstant() {
            return close.toInstant();
        }

        /** Minutes from open to close: 390 for a regular session, 210 for a 13:00 early close. */
        public long regularMinutes() {
            return Duration.between(open, close).toMinutes();
        }

        /** Whether the session closes before the regular 16:00. */
        public boolean isEarlyClose() {
            return close.toLocalTime().isBefore(REGULAR_CLOSE);
        }
    }

    /** {@link #isSession} per year from {@link #FIRST}'s, filled in on first use (racing threads compute the same array). */
    private final AtomicReferenceArray<boolean[]> sessionDays = new AtomicReferenceArray<>(LAST.getYear() - FIRST.getYear() + 1);

    private NyseCalendar() {}

    public static NyseCalendar instance() {
        return INSTANCE;
    }

    private static LocalDate checkRange(LocalDate date) {
        requireNonNull(date, "date is null");
        if (date.isBefore(FIRST) || date.isAfter(LAST)) {
            throw new IllegalArgumentException("Date " + date + " is outside the NYSE calendar's range " + FIRST + ".." + LAST);
        }
        return date;
    }

    private static LocalDate newYorkDate(Instant instant) {
        requireNonNull(instant, "instant is null");
        LocalDate date = instant.atZone(NEW_YORK).toLocalDate();
        if (date.isBefore(FIRST) || date.isAfter(LAST)) {
            throw new IllegalArgumentException("Instant " + instant + " (" + date + " in New York) is outside the NYSE calendar's range " + FIRST + ".." + LAST);
        }
        return date;
    }

    public boolean isSession(LocalDate date) {
        checkRange(date);
        int index = date.getYear() - FIRST.getYear();
        boolean[] year = sessionDays.get(index);
        if (year == null) {
            year = sessionDays(date.getYear());
            sessionDays.set(index, year);
        }
        return year[date.getDayOfYear() - 1];
    }

    /**
     * Whether each day of {@code year} is a session, by day of year. Worked out once per year on first use: the
     * validator asks for every bar, and the holiday rules (Easter, nearest weekdays) showed in profiles.
     */
    private boolean[] sessionDays(int year) {
        LocalDate first = LocalDate.of(year, 1, 1);
        boolean[] days = new boolean[first.lengthOfYear()];
        for (int i = 0; i < days.length; i++) {
            days[i] = closedReason(first.plusDays(i)).isEmpty();
        }
        return days;
    }

    /**
     * Why the exchange is closed on {@code date} ("Saturday", "Good Friday", "Hurricane Sandy", ...), or empty when
     * {@code date} is a session.
     */
    public Optional<String> closedReason(LocalDate date) {
        checkRange(date);
        DayOfWeek dow = date.getDayOfWeek();
        if (dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY) {
            return Optional.of(dow == DayOfWeek.SATURDAY ? "Saturday" : "Sunday");
        }
        return NyseHolidays.holiday(date).or(() -> NyseSpecialDays.closure(date));
    }

    public Optional<Session> session(LocalDate date) {
        if (!isSession(date)) {
            return Optional.empty();
        }
        LocalTime close = NyseSpecialDays.earlyClose(date).orElse(REGULAR_CLOSE);
        return Optional.of(new Session(date, date.atTime(REGULAR_OPEN).atZone(NEW_YORK), date.atTime(close).atZone(NEW_YORK)));
    }

    /** The sessions from {@code from} to {@code to}, both inclusive, in order; empty when {@code from} is after {@code to}. */
    public List<Session> sessions(LocalDate from, LocalDate to) {
        checkRange(from);
        checkRange(to);
        List<Session> sessions = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            session(d).ifPresent(sessions::add);
        }
        return List.copyOf(sessions);
    }

    /** The first session strictly after {@code date}. */
    public LocalDate nextSession(LocalDate date) {
        checkRange(date);
        for (LocalDate d = date.plusDays(1); !d.isAfter(LAST); d = d.plusDays(1)) {
            if (isSession(d)) {
                return d;
            }
        }
        throw new IllegalArgumentException("No NYSE session after " + date + " within the calendar's range " + FIRST + ".." + LAST);
    }

    /** The last session strictly before {@code date}. */
    public LocalDate previousSession(LocalDate date) {
        checkRange(date);
        for (LocalDate d = date.minusDays(1); !d.isBefore(FIRST); d = d.minusDays(1)) {
            if (isSession(d)) {
                return d;
            }
        }
        throw new IllegalArgumentException("No NYSE session before " + date + " within the calendar's range " + FIRST + ".." + LAST);
    }

    /** The last session whose close is at or before {@code now}. */
    public LocalDate lastCompletedSession(Instant now) {
        LocalDate today = newYorkDate(now);
        Optional<Session> session = session(today);
        if (session.isPresent() && !now.isBefore(session.get().closeInstant())) {
            return today;
        }
        return previousSession(today);
    }

    /** Whether the market is in its regular session at {@code instant} (open inclusive, close exclusive). */
    public boolean isOpen(Instant instant) {
        return session(newYorkDate(instant))
                .map(s -> !instant.isBefore(s.openInstant()) && instant.isBefore(s.closeInstant()))
                .orElse(false);
    }

    /** The first session open strictly after {@code instant}. */
    public ZonedDateTime nextOpen(Instant instant) {
        return next(instant, Session::open, "open");
    }

    /** The first session close strictly after {@code instant}. */
    public ZonedDateTime nextClose(Instant instant) {
        return next(instant, Session::close, "close");
    }

    private ZonedDateTime next(Instant instant, Function<Session, ZonedDateTime> edge, String what) {
        for (LocalDate d = newYorkDate(instant); !d.isAfter(LAST); d = d.plusDays(1)) {
            Optional<Session> session = session(d);
            if (session.isPresent() && edge.apply(session.get()).toInstant().isAfter(instant)) {
                return edge.apply(session.get());
            }
        }
        throw new IllegalArgumentException("No NYSE " + what + " after " + instant + " within the calendar's range " + FIRST + ".." + LAST);
    }

    /** Minutes of regular trading on {@code date}: 390 on a regular session, fewer on early closes, 0 when closed. */
    public long regularMinutes(LocalDate date) {
        return session(date).map(Session::regularMinutes).orElse(0L);
    }
}

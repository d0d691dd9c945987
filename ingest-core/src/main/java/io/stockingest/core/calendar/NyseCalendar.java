package io.stockingest.core.calendar;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * The NYSE trading calendar, 1990-2100. PLACEHOLDER: weekdays only, regular hours; the full calendar (holidays,
 * early closes, special closures) replaces this class.
 */
public final class NyseCalendar {
    public static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    public static final LocalDate FIRST = LocalDate.of(1990, 1, 1);
    public static final LocalDate LAST = LocalDate.of(2100, 12, 31);
    private static final NyseCalendar INSTANCE = new NyseCalendar();

    /** One session: its date and its open and close in New York time. */
    public record Session(LocalDate date, ZonedDateTime open, ZonedDateTime close) {
        public Instant openInstant() {
            return open.toInstant();
        }

        public Instant closeInstant() {
            return close.toInstant();
        }

        public long regularMinutes() {
            return Duration.between(open, close).toMinutes();
        }
    }

    public static NyseCalendar instance() {
        return INSTANCE;
    }

    private static LocalDate checkRange(LocalDate date) {
        if (date.isBefore(FIRST) || date.isAfter(LAST)) {
            throw new IllegalArgumentException("Date " + date + " is outside the calendar's range " + FIRST + ".." + LAST);
        }
        return date;
    }

    public boolean isSession(LocalDate date) {
        checkRange(date);
        return date.getDayOfWeek() != DayOfWeek.SATURDAY && date.getDayOfWeek() != DayOfWeek.SUNDAY;
    }

    public Optional<Session> session(LocalDate date) {
        if (!isSession(date)) {
            return Optional.empty();
        }
        return Optional.of(new Session(date, date.atTime(LocalTime.of(9, 30)).atZone(NEW_YORK), date.atTime(LocalTime.of(16, 0)).atZone(NEW_YORK)));
    }

    public List<Session> sessions(LocalDate from, LocalDate to) {
        return from.datesUntil(to.plusDays(1)).map(this::session).flatMap(Optional::stream).toList();
    }

    public LocalDate nextSession(LocalDate date) {
        LocalDate d = date.plusDays(1);
        while (!isSession(d)) {
            d = d.plusDays(1);
        }
        return d;
    }

    public LocalDate previousSession(LocalDate date) {
        LocalDate d = date.minusDays(1);
        while (!isSession(d)) {
            d = d.minusDays(1);
        }
        return d;
    }

    /** The last session whose close is at or before {@code now}. */
    public LocalDate lastCompletedSession(Instant now) {
        LocalDate today = now.atZone(NEW_YORK).toLocalDate();
        Optional<Session> session = session(today);
        if (session.isPresent() && !now.isBefore(session.get().closeInstant())) {
            return today;
        }
        return previousSession(today);
    }
}

package io.stockingest.core.calendar;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A venue's trading calendar: which days are sessions and when each opens, breaks and closes. Implementations are
 * immutable and thread-safe; every method taking a date or an instant outside {@link #first()}..{@link #last()}
 * throws {@link IllegalArgumentException}.
 *
 * <p>Years after {@link #publishedThrough()} are projected by the rules ({@link #isProjected}): the exchange has not
 * published them, and its ad hoc closures and (for lunar holidays) its dates are not known yet.
 */
public interface ExchangeCalendar {
    /** The venue code: an ISO 10383 MIC ({@code XNYS}, {@code XLON}), {@code CRYPTO} or {@code FX}. */
    String code();

    /** A short name: "New York Stock Exchange", "London Stock Exchange". */
    String name();

    ZoneId zone();

    LocalDate first();

    LocalDate last();

    /** The last year whose sessions the exchange has published and this calendar holds as data. */
    int publishedThrough();

    /** Why the venue is closed on {@code date} ("Saturday", "Good Friday", ...), or empty when it is a session. */
    Optional<String> closedReason(LocalDate date);

    /** The session on {@code date}, if it is one. */
    Optional<Session> session(LocalDate date);

    /** One session: its date, its open and close, and its lunch break where the venue has one. */
    record Session(LocalDate date, ZonedDateTime open, ZonedDateTime close, ZonedDateTime breakStart, ZonedDateTime breakEnd) {
        public Session {
            requireNonNull(date, "date is null");
            requireNonNull(open, "open is null");
            requireNonNull(close, "close is null");
            if (!close.isAfter(open)) {
                throw new IllegalArgumentException("Session " + date + " closes at " + close + ", not after its open " + open);
            }
            if ((breakStart == null) != (breakEnd == null)) {
                throw new IllegalArgumentException("Session " + date + " has a break start or end without the other");
            }
            if (breakStart != null && (!breakStart.isAfter(open) || !breakEnd.isAfter(breakStart) || !close.isAfter(breakEnd))) {
                throw new IllegalArgumentException("Session " + date + "'s break " + breakStart + ".." + breakEnd + " is not inside " + open + ".." + close);
            }
        }

        /** A session without a break. */
        public Session(LocalDate date, ZonedDateTime open, ZonedDateTime close) {
            this(date, open, close, null, null);
        }

        public boolean hasBreak() {
            return breakStart != null;
        }

        /** Whether trading is on at {@code instant}: from the open (inclusive) to the close (exclusive), outside the break. */
        public boolean isTrading(Instant instant) {
            if (instant.isBefore(open.toInstant()) || !instant.isBefore(close.toInstant())) {
                return false;
            }
            return !hasBreak() || instant.isBefore(breakStart.toInstant()) || !instant.isBefore(breakEnd.toInstant());
        }

        /** Minutes of trading, the break left out. */
        public long tradingMinutes() {
            long minutes = Duration.between(open, close).toMinutes();
            return hasBreak() ? minutes - Duration.between(breakStart, breakEnd).toMinutes() : minutes;
        }
    }

    /** Whether the venue's regular sessions have a lunch break (Tokyo, Hong Kong, Shanghai). */
    default boolean hasBreaks() {
        return false;
    }

    default boolean isSession(LocalDate date) {
        return closedReason(date).isEmpty();
    }

    /** Whether {@code date} lies in a year the exchange has not published yet (its sessions are projected by the rules). */
    default boolean isProjected(LocalDate date) {
        return date.getYear() > publishedThrough();
    }

    default LocalDate checkRange(LocalDate date) {
        requireNonNull(date, "date is null");
        if (date.isBefore(first()) || date.isAfter(last())) {
            throw new IllegalArgumentException("Date " + date + " is outside the " + code() + " calendar's range " + first() + ".." + last());
        }
        return date;
    }

    /** The sessions from {@code from} to {@code to}, both inclusive, in order. */
    default List<Session> sessions(LocalDate from, LocalDate to) {
        checkRange(from);
        checkRange(to);
        List<Session> sessions = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            session(d).ifPresent(sessions::add);
        }
        return List.copyOf(sessions);
    }

    /** The first session strictly after {@code date}. */
    default LocalDate nextSession(LocalDate date) {
        checkRange(date);
        for (LocalDate d = date.plusDays(1); !d.isAfter(last()); d = d.plusDays(1)) {
            if (isSession(d)) {
                return d;
            }
        }
        throw new IllegalArgumentException("No " + code() + " session after " + date + " within the calendar's range " + first() + ".." + last());
    }

    /** The last session strictly before {@code date}. */
    default LocalDate previousSession(LocalDate date) {
        checkRange(date);
        for (LocalDate d = date.minusDays(1); !d.isBefore(first()); d = d.minusDays(1)) {
            if (isSession(d)) {
                return d;
            }
        }
        throw new IllegalArgumentException("No " + code() + " session before " + date + " within the calendar's range " + first() + ".." + last());
    }

    /**
     * The session that contains {@code instant} or the last one before it, looked up from the venue's local date
     * (an FX session opens the evening before its date, so the next day is asked too).
     */
    private Optional<Session> sessionAround(Instant instant, int daysAhead) {
        LocalDate local = checkRange(instant.atZone(zone()).toLocalDate());
        for (int ahead = daysAhead; ahead >= 0; ahead--) {
            LocalDate d = local.plusDays(ahead);
            if (d.isAfter(last())) {
                continue;
            }
            Optional<Session> s = session(d);
            if (s.isPresent() && !instant.isBefore(s.get().open().toInstant())) {
                return s;
            }
        }
        return Optional.empty();
    }

    /** The last session whose close is at or before {@code now}. */
    default LocalDate lastCompletedSession(Instant now) {
        LocalDate today = checkRange(now.atZone(zone()).toLocalDate());
        for (LocalDate d = today.plusDays(1); !d.isBefore(first()); d = d.minusDays(1)) {
            if (d.isAfter(last())) {
                continue;
            }
            Optional<Session> s = session(d);
            if (s.isPresent() && !now.isBefore(s.get().close().toInstant())) {
                return d;
            }
        }
        throw new IllegalArgumentException("No " + code() + " session completed by " + now + " within the calendar's range " + first() + ".." + last());
    }

    /** Whether the venue is trading at {@code instant} (regular hours, outside a lunch break). */
    default boolean isOpen(Instant instant) {
        return sessionAround(instant, 1).map(s -> s.isTrading(instant)).orElse(false);
    }

    /** The first session open strictly after {@code instant}. */
    default ZonedDateTime nextOpen(Instant instant) {
        return nextEdge(instant, Session::open, "open");
    }

    /** The first session close strictly after {@code instant}. */
    default ZonedDateTime nextClose(Instant instant) {
        return nextEdge(instant, Session::close, "close");
    }

    private ZonedDateTime nextEdge(Instant instant, Function<Session, ZonedDateTime> edge, String what) {
        for (LocalDate d = checkRange(instant.atZone(zone()).toLocalDate()); !d.isAfter(last()); d = d.plusDays(1)) {
            Optional<Session> session = session(d);
            if (session.isPresent() && edge.apply(session.get()).toInstant().isAfter(instant)) {
                return edge.apply(session.get());
            }
        }
        throw new IllegalArgumentException("No " + code() + " " + what + " after " + instant + " within the calendar's range " + first() + ".." + last());
    }
}

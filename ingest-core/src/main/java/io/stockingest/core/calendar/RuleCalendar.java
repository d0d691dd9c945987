package io.stockingest.core.calendar;

import static java.util.Objects.requireNonNull;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A calendar from rules and data, in the style of {@link NyseCalendar}: a weekend, holidays (by rule, or listed),
 * weekend make-up sessions where the venue has them, and each session's hours (early closes, lunch breaks). Which
 * days are sessions is worked out once per year on first use (racing threads compute the same array). Immutable and
 * thread-safe when its {@link Rules} are.
 */
final class RuleCalendar implements ExchangeCalendar {
    /** What sets one venue apart. */
    interface Rules {
        /** Why a weekday (or any day, where the venue has no weekend) is not a session, if it is not. */
        Optional<String> holiday(LocalDate date);

        /** Whether a weekend day is a session all the same (a make-up day for a bridged holiday). */
        default boolean makeUpSession(LocalDate date) {
            return false;
        }

        /** The hours of the session on {@code date} (a session). */
        Hours hours(LocalDate date);

        /** No holidays, the same hours every session. */
        static Rules always(Hours hours) {
            return new Rules() {
                @Override
                public Optional<String> holiday(LocalDate date) {
                    return Optional.empty();
                }

                @Override
                public Hours hours(LocalDate date) {
                    return hours;
                }
            };
        }
    }

    /**
     * A session's hours in the venue's local time: the open {@code openDays} days from the session date (FX opens the
     * evening before: -1), the close {@code closeDays} from it (crypto closes at the next midnight: +1), a break or not.
     */
    record Hours(LocalTime open, int openDays, LocalTime close, int closeDays, LocalTime breakStart, LocalTime breakEnd) {
        Hours {
            requireNonNull(open, "open is null");
            requireNonNull(close, "close is null");
        }

        static Hours of(LocalTime open, LocalTime close) {
            return new Hours(open, 0, close, 0, null, null);
        }

        static Hours of(LocalTime open, LocalTime breakStart, LocalTime breakEnd, LocalTime close) {
            return new Hours(open, 0, close, 0, breakStart, breakEnd);
        }

        Hours closingAt(LocalTime earlier) {
            boolean keepBreak = breakEnd != null && earlier.isAfter(breakEnd);
            return new Hours(open, openDays, earlier, closeDays, keepBreak ? breakStart : null, keepBreak ? breakEnd : null);
        }

        Session on(LocalDate date, ZoneId zone) {
            return new Session(date, date.plusDays(openDays).atTime(open).atZone(zone), date.plusDays(closeDays).atTime(close).atZone(zone),
                    breakStart == null ? null : date.atTime(breakStart).atZone(zone), breakEnd == null ? null : date.atTime(breakEnd).atZone(zone));
        }
    }

    static final Set<DayOfWeek> SATURDAY_SUNDAY = Set.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);

    private final String code;
    private final String name;
    private final ZoneId zone;
    private final LocalDate first;
    private final LocalDate last;
    private final int publishedThrough;
    private final Set<DayOfWeek> weekend;
    private final Rules rules;
    private final AtomicReferenceArray<boolean[]> sessionDays;

    RuleCalendar(String code, String name, ZoneId zone, LocalDate first, LocalDate last, int publishedThrough, Set<DayOfWeek> weekend, Rules rules) {
        this.code = requireNonNull(code, "code is null");
        this.name = requireNonNull(name, "name is null");
        this.zone = requireNonNull(zone, "zone is null");
        this.first = requireNonNull(first, "first is null");
        this.last = requireNonNull(last, "last is null");
        this.publishedThrough = publishedThrough;
        this.weekend = Set.copyOf(weekend);
        this.rules = requireNonNull(rules, "rules is null");
        this.sessionDays = new AtomicReferenceArray<>(last.getYear() - first.getYear() + 1);
    }

    @Override
    public String code() {
        return code;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ZoneId zone() {
        return zone;
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
    public int publishedThrough() {
        return publishedThrough;
    }

    @Override
    public boolean hasBreaks() {
        return rules.hours(first).breakStart() != null;
    }

    @Override
    public boolean isSession(LocalDate date) {
        checkRange(date);
        int index = date.getYear() - first.getYear();
        boolean[] year = sessionDays.get(index);
        if (year == null) {
            LocalDate jan1 = LocalDate.of(date.getYear(), 1, 1);
            year = new boolean[jan1.lengthOfYear()];
            for (int i = 0; i < year.length; i++) {
                LocalDate d = jan1.plusDays(i);
                year[i] = !d.isBefore(first) && !d.isAfter(last) && reason(d).isEmpty();
            }
            sessionDays.set(index, year);
        }
        return year[date.getDayOfYear() - 1];
    }

    @Override
    public Optional<String> closedReason(LocalDate date) {
        return reason(checkRange(date));
    }

    private Optional<String> reason(LocalDate date) {
        DayOfWeek dow = date.getDayOfWeek();
        if (weekend.contains(dow)) {
            return rules.makeUpSession(date) ? Optional.empty() : Optional.of(dow == DayOfWeek.SATURDAY ? "Saturday" : dow == DayOfWeek.SUNDAY ? "Sunday" : dow.toString());
        }
        return rules.holiday(date);
    }

    @Override
    public Optional<Session> session(LocalDate date) {
        return isSession(date) ? Optional.of(rules.hours(date).on(date, zone)) : Optional.empty();
    }

    @Override
    public String toString() {
        return code + " (" + name + ")";
    }
}

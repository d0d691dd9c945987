package io.stockingest.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.calendar.Calendars;
import io.stockingest.core.calendar.ExchangeCalendar;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.rules.RowRule;
import io.stockingest.core.rules.RowRules;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.Rejected;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The row rules of PRODUCT.md, applied to the bars of one symbol. Each rule has a name that appears in the
 * quarantine and the metrics.
 *
 * <ul>
 *   <li>the value rules of {@link RowRules#BAR} ({@code prices_positive}, {@code ohlc_consistent},
 *       {@code volume_non_negative}), which the SQL gates check too;</li>
 *   <li>{@code not_a_session}: a daily bar's date is a session of its venue's calendar ({@link Calendars#of}: the
 *       NYSE's for US listings, every UTC day for crypto, Monday to Friday for FX, ...); {@code outside_session}: an
 *       intraday bar starts inside the session's hours, outside a lunch break (with extended hours: 04:00-20:00 New
 *       York on the US venues, the regular hours elsewhere);</li>
 *   <li>{@code out_of_range}: the date lies in the requested range;</li>
 *   <li>{@code duplicate}: of several bars with the same (symbol, date[, ts]) the last one is kept.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class BarValidator {
    public static final String DUPLICATE = "duplicate";
    private static final LocalTime EXTENDED_OPEN = LocalTime.of(4, 0);
    private static final LocalTime EXTENDED_CLOSE = LocalTime.of(20, 0);
    /** The calendar whose venues have extended hours (04:00-20:00 New York). */
    private static final String US_CALENDAR = "XNYS";
    private final Calendars calendars;

    public BarValidator(Calendars calendars) {
        this.calendars = requireNonNull(calendars, "calendars is null");
    }

    /** The outcome for one symbol: accepted bars sorted by time, and the rejected ones. */
    public record Outcome(List<Bar> accepted, List<Rejected> rejected) {
        public Outcome {
            accepted = List.copyOf(accepted);
            rejected = List.copyOf(rejected);
        }

        /** Rejections that count against the quarantine threshold (duplicates do not). */
        public long ruleViolations() {
            return rejected.stream().filter(r -> !r.rule().equals(DUPLICATE)).count();
        }
    }

    public Outcome validate(List<Bar> bars, DateRange range, BarRequest.Hours hours) {
        List<Rejected> rejected = new ArrayList<>();
        // While the keys are strictly ascending or strictly descending (a provider's usual order) no key can repeat,
        // so bars are kept in a list; the first key out of order moves them to a map that finds the duplicates.
        List<Bar> inOrder = new ArrayList<>(bars.size());
        Map<Object, Bar> kept = null;
        Comparable<Object> lastKey = null;
        int direction = 0;
        for (Bar bar : bars) {
            Optional<Rejected> broken = check(bar, range, hours);
            if (broken.isPresent()) {
                rejected.add(broken.get());
                continue;
            }
            Object key = bar.interval().isIntraday() ? bar.ts() : bar.date();
            if (kept == null) {
                int step = lastKey == null ? 0 : lastKey.getClass() == key.getClass() ? Integer.signum(lastKey.compareTo(key)) : 2;
                if (lastKey == null || (step != 0 && step != 2 && (direction == 0 || step == direction))) {
                    direction = lastKey == null ? 0 : step;
                    @SuppressWarnings("unchecked")
                    Comparable<Object> comparable = (Comparable<Object>) key;
                    lastKey = comparable;
                    inOrder.add(bar);
                    continue;
                }
                kept = new LinkedHashMap<>();
                for (Bar earlier : inOrder) {
                    kept.put(earlier.interval().isIntraday() ? earlier.ts() : earlier.date(), earlier);
                }
            }
            Bar previous = kept.put(key, bar);
            if (previous != null) {
                rejected.add(new Rejected(previous, DUPLICATE, "another bar for " + key + " came later and was kept"));
            }
        }
        List<Bar> accepted = kept == null ? inOrder : new ArrayList<>(kept.values());
        accepted.sort(Comparator.comparing(Bar::ts));
        return new Outcome(accepted, rejected);
    }

    /**
     * The first row rule {@code bar} breaks ({@code duplicate} aside, which needs the other bars), or empty. A sink that
     * audits staged data before publishing it (the Iceberg sink's gate) checks the same rules with it.
     */
    public Optional<Rejected> check(Bar bar, DateRange range, BarRequest.Hours hours) {
        RowRule<Bar> broken = RowRule.firstBroken(RowRules.BAR, bar);
        if (broken != null) {
            return reject(bar, broken.name(), broken.describe().apply(bar));
        }
        if (!range.contains(bar.date())) {
            return reject(bar, "out_of_range", bar.date() + " is outside " + range);
        }
        ExchangeCalendar calendar = calendars.of(bar.venue());
        if (bar.date().isBefore(calendar.first()) || bar.date().isAfter(calendar.last())) {
            return reject(bar, "not_a_session", bar.date() + " is outside the " + calendar.code() + " calendar");
        }
        if (!bar.interval().isIntraday()) {
            if (bar.interval().code().equals("1d") && !calendar.isSession(bar.date())) {
                return reject(bar, "not_a_session", bar.date() + " is not a " + calendar.code() + " session");
            }
            return Optional.empty();
        }
        var session = calendar.session(bar.date());
        if (session.isEmpty()) {
            return reject(bar, "not_a_session", bar.date() + " is not a " + calendar.code() + " session");
        }
        ZonedDateTime start = bar.ts().atZone(calendar.zone());
        boolean inside = hours == BarRequest.Hours.EXTENDED && calendar.code().equals(US_CALENDAR)
                ? !start.toLocalTime().isBefore(EXTENDED_OPEN) && start.toLocalTime().isBefore(EXTENDED_CLOSE)
                : session.get().isTrading(bar.ts());
        return inside ? Optional.empty()
                : reject(bar, "outside_session", "bar at " + start.toLocalTime() + " " + calendar.zone() + " is outside the " + calendar.code() + " session's hours");
    }

    private static Optional<Rejected> reject(Bar bar, String rule, String detail) {
        return Optional.of(new Rejected(bar, rule, detail));
    }
}

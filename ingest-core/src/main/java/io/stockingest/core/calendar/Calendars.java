package io.stockingest.core.calendar;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.model.Venue;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every venue's calendar: the exchanges' own ({@code XNYS} for every US venue, {@code XLON}, {@code XETR},
 * {@code XTSE}, {@code XTKS}, {@code XHKG}, {@code XSHG} also for Shenzhen), {@code CRYPTO} (every UTC day) and
 * {@code FX} (Sunday 17:00 to Friday 17:00 New York), and for a venue none of them covers the weekday rule in the
 * venue's time zone ({@link #has} tells which). Thread-safe.
 */
public final class Calendars {
    private static final LocalDate LAST = LocalDate.of(2100, 12, 31);
    private static final Calendars STANDARD = new Calendars(); // after LAST, which it uses

    /** By calendar code, in the order {@code calendar exchanges} lists them. */
    private final Map<String, ExchangeCalendar> byCode = new LinkedHashMap<>();
    /** Venues sharing another venue's calendar: the US venues the NYSE's, TSX Venture the TSX's, Shenzhen Shanghai's. */
    private final Map<String, String> shared = Map.of("US", "XNYS", "XNAS", "XNYS", "ARCX", "XNYS", "XASE", "XNYS", "BATS", "XNYS", "OTCM", "XNYS",
            "XTSX", "XTSE", "XSHE", "XSHG");
    /** Every venue asked for so far and its calendar (the validator asks once per bar). */
    private final Map<Venue, ExchangeCalendar> byVenue = new ConcurrentHashMap<>();

    private Calendars() {
        List.of(new NyseExchangeCalendar(), ExchangeCalendars.xlon(), ExchangeCalendars.xetr(), ExchangeCalendars.xtse(), ExchangeCalendars.xtks(),
                ExchangeCalendars.xhkg(), ExchangeCalendars.xshg(), crypto(), fx())
                .forEach(c -> byCode.put(c.code(), c));
    }

    public static Calendars standard() {
        return STANDARD;
    }

    /** Every calendar held here (not the weekday fallbacks), in a fixed order. */
    public List<ExchangeCalendar> all() {
        return List.copyOf(byCode.values());
    }

    /** The calendar named {@code code} ({@code XLON}, {@code xnas}: a venue sharing one), if there is one. */
    public Optional<ExchangeCalendar> byCode(String code) {
        requireNonNull(code, "code is null");
        String upper = code.strip().toUpperCase(Locale.ROOT);
        return Optional.ofNullable(byCode.get(shared.getOrDefault(upper, upper)));
    }

    /** Whether {@code venue} has a calendar of its own here (else {@link #of} gives the weekday rule). */
    public boolean has(Venue venue) {
        return byCode(venue.code()).isPresent();
    }

    /** {@code venue}'s calendar, or the weekday rule in its time zone when there is none here. */
    public ExchangeCalendar of(Venue venue) {
        requireNonNull(venue, "venue is null");
        ExchangeCalendar known = byVenue.get(venue);
        return known != null ? known : byVenue.computeIfAbsent(venue, v -> byCode(v.code()).orElseGet(() -> weekdays(v)));
    }

    /** The codes known here, for messages: "XNYS, XLON, ...". */
    public String codes() {
        List<String> codes = new ArrayList<>(byCode.keySet());
        return String.join(", ", codes);
    }

    /** Crypto trades every day; a day is the UTC date, 00:00 to 24:00. */
    static ExchangeCalendar crypto() {
        RuleCalendar.Hours allDay = new RuleCalendar.Hours(LocalTime.MIDNIGHT, 0, LocalTime.MIDNIGHT, 1, null, null);
        return new RuleCalendar("CRYPTO", "Crypto (every UTC day)", ZoneId.of("UTC"), LocalDate.of(2009, 1, 3), LAST, LAST.getYear(), Set.of(),
                RuleCalendar.Rules.always(allDay));
    }

    /**
     * FX trades from Sunday 17:00 to Friday 17:00 New York. A session is dated by its close: Monday's runs from Sunday
     * 17:00 to Monday 17:00, Friday's from Thursday 17:00 to Friday 17:00. No holidays (the interbank market trades
     * through them, thinly).
     */
    static ExchangeCalendar fx() {
        RuleCalendar.Hours day = new RuleCalendar.Hours(LocalTime.of(17, 0), -1, LocalTime.of(17, 0), 0, null, null);
        return new RuleCalendar("FX", "Foreign exchange (Sunday 17:00 to Friday 17:00 New York)", ZoneId.of("America/New_York"),
                LocalDate.of(1990, 1, 1), LAST, LAST.getYear(), RuleCalendar.SATURDAY_SUNDAY, RuleCalendar.Rules.always(day));
    }

    /** A venue with no calendar here: Monday to Friday, 00:00 to 24:00 in its time zone, no holidays known. */
    static ExchangeCalendar weekdays(Venue venue) {
        RuleCalendar.Hours allDay = new RuleCalendar.Hours(LocalTime.MIDNIGHT, 0, LocalTime.MIDNIGHT, 1, null, null);
        return new RuleCalendar(venue.code(), "no calendar for " + venue.code() + ": weekdays in " + venue.zone(), venue.zone(),
                LocalDate.of(1990, 1, 1), LAST, 0, RuleCalendar.SATURDAY_SUNDAY, RuleCalendar.Rules.always(allDay));
    }
}

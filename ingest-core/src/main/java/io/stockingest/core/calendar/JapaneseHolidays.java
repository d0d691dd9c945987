package io.stockingest.core.calendar;

import static io.stockingest.core.calendar.NyseHolidays.nthWeekday;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.util.Map;
import java.util.Optional;

/**
 * Japan's national holidays from 2005 by the Act on National Holidays: the fixed and "Happy Monday" holidays, the
 * equinoxes by the astronomical approximation (valid 1980-2099), the substitute holiday (a holiday on a Sunday moves
 * to the next day that is no holiday) and the citizens' holiday (a weekday between two holidays). Stateless and
 * thread-safe.
 *
 * <p>Moved and one-off holidays are data: the 2020 and 2021 Olympic moves of Marine, Sports and Mountain Day, the
 * 2019 enthronement days, the Emperor's Birthday (December 23 through 2018, none in 2019, February 23 from 2020).
 * Sources: XC {@code exchange_calendars/xtks_holidays.py}, PMC {@code pandas_market_calendars/holidays/jp.py} and
 * {@code jpx_equinox.py}; the Cabinet Office's holiday list.
 */
final class JapaneseHolidays {
    /** One-off holidays and the Olympic moves (the regular rule does not apply in those years). */
    private static final Map<LocalDate, String> MOVED = Map.ofEntries(
            Map.entry(LocalDate.of(2019, 4, 30), "Citizens' Holiday (enthronement)"),
            Map.entry(LocalDate.of(2019, 5, 1), "Enthronement Day"),
            Map.entry(LocalDate.of(2019, 5, 2), "Citizens' Holiday (enthronement)"),
            Map.entry(LocalDate.of(2019, 10, 22), "Enthronement Ceremony"),
            Map.entry(LocalDate.of(2020, 7, 23), "Marine Day (Olympics)"),
            Map.entry(LocalDate.of(2020, 7, 24), "Sports Day (Olympics)"),
            Map.entry(LocalDate.of(2020, 8, 10), "Mountain Day (Olympics)"),
            Map.entry(LocalDate.of(2021, 7, 22), "Marine Day (Olympics)"),
            Map.entry(LocalDate.of(2021, 7, 23), "Sports Day (Olympics)"),
            Map.entry(LocalDate.of(2021, 8, 8), "Mountain Day (Olympics)"));

    private JapaneseHolidays() {}

    /** The holiday on {@code date}, if it is one: a national holiday, a substitute or a citizens' holiday. */
    static Optional<String> holiday(LocalDate date) {
        Optional<String> national = national(date);
        if (national.isPresent()) {
            return national;
        }
        // substitute: the first day after a run of holidays that began on (or ran through) a Sunday
        for (LocalDate d = date.minusDays(1); national(d).isPresent(); d = d.minusDays(1)) {
            if (d.getDayOfWeek() == DayOfWeek.SUNDAY) {
                return Optional.of("Substitute holiday");
            }
        }
        if (date.getDayOfWeek() != DayOfWeek.SUNDAY && national(date.minusDays(1)).isPresent() && national(date.plusDays(1)).isPresent()) {
            return Optional.of("Citizens' Holiday");
        }
        return Optional.empty();
    }

    /** The national holiday the Act names for {@code date}, substitutes and citizens' holidays left out. */
    static Optional<String> national(LocalDate date) {
        String moved = MOVED.get(date);
        if (moved != null) {
            return Optional.of(moved);
        }
        int year = date.getYear();
        int day = date.getDayOfMonth();
        boolean olympics = year == 2020 || year == 2021;
        return Optional.ofNullable(switch (date.getMonth()) {
            case JANUARY -> day == 1 ? "New Year's Day" : date.equals(nthWeekday(year, Month.JANUARY, 2, DayOfWeek.MONDAY)) ? "Coming of Age Day" : null;
            case FEBRUARY -> day == 11 ? "National Foundation Day" : day == 23 && year >= 2020 ? "Emperor's Birthday" : null;
            case MARCH -> day == vernalEquinox(year) ? "Vernal Equinox Day" : null;
            case APRIL -> day == 29 ? (year >= 2007 ? "Showa Day" : "Greenery Day") : null;
            case MAY -> day == 3 ? "Constitution Memorial Day" : day == 4 && year >= 2007 ? "Greenery Day" : day == 5 ? "Children's Day" : null;
            case JULY -> !olympics && date.equals(nthWeekday(year, Month.JULY, 3, DayOfWeek.MONDAY)) ? "Marine Day" : null;
            case AUGUST -> !olympics && day == 11 && year >= 2016 ? "Mountain Day" : null;
            case SEPTEMBER -> date.equals(nthWeekday(year, Month.SEPTEMBER, 3, DayOfWeek.MONDAY)) ? "Respect for the Aged Day"
                    : day == autumnalEquinox(year) ? "Autumnal Equinox Day" : null;
            case OCTOBER -> !olympics && date.equals(nthWeekday(year, Month.OCTOBER, 2, DayOfWeek.MONDAY)) ? "Sports Day" : null;
            case NOVEMBER -> day == 3 ? "Culture Day" : day == 23 ? "Labour Thanksgiving Day" : null;
            case DECEMBER -> day == 23 && year <= 2018 ? "Emperor's Birthday" : null;
            default -> null;
        });
    }

    /** The day of March of the vernal equinox in Japan (the Cabinet's approximation, 1980-2099). */
    static int vernalEquinox(int year) {
        return (int) Math.floor(20.8431 + 0.242194 * (year - 1980) - Math.floor((year - 1980) / 4.0));
    }

    /** The day of September of the autumnal equinox in Japan (1980-2099). */
    static int autumnalEquinox(int year) {
        return (int) Math.floor(23.2488 + 0.242194 * (year - 1980) - Math.floor((year - 1980) / 4.0));
    }
}

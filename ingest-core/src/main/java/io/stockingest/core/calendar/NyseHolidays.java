package io.stockingest.core.calendar;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.temporal.TemporalAdjusters;
import java.util.Optional;

/**
 * The NYSE's regular full-day holidays from 1990 on, by rule. Stateless and thread-safe.
 *
 * <p>The rules are those of pandas_market_calendars ({@code pandas_market_calendars/holidays/nyse.py}: {@code
 * USNewYearsDayNYSEpost1952}, {@code USMartinLutherKingJrAfter1998}, {@code USPresidentsDay}, {@code GoodFriday},
 * {@code USMemorialDay}, {@code USJuneteenthAfter2022}, {@code USIndependenceDay}, {@code USLaborDayStarting1887},
 * {@code USThanksgivingDay}, {@code ChristmasNYSE}) and of exchange_calendars ({@code exchange_calendars/us_holidays.py}
 * as used by {@code exchange_calendar_xnys.py}: {@code USNewYearsDay}, {@code USMartinLutherKingJrAfter1998}, {@code
 * USPresidentsDay}, {@code GoodFriday}, {@code USMemorialDay}, {@code USJuneteenth}, {@code USIndependenceDay}, {@code
 * USLaborDay}, {@code USThanksgivingDay}, {@code Christmas}); both agree on every date since 1990.
 *
 * <ul>
 *   <li>New Year's Day: January 1; a Sunday moves to Monday January 2; a Saturday is <em>not</em> moved (no holiday
 *       that year, e.g. 2022-01-01: Friday 2021-12-31 is a session).
 *   <li>Martin Luther King Jr. Day: third Monday of January, from 1998.
 *   <li>Washington's Birthday (Presidents' Day): third Monday of February.
 *   <li>Good Friday: two days before Easter Sunday (Gregorian computus).
 *   <li>Memorial Day: last Monday of May.
 *   <li>Juneteenth: June 19, from 2022, nearest weekday (Saturday to Friday, Sunday to Monday).
 *   <li>Independence Day: July 4, nearest weekday.
 *   <li>Labor Day: first Monday of September.
 *   <li>Thanksgiving: fourth Thursday of November.
 *   <li>Christmas: December 25, nearest weekday.
 * </ul>
 */
final class NyseHolidays {
    private NyseHolidays() {}

    /** The name of the regular holiday observed on {@code date}, if any (weekends are not holidays here). */
    static Optional<String> holiday(LocalDate date) {
        int year = date.getYear();
        if (date.equals(newYearsDay(year))) {
            return Optional.of("New Year's Day");
        }
        if (year >= 1998 && date.equals(nthWeekday(year, Month.JANUARY, 3, DayOfWeek.MONDAY))) {
            return Optional.of("Martin Luther King Jr. Day");
        }
        if (date.equals(nthWeekday(year, Month.FEBRUARY, 3, DayOfWeek.MONDAY))) {
            return Optional.of("Washington's Birthday");
        }
        if (date.equals(easterSunday(year).minusDays(2))) {
            return Optional.of("Good Friday");
        }
        if (date.equals(LocalDate.of(year, Month.MAY, 31).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)))) {
            return Optional.of("Memorial Day");
        }
        if (year >= 2022 && date.equals(nearestWeekday(LocalDate.of(year, Month.JUNE, 19)))) {
            return Optional.of("Juneteenth National Independence Day");
        }
        if (date.equals(nearestWeekday(LocalDate.of(year, Month.JULY, 4)))) {
            return Optional.of("Independence Day");
        }
        if (date.equals(nthWeekday(year, Month.SEPTEMBER, 1, DayOfWeek.MONDAY))) {
            return Optional.of("Labor Day");
        }
        if (date.equals(thanksgiving(year))) {
            return Optional.of("Thanksgiving Day");
        }
        if (date.equals(nearestWeekday(LocalDate.of(year, Month.DECEMBER, 25)))) {
            return Optional.of("Christmas Day");
        }
        return Optional.empty();
    }

    /** January 1, or Monday January 2 when January 1 is a Sunday; {@code null} when January 1 is a Saturday. */
    static LocalDate newYearsDay(int year) {
        LocalDate jan1 = LocalDate.of(year, Month.JANUARY, 1);
        return switch (jan1.getDayOfWeek()) {
            case SATURDAY -> null;
            case SUNDAY -> jan1.plusDays(1);
            default -> jan1;
        };
    }

    static LocalDate thanksgiving(int year) {
        return nthWeekday(year, Month.NOVEMBER, 4, DayOfWeek.THURSDAY);
    }

    /** Saturday to the Friday before, Sunday to the Monday after (pandas' {@code nearest_workday}). */
    static LocalDate nearestWeekday(LocalDate date) {
        return switch (date.getDayOfWeek()) {
            case SATURDAY -> date.minusDays(1);
            case SUNDAY -> date.plusDays(1);
            default -> date;
        };
    }

    static LocalDate nthWeekday(int year, Month month, int n, DayOfWeek dayOfWeek) {
        return LocalDate.of(year, month, 1).with(TemporalAdjusters.dayOfWeekInMonth(n, dayOfWeek));
    }

    /** Easter Sunday in the Gregorian calendar (anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
    static LocalDate easterSunday(int year) {
        int a = year % 19;
        int b = year / 100;
        int c = year % 100;
        int d = b / 4;
        int e = b % 4;
        int f = (b + 8) / 25;
        int g = (b - f + 1) / 3;
        int h = (19 * a + b - d - g + 15) % 30;
        int i = c / 4;
        int k = c % 4;
        int l = (32 + 2 * e + 2 * i - h - k) % 7;
        int m = (a + 11 * h + 22 * l) / 451;
        int month = (h + l - 7 * m + 114) / 31;
        int day = (h + l - 7 * m + 114) % 31 + 1;
        return LocalDate.of(year, month, day);
    }
}

package io.stockingest.core.calendar;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.Month;
import java.util.Map;
import java.util.Optional;

/**
 * The NYSE's days off its regular pattern since 1990: unscheduled full-day closures and early closes, as rules (the
 * recurring early closes) and as data (everything else). Immutable and thread-safe.
 *
 * <p>Sources, abbreviated below: <b>XC</b> = exchange_calendars {@code exchange_calendars/exchange_calendar_xnys.py}
 * and {@code us_holidays.py} (class {@code XNYSExchangeCalendar}); <b>PMC</b> = pandas_market_calendars {@code
 * pandas_market_calendars/holidays/nyse.py} and {@code calendars/nyse.py} (class {@code NYSEExchangeCalendar}, whose
 * irregular days come from the NYSE's closings history, "Stocks.NYSE-Closings.pdf").
 *
 * <p>Session dates: XC and PMC agree on every one since 1990. Session hours: we follow XC, whose own test record
 * ({@code tests/resources/xnys.csv}: every session 1990-01-02..2016-04-06 with open and close) this calendar
 * reproduces; XC has only 09:30 opens and 13:00/14:00 early closes. PMC additionally models, from the NYSE closings
 * history, intraday irregularities that are <em>not</em> applied here: late opens 1990-12-27 (09:31), 1991-01-17 and
 * 1991-02-25 (09:31), 1995-12-18 (10:30), 1996-01-08 (11:00, blizzard), 2001-09-17 (09:33), 2001-10-08 (09:31),
 * 2002-09-11 (12:00), 2003-03-20, 2004-06-07, 2006-12-27 (09:32); early closes 1994-02-11 (14:30, snow), 1996-01-08
 * (14:00, blizzard), 1997-10-27 (15:30, circuit breaker), 2005-06-01 (15:56, systems problem). PMC also omits XC's
 * 1999-12-31 13:00 close ("Disputed. Not in reference source").
 */
final class NyseSpecialDays {
    static final LocalTime EARLY_CLOSE = LocalTime.of(13, 0);
    static final LocalTime EARLY_CLOSE_BEFORE_1993 = LocalTime.of(14, 0);

    /**
     * Unscheduled full-day closures since 1990, each in both PMC ({@code adhoc_holidays}) and XC ({@code
     * adhoc_holidays}: {@code USNationalDaysofMourning}, {@code September11Closings}, {@code HurricaneSandyClosings}).
     * No weather closure since 1990 is listed by either: 1996-01-08 (blizzard) was a session.
     */
    static final Map<LocalDate, String> CLOSURES = Map.ofEntries(
            Map.entry(LocalDate.of(1994, 4, 27), "National Day of Mourning for President Richard Nixon"),
            Map.entry(LocalDate.of(2001, 9, 11), "September 11 attacks"),
            Map.entry(LocalDate.of(2001, 9, 12), "September 11 attacks"),
            Map.entry(LocalDate.of(2001, 9, 13), "September 11 attacks"),
            Map.entry(LocalDate.of(2001, 9, 14), "September 11 attacks"),
            Map.entry(LocalDate.of(2004, 6, 11), "National Day of Mourning for President Ronald Reagan"),
            Map.entry(LocalDate.of(2007, 1, 2), "National Day of Mourning for President Gerald Ford"),
            Map.entry(LocalDate.of(2012, 10, 29), "Hurricane Sandy"),
            Map.entry(LocalDate.of(2012, 10, 30), "Hurricane Sandy"),
            Map.entry(LocalDate.of(2018, 12, 5), "National Day of Mourning for President George H. W. Bush"),
            Map.entry(LocalDate.of(2025, 1, 9), "National Day of Mourning for President Jimmy Carter"));

    /**
     * Early closes at 13:00 that no rule gives, from XC ({@code special_closes_adhoc}): 1997-12-26 and 2003-12-26
     * (Friday after Christmas; also PMC {@code DayAfterChristmas1pmEarlyCloseAdhoc}) and 1999-12-31 (New Year's Eve;
     * PMC leaves it out as disputed).
     */
    static final Map<LocalDate, LocalTime> AD_HOC_EARLY_CLOSES = Map.of(
            LocalDate.of(1997, 12, 26), EARLY_CLOSE,
            LocalDate.of(1999, 12, 31), EARLY_CLOSE,
            LocalDate.of(2003, 12, 26), EARLY_CLOSE);

    private NyseSpecialDays() {}

    /** The reason the exchange was closed on {@code date} outside its rules, if it was. */
    static Optional<String> closure(LocalDate date) {
        return Optional.ofNullable(CLOSURES.get(date));
    }

    /**
     * The early close on {@code date} (a session), if any. Rules, identical in PMC and XC since 1990:
     *
     * <ul>
     *   <li>Day after Thanksgiving: 14:00 in 1992, 13:00 from 1993; a full day before 1992 (PMC {@code
     *       DayAfterThanksgiving2pmEarlyCloseBefore1993}/{@code ...1pmEarlyCloseInOrAfter1993}, XC {@code
     *       USBlackFridayBefore1993}/{@code USBlackFridayInOrAfter1993}).
     *   <li>Christmas Eve on a Monday to Thursday: 14:00 before 1993, 13:00 from 1993 (XC {@code
     *       ChristmasEveBefore1993}/{@code ChristmasEveInOrAfter1993}; PMC {@code ChristmasEve2pmEarlyCloseAdhoc},
     *       {@code ChristmasEve1pmEarlyCloseAdhoc}, {@code ChristmasEvePost1999Early1pmClose}). On a Friday it is the
     *       observed Christmas holiday.
     *   <li>July 3 on a Monday, Tuesday or Thursday, from 1995: 13:00 ({@code MonTuesThursBeforeIndependenceDay}).
     *   <li>July 3 on a Wednesday, from 2013: 13:00 ({@code WednesdayBeforeIndependenceDayPost2013}).
     *   <li>July 5 on a Friday, 1995 to 2012: 13:00 ({@code FridayAfterIndependenceDayPre2013}; PMC starts it in
     *       1996, which gives the same dates since July 5, 1995 was a Wednesday).
     * </ul>
     */
    static Optional<LocalTime> earlyClose(LocalDate date) {
        LocalTime adHoc = AD_HOC_EARLY_CLOSES.get(date);
        if (adHoc != null) {
            return Optional.of(adHoc);
        }
        int year = date.getYear();
        DayOfWeek dow = date.getDayOfWeek();
        if (date.equals(NyseHolidays.thanksgiving(year).plusDays(1)) && year >= 1992) {
            return Optional.of(year < 1993 ? EARLY_CLOSE_BEFORE_1993 : EARLY_CLOSE);
        }
        if (date.getMonth() == Month.DECEMBER && date.getDayOfMonth() == 24
                && dow != DayOfWeek.FRIDAY && dow != DayOfWeek.SATURDAY && dow != DayOfWeek.SUNDAY) {
            return Optional.of(year < 1993 ? EARLY_CLOSE_BEFORE_1993 : EARLY_CLOSE);
        }
        if (date.getMonth() == Month.JULY) {
            int day = date.getDayOfMonth();
            boolean dayBefore = day == 3 && year >= 1995
                    && (dow == DayOfWeek.MONDAY || dow == DayOfWeek.TUESDAY || dow == DayOfWeek.THURSDAY
                            || (dow == DayOfWeek.WEDNESDAY && year >= 2013));
            boolean fridayAfter = day == 5 && dow == DayOfWeek.FRIDAY && year >= 1995 && year <= 2012;
            if (dayBefore || fridayAfter) {
                return Optional.of(EARLY_CLOSE);
            }
        }
        return Optional.empty();
    }
}

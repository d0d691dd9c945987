package io.stockingest.core.calendar;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.Month;
import java.util.Map;
import java.util.Optional;

/**
 * The NYSE's days off its regular pattern since 1990: unscheduled full-day closures, early closes and late opens, as
 * rules (the recurring early closes) and as data (everything else). Immutable and thread-safe.
 *
 * <p>Sources, abbreviated below: <b>PMC</b> = pandas_market_calendars {@code pandas_market_calendars/holidays/nyse.py}
 * and {@code calendars/nyse.py} (class {@code NYSEExchangeCalendar}, whose list of irregular days since 1885 is taken
 * from the NYSE's own closings history, "Stocks.NYSE-Closings.pdf"); <b>XC</b> = exchange_calendars {@code
 * exchange_calendars/exchange_calendar_xnys.py} and {@code us_holidays.py} (class {@code XNYSExchangeCalendar}).
 */
final class NyseSpecialDays {
    static final LocalTime EARLY_CLOSE = LocalTime.of(13, 0);
    static final LocalTime EARLY_CLOSE_BEFORE_1993 = LocalTime.of(14, 0);

    /**
     * Unscheduled full-day closures since 1990, each in both PMC ({@code adhoc_holidays}) and XC ({@code
     * adhoc_holidays}: {@code USNationalDaysofMourning}, {@code September11Closings}, {@code HurricaneSandyClosings}).
     * No weather closure since 1990 is listed by either: 1996-01-08 (blizzard) was a shortened session, see
     * {@link #LATE_OPENS} and {@link #AD_HOC_EARLY_CLOSES}.
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
     * Early closes that no rule gives, with their close in New York time. 1997-12-26 and 2003-12-26 (Friday after
     * Christmas, 13:00) are in both PMC ({@code DayAfterChristmas1pmEarlyCloseAdhoc}) and XC ({@code
     * special_closes_adhoc}). The others are PMC only ({@code Snow230pmEarlyClose1994}, {@code
     * Snow2pmEarlyClose1996}, {@code CircuitBreakerTriggered330pmEarlyClose1997}, {@code
     * SystemProb356pmEarlyClose2005}), from the NYSE closings history.
     *
     * <p>Not an early close: 1999-12-31. XC lists it at 13:00; PMC leaves it out ("Disputed. Not in reference
     * source", {@code NewYearsEve1pmCloseAdhoc}) because the NYSE closings history does not list it. We follow the
     * NYSE's record: a full session.
     */
    static final Map<LocalDate, LocalTime> AD_HOC_EARLY_CLOSES = Map.of(
            LocalDate.of(1994, 2, 11), LocalTime.of(14, 30), // snowstorm
            LocalDate.of(1996, 1, 8), LocalTime.of(14, 0), // blizzard (also opened late, 11:00)
            LocalDate.of(1997, 10, 27), LocalTime.of(15, 30), // circuit breaker triggered
            LocalDate.of(1997, 12, 26), EARLY_CLOSE, // Friday after Christmas
            LocalDate.of(2003, 12, 26), EARLY_CLOSE, // Friday after Christmas
            LocalDate.of(2005, 6, 1), LocalTime.of(15, 56)); // systems communication problem

    /**
     * Late opens since 1990, PMC only ({@code special_opens} and {@code special_opens_adhoc}); XC has no late opens
     * for XNYS. 1990-12-27 is 09:31 as PMC computes it ({@code ConEdXformer931amLateOpen1990}).
     */
    static final Map<LocalDate, LocalTime> LATE_OPENS = Map.ofEntries(
            Map.entry(LocalDate.of(1990, 12, 27), LocalTime.of(9, 31)), // Con Edison transformer explosion
            Map.entry(LocalDate.of(1991, 1, 17), LocalTime.of(9, 31)), // Gulf war troops moment of silence
            Map.entry(LocalDate.of(1991, 2, 25), LocalTime.of(9, 31)), // Gulf war troops moment of silence
            Map.entry(LocalDate.of(1995, 12, 18), LocalTime.of(10, 30)), // computer system troubles
            Map.entry(LocalDate.of(1996, 1, 8), LocalTime.of(11, 0)), // blizzard
            Map.entry(LocalDate.of(2001, 9, 17), LocalTime.of(9, 33)), // September 11 moment of silence
            Map.entry(LocalDate.of(2001, 10, 8), LocalTime.of(9, 31)), // Operation Enduring Freedom moment of silence
            Map.entry(LocalDate.of(2002, 9, 11), LocalTime.of(12, 0)), // September 11 anniversary
            Map.entry(LocalDate.of(2003, 3, 20), LocalTime.of(9, 32)), // Operation Iraqi Freedom moment of silence
            Map.entry(LocalDate.of(2004, 6, 7), LocalTime.of(9, 32)), // President Reagan moment of silence
            Map.entry(LocalDate.of(2006, 12, 27), LocalTime.of(9, 32))); // President Ford moment of silence

    private NyseSpecialDays() {}

    /** The reason the exchange was closed on {@code date} outside its rules, if it was. */
    static Optional<String> closure(LocalDate date) {
        return Optional.ofNullable(CLOSURES.get(date));
    }

    /** The open of the session on {@code date} when it is not the regular 09:30. */
    static Optional<LocalTime> lateOpen(LocalDate date) {
        return Optional.ofNullable(LATE_OPENS.get(date));
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

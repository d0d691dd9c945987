package io.stockingest.core.calendar;

import static io.stockingest.core.calendar.NyseHolidays.easterSunday;
import static io.stockingest.core.calendar.NyseHolidays.nthWeekday;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.Map;
import java.util.Optional;

/**
 * The exchanges beyond the NYSE, as rules plus data, from 2005 (see docs/calendar.md for every rule's source). Each
 * factory builds an immutable, thread-safe {@link RuleCalendar}.
 *
 * <p>Sources, abbreviated: <b>XC</b> = exchange_calendars ({@code exchange_calendars/exchange_calendar_x*.py},
 * commit 5308ce20578422fce74b10b43cc7d913a17e7a88), <b>PMC</b> = pandas_market_calendars ({@code
 * pandas_market_calendars/calendars/*.py}, {@code holidays/*.py}, commit 966ffb32b988e5c64835fe184996c3826a8963b2).
 * The tests check every day against XC's own session records ({@code tests/resources/x*.csv}), a second source.
 */
final class ExchangeCalendars {
    static final LocalDate FIRST = LocalDate.of(2005, 1, 1);
    static final LocalDate LAST = LocalDate.of(2100, 12, 31);

    private ExchangeCalendars() {}

    // ------------------------------------------------------------------------------------------------------ London

    /**
     * London Stock Exchange, 08:00-16:30 Europe/London; 12:30 closes on Christmas Eve and New Year's Eve (the Friday
     * before when either falls on a weekend). Holidays are England's bank holidays (XC {@code XLONExchangeCalendar},
     * PMC {@code LSEExchangeCalendar} / {@code holidays/uk.py}).
     */
    static ExchangeCalendar xlon() {
        LocalTime open = LocalTime.of(8, 0);
        LocalTime close = LocalTime.of(16, 30);
        LocalTime early = LocalTime.of(12, 30);
        Map<LocalDate, String> adHoc = Map.of(
                LocalDate.of(2011, 4, 29), "Wedding of Prince William and Catherine Middleton",
                LocalDate.of(2012, 6, 4), "Spring Bank Holiday (moved for the Diamond Jubilee)",
                LocalDate.of(2012, 6, 5), "Queen's Diamond Jubilee",
                LocalDate.of(2020, 5, 8), "Early May Bank Holiday (moved to VE Day, 75th anniversary)",
                LocalDate.of(2022, 6, 2), "Spring Bank Holiday (moved for the Platinum Jubilee)",
                LocalDate.of(2022, 6, 3), "Queen's Platinum Jubilee",
                LocalDate.of(2022, 9, 19), "State Funeral of Queen Elizabeth II",
                LocalDate.of(2023, 5, 8), "Coronation of King Charles III");
        return new RuleCalendar("XLON", "London Stock Exchange", ZoneId.of("Europe/London"), FIRST, LAST, 2027, RuleCalendar.SATURDAY_SUNDAY,
                new RuleCalendar.Rules() {
                    @Override
                    public Optional<String> holiday(LocalDate date) {
                        int year = date.getYear();
                        LocalDate easter = easterSunday(year);
                        if (date.equals(weekendToMonday(LocalDate.of(year, 1, 1)))) {
                            return Optional.of("New Year's Day");
                        }
                        if (date.equals(easter.minusDays(2))) {
                            return Optional.of("Good Friday");
                        }
                        if (date.equals(easter.plusDays(1))) {
                            return Optional.of("Easter Monday");
                        }
                        if (year != 2020 && date.equals(nthWeekday(year, Month.MAY, 1, DayOfWeek.MONDAY))) {
                            return Optional.of("Early May Bank Holiday");
                        }
                        if (year != 2012 && year != 2022 && date.equals(lastWeekday(year, Month.MAY, DayOfWeek.MONDAY))) {
                            return Optional.of("Spring Bank Holiday");
                        }
                        if (date.equals(lastWeekday(year, Month.AUGUST, DayOfWeek.MONDAY))) {
                            return Optional.of("Summer Bank Holiday");
                        }
                        return christmasAndBoxingDay(date).or(() -> Optional.ofNullable(adHoc.get(date)));
                    }

                    @Override
                    public RuleCalendar.Hours hours(LocalDate date) {
                        int year = date.getYear();
                        boolean eve = date.equals(previousFriday(LocalDate.of(year, 12, 24))) || date.equals(previousFriday(LocalDate.of(year, 12, 31)));
                        return RuleCalendar.Hours.of(open, eve ? early : close);
                    }
                });
    }

    // ------------------------------------------------------------------------------------------------------ Xetra

    /**
     * Xetra (Deutsche Börse), 09:00-17:30 Europe/Berlin; a 14:00 close on the last trading day before December 31
     * from 2010. Holidays: New Year's Day, Good Friday, Easter Monday, Labour Day, Christmas Eve, Christmas, Boxing
     * Day, New Year's Eve; Whit Monday 2015-2021 (and 2007); German Unity Day 2014-2021; Reformation Day 2017 (XC
     * {@code XETRExchangeCalendar}).
     */
    static ExchangeCalendar xetr() {
        LocalTime open = LocalTime.of(9, 0);
        LocalTime close = LocalTime.of(17, 30);
        LocalTime early = LocalTime.of(14, 0);
        return new RuleCalendar("XETR", "Xetra (Deutsche Börse)", ZoneId.of("Europe/Berlin"), FIRST, LAST, 2027, RuleCalendar.SATURDAY_SUNDAY,
                new RuleCalendar.Rules() {
                    @Override
                    public Optional<String> holiday(LocalDate date) {
                        int year = date.getYear();
                        LocalDate easter = easterSunday(year);
                        Month month = date.getMonth();
                        int day = date.getDayOfMonth();
                        if (month == Month.JANUARY && day == 1) {
                            return Optional.of("New Year's Day");
                        }
                        if (date.equals(easter.minusDays(2))) {
                            return Optional.of("Good Friday");
                        }
                        if (date.equals(easter.plusDays(1))) {
                            return Optional.of("Easter Monday");
                        }
                        if (month == Month.MAY && day == 1) {
                            return Optional.of("Labour Day");
                        }
                        if (date.equals(easter.plusDays(50)) && (year == 2007 || year >= 2015 && year <= 2021)) {
                            return Optional.of("Whit Monday");
                        }
                        if (month == Month.OCTOBER && day == 3 && year >= 2014 && year <= 2021) {
                            return Optional.of("Day of German Unity");
                        }
                        if (date.equals(LocalDate.of(2017, 10, 31))) {
                            return Optional.of("Reformation Day (500th anniversary)");
                        }
                        if (month == Month.DECEMBER && (day == 24 || day == 25 || day == 26 || day == 31)) {
                            return Optional.of(switch (day) {
                                case 24 -> "Christmas Eve";
                                case 25 -> "Christmas Day";
                                case 26 -> "Boxing Day";
                                default -> "New Year's Eve";
                            });
                        }
                        return Optional.empty();
                    }

                    @Override
                    public RuleCalendar.Hours hours(LocalDate date) {
                        boolean lastBeforeNewYearsEve = date.getYear() >= 2010 && date.equals(previousWeekday(LocalDate.of(date.getYear(), 12, 31)));
                        return RuleCalendar.Hours.of(open, lastBeforeNewYearsEve ? early : close);
                    }
                });
    }

    // ------------------------------------------------------------------------------------------------------ Toronto

    /**
     * Toronto Stock Exchange, 09:30-16:00 America/Toronto; a 13:00 close on Christmas Eve (a weekday) from 2010.
     * Holidays: New Year's Day and Canada Day (a weekend day moves to Monday), Family Day (third Monday of February,
     * from 2008), Good Friday, Victoria Day (the Monday before May 25), Civic Holiday (first Monday of August), Labour
     * Day, Thanksgiving (second Monday of October), Christmas and Boxing Day with their weekend substitutes (XC
     * {@code XTSEExchangeCalendar}, PMC {@code TSXExchangeCalendar}).
     */
    static ExchangeCalendar xtse() {
        LocalTime open = LocalTime.of(9, 30);
        LocalTime close = LocalTime.of(16, 0);
        LocalTime early = LocalTime.of(13, 0);
        return new RuleCalendar("XTSE", "Toronto Stock Exchange", ZoneId.of("America/Toronto"), FIRST, LAST, 2027, RuleCalendar.SATURDAY_SUNDAY,
                new RuleCalendar.Rules() {
                    @Override
                    public Optional<String> holiday(LocalDate date) {
                        int year = date.getYear();
                        if (date.equals(weekendToMonday(LocalDate.of(year, 1, 1)))) {
                            return Optional.of("New Year's Day");
                        }
                        if (year >= 2008 && date.equals(nthWeekday(year, Month.FEBRUARY, 3, DayOfWeek.MONDAY))) {
                            return Optional.of("Family Day");
                        }
                        if (date.equals(easterSunday(year).minusDays(2))) {
                            return Optional.of("Good Friday");
                        }
                        if (date.equals(LocalDate.of(year, 5, 24).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)))) {
                            return Optional.of("Victoria Day");
                        }
                        if (date.equals(weekendToMonday(LocalDate.of(year, 7, 1)))) {
                            return Optional.of("Canada Day");
                        }
                        if (date.equals(nthWeekday(year, Month.AUGUST, 1, DayOfWeek.MONDAY))) {
                            return Optional.of("Civic Holiday");
                        }
                        if (date.equals(nthWeekday(year, Month.SEPTEMBER, 1, DayOfWeek.MONDAY))) {
                            return Optional.of("Labour Day");
                        }
                        if (date.equals(nthWeekday(year, Month.OCTOBER, 2, DayOfWeek.MONDAY))) {
                            return Optional.of("Thanksgiving Day");
                        }
                        return christmasAndBoxingDay(date);
                    }

                    @Override
                    public RuleCalendar.Hours hours(LocalDate date) {
                        boolean christmasEve = date.getYear() >= 2010 && date.getMonth() == Month.DECEMBER && date.getDayOfMonth() == 24;
                        return RuleCalendar.Hours.of(open, christmasEve ? early : close);
                    }
                });
    }

    // ------------------------------------------------------------------------------------------------------ Shanghai

    /**
     * Shanghai Stock Exchange (and Shenzhen, which keeps the same days), 09:30-11:30 and 13:00-15:00 Asia/Shanghai.
     * Closed on weekends (also on the weekend days the State Council makes working days) and on the weekdays the SSE
     * announces each year, held as data through {@link ChineseCalendarData#SSE_PUBLISHED_THROUGH} (PMC {@code
     * holidays/cn.py}; XC {@code XSHGExchangeCalendar} hard-codes the same list). Later years are projected: New
     * Year's Day, the Spring Festival from its eve through its third day, Qingming, May 1 and 2, the Dragon Boat and
     * Mid-Autumn festivals, October 1 to 3 (the State Council's 2025 rules), each on the weekday it falls on; the
     * bridging days the State Council adds are not known before it publishes them.
     */
    static ExchangeCalendar xshg() {
        RuleCalendar.Hours hours = RuleCalendar.Hours.of(LocalTime.of(9, 30), LocalTime.of(11, 30), LocalTime.of(13, 0), LocalTime.of(15, 0));
        int published = ChineseCalendarData.SSE_PUBLISHED_THROUGH;
        return new RuleCalendar("XSHG", "Shanghai Stock Exchange (and Shenzhen)", ZoneId.of("Asia/Shanghai"), FIRST,
                LocalDate.of(ChineseCalendarData.FESTIVALS_THROUGH, 12, 31), published, RuleCalendar.SATURDAY_SUNDAY, new RuleCalendar.Rules() {
                    @Override
                    public Optional<String> holiday(LocalDate date) {
                        int year = date.getYear();
                        if (year <= published) {
                            return ChineseCalendarData.sseClosed(date) ? Optional.of("SSE holiday") : Optional.empty();
                        }
                        LocalDate springFestival = ChineseCalendarData.springFestival(year);
                        if (date.getDayOfYear() == 1) {
                            return Optional.of("New Year's Day (projected)");
                        }
                        if (!date.isBefore(springFestival.minusDays(1)) && !date.isAfter(springFestival.plusDays(2))
                                || date.equals(ChineseCalendarData.springFestival(year + 1).minusDays(1))) {
                            return Optional.of("Spring Festival (projected)");
                        }
                        if (date.equals(ChineseCalendarData.qingming(year))) {
                            return Optional.of("Qingming (projected)");
                        }
                        if (date.getMonth() == Month.MAY && date.getDayOfMonth() <= 2) {
                            return Optional.of("Labour Day (projected)");
                        }
                        if (date.equals(ChineseCalendarData.dragonBoat(year))) {
                            return Optional.of("Dragon Boat Festival (projected)");
                        }
                        if (date.equals(ChineseCalendarData.midAutumn(year))) {
                            return Optional.of("Mid-Autumn Festival (projected)");
                        }
                        if (date.getMonth() == Month.OCTOBER && date.getDayOfMonth() <= 3) {
                            return Optional.of("National Day (projected)");
                        }
                        return Optional.empty();
                    }

                    @Override
                    public RuleCalendar.Hours hours(LocalDate date) {
                        return hours;
                    }
                });
    }

    // ------------------------------------------------------------------------------------------------------ Tokyo

    /**
     * Tokyo Stock Exchange, 09:00-11:30 and 12:30-15:00 Asia/Tokyo (15:30 from 2024-11-05). Closed December 31 to
     * January 3 and on Japan's national holidays ({@link JapaneseHolidays}); closed 2020-10-01 (equity trading system
     * failure). XC {@code XTKSExchangeCalendar} / {@code xtks_holidays.py}, PMC {@code JPXExchangeCalendar} /
     * {@code holidays/jp.py}.
     */
    static ExchangeCalendar xtks() {
        LocalTime open = LocalTime.of(9, 0);
        LocalTime breakStart = LocalTime.of(11, 30);
        LocalTime breakEnd = LocalTime.of(12, 30);
        RuleCalendar.Hours before = RuleCalendar.Hours.of(open, breakStart, breakEnd, LocalTime.of(15, 0));
        RuleCalendar.Hours after = RuleCalendar.Hours.of(open, breakStart, breakEnd, LocalTime.of(15, 30));
        LocalDate longerAfternoon = LocalDate.of(2024, 11, 5);
        return new RuleCalendar("XTKS", "Tokyo Stock Exchange", ZoneId.of("Asia/Tokyo"), FIRST, LAST, 2027, RuleCalendar.SATURDAY_SUNDAY,
                new RuleCalendar.Rules() {
                    @Override
                    public Optional<String> holiday(LocalDate date) {
                        if (date.getMonth() == Month.DECEMBER && date.getDayOfMonth() == 31
                                || date.getMonth() == Month.JANUARY && date.getDayOfMonth() <= 3) {
                            return Optional.of("New Year holidays");
                        }
                        if (date.equals(LocalDate.of(2020, 10, 1))) {
                            return Optional.of("Equity trading system failure");
                        }
                        return JapaneseHolidays.holiday(date);
                    }

                    @Override
                    public RuleCalendar.Hours hours(LocalDate date) {
                        return date.isBefore(longerAfternoon) ? before : after;
                    }
                });
    }

    // ------------------------------------------------------------------------------------------------------ Hong Kong

    /**
     * Hong Kong Exchanges, Asia/Hong_Kong: 10:00-12:30 and 14:30-16:00 until 2011-03-04, 09:30-12:00 and 13:30-16:00
     * until 2012-03-02, 09:30-12:00 and 13:00-16:00 since; morning-only sessions (12:30, from 2011-03-07 12:00) on
     * Christmas Eve, New Year's Eve and, from 2013, Lunar New Year's Eve, when they fall on a weekday. Holidays are
     * Hong Kong's general holidays ({@link #hongKongHoliday}) plus the full days trading was cancelled for severe
     * weather ({@link #HONG_KONG_CLOSURES}). Morning sessions cancelled for weather are not modelled (as in XC).
     */
    static ExchangeCalendar xhkg() {
        ZoneId zone = ZoneId.of("Asia/Hong_Kong");
        RuleCalendar.Hours until2011 = RuleCalendar.Hours.of(LocalTime.of(10, 0), LocalTime.of(12, 30), LocalTime.of(14, 30), LocalTime.of(16, 0));
        RuleCalendar.Hours until2012 = RuleCalendar.Hours.of(LocalTime.of(9, 30), LocalTime.of(12, 0), LocalTime.of(13, 30), LocalTime.of(16, 0));
        RuleCalendar.Hours since2012 = RuleCalendar.Hours.of(LocalTime.of(9, 30), LocalTime.of(12, 0), LocalTime.of(13, 0), LocalTime.of(16, 0));
        LocalDate earlierOpen = LocalDate.of(2011, 3, 7);
        LocalDate shorterLunch = LocalDate.of(2012, 3, 5);
        return new RuleCalendar("XHKG", "Hong Kong Exchanges", zone, FIRST, LocalDate.of(ChineseCalendarData.FESTIVALS_THROUGH, 12, 31), 2026,
                RuleCalendar.SATURDAY_SUNDAY, new RuleCalendar.Rules() {
                    @Override
                    public Optional<String> holiday(LocalDate date) {
                        return hongKongHoliday(date).or(() -> Optional.ofNullable(HONG_KONG_CLOSURES.get(date)));
                    }

                    @Override
                    public RuleCalendar.Hours hours(LocalDate date) {
                        RuleCalendar.Hours regular = date.isBefore(earlierOpen) ? until2011 : date.isBefore(shorterLunch) ? until2012 : since2012;
                        int year = date.getYear();
                        boolean morningOnly = date.getMonth() == Month.DECEMBER && (date.getDayOfMonth() == 24 || date.getDayOfMonth() == 31)
                                || year >= 2013 && date.equals(ChineseCalendarData.springFestival(year).minusDays(1));
                        return morningOnly ? regular.closingAt(regular.breakStart()) : regular;
                    }
                });
    }

    /** Full days without trading in Hong Kong beyond the general holidays, since 2005. */
    static final Map<LocalDate, String> HONG_KONG_CLOSURES = Map.ofEntries(
            Map.entry(LocalDate.of(2008, 8, 6), "Typhoon Kammuri"),
            Map.entry(LocalDate.of(2008, 8, 22), "Typhoon Nuri"),
            Map.entry(LocalDate.of(2011, 9, 29), "Typhoon Nesat"),
            Map.entry(LocalDate.of(2013, 8, 14), "Typhoon Utor"),
            Map.entry(LocalDate.of(2015, 9, 3), "70th anniversary of the victory in the War of Resistance"),
            Map.entry(LocalDate.of(2016, 8, 2), "Typhoon Nida"),
            Map.entry(LocalDate.of(2016, 10, 21), "Typhoon Haima"),
            Map.entry(LocalDate.of(2017, 8, 23), "Typhoon Hato"),
            Map.entry(LocalDate.of(2020, 10, 13), "Typhoon Nangka"),
            Map.entry(LocalDate.of(2021, 10, 13), "Typhoon Kompasu"),
            Map.entry(LocalDate.of(2023, 7, 17), "Typhoon Talim"),
            Map.entry(LocalDate.of(2023, 9, 1), "Typhoon Saola"),
            Map.entry(LocalDate.of(2023, 9, 8), "Black rainstorm"),
            Map.entry(LocalDate.of(2024, 9, 6), "Typhoon Yagi"));

    /**
     * Hong Kong's general holidays on weekdays: New Year's Day, Labour Day, HKSAR Establishment Day, National Day,
     * Buddha's Birthday, Tuen Ng, Chung Yeung and Qingming (each moved from a Sunday to the Monday; Qingming one day
     * later again when that is Easter Monday), Good Friday, Easter Monday, the first three days of the Lunar New Year
     * (from 2013 the fourth when one of them is a Sunday; until 2012 the eve when the first is a Saturday), the day
     * after Mid-Autumn (from 2011 moved from a Sunday to the Monday; October 2 when it is National Day), Christmas Day
     * and the first weekday after it (December 27 when Christmas is on a weekend: for the Sunday, or as that weekday).
     */
    static Optional<String> hongKongHoliday(LocalDate date) {
        int year = date.getYear();
        LocalDate easter = easterSunday(year);
        LocalDate lunarNewYear = ChineseCalendarData.springFestival(year);
        if (date.equals(sundayToMonday(LocalDate.of(year, 1, 1)))) {
            return Optional.of("New Year's Day");
        }
        if (!date.isBefore(lunarNewYear) && !date.isAfter(lunarNewYear.plusDays(2))) {
            return Optional.of("Lunar New Year");
        }
        boolean aSunday = lunarNewYear.getDayOfWeek() == DayOfWeek.SUNDAY || lunarNewYear.plusDays(1).getDayOfWeek() == DayOfWeek.SUNDAY
                || lunarNewYear.plusDays(2).getDayOfWeek() == DayOfWeek.SUNDAY;
        if (year >= 2013 && aSunday && date.equals(lunarNewYear.plusDays(3))) {
            return Optional.of("Lunar New Year (fourth day, for a Sunday)");
        }
        if (year < 2013 && lunarNewYear.getDayOfWeek() == DayOfWeek.SATURDAY && date.equals(lunarNewYear.minusDays(1))) {
            return Optional.of("Lunar New Year's Eve (for a Saturday)");
        }
        if (date.equals(easter.minusDays(2))) {
            return Optional.of("Good Friday");
        }
        if (date.equals(easter.plusDays(1))) {
            return Optional.of("Easter Monday");
        }
        LocalDate qingming = sundayToMonday(ChineseCalendarData.qingming(year));
        if (date.equals(qingming.equals(easter.plusDays(1)) ? qingming.plusDays(1) : qingming)) {
            return Optional.of("Ching Ming Festival");
        }
        if (date.equals(sundayToMonday(LocalDate.of(year, 5, 1)))) {
            return Optional.of("Labour Day");
        }
        if (date.equals(sundayToMonday(ChineseCalendarData.buddhasBirthday(year)))) {
            return Optional.of("Buddha's Birthday");
        }
        if (date.equals(sundayToMonday(ChineseCalendarData.dragonBoat(year)))) {
            return Optional.of("Tuen Ng Festival");
        }
        if (date.equals(sundayToMonday(LocalDate.of(year, 7, 1)))) {
            return Optional.of("HKSAR Establishment Day");
        }
        LocalDate dayAfterMidAutumn = ChineseCalendarData.midAutumn(year).plusDays(1);
        if (year >= 2011) {
            dayAfterMidAutumn = sundayToMonday(dayAfterMidAutumn);
        }
        if (dayAfterMidAutumn.equals(LocalDate.of(year, 10, 1))) {
            dayAfterMidAutumn = dayAfterMidAutumn.plusDays(1);
        }
        if (date.equals(dayAfterMidAutumn)) {
            return Optional.of("Day after Mid-Autumn Festival");
        }
        if (date.equals(sundayToMonday(LocalDate.of(year, 10, 1)))) {
            return Optional.of("National Day");
        }
        if (date.equals(sundayToMonday(ChineseCalendarData.doubleNinth(year)))) {
            return Optional.of("Chung Yeung Festival");
        }
        if (date.getMonth() == Month.DECEMBER && (date.getDayOfMonth() == 25 || date.getDayOfMonth() == 26)) {
            return Optional.of(date.getDayOfMonth() == 25 ? "Christmas Day" : "The first weekday after Christmas Day");
        }
        DayOfWeek christmas = LocalDate.of(year, 12, 25).getDayOfWeek();
        if (date.equals(LocalDate.of(year, 12, 27)) && (christmas == DayOfWeek.SATURDAY || christmas == DayOfWeek.SUNDAY)) {
            return Optional.of(christmas == DayOfWeek.SUNDAY ? "Christmas Day (for a Sunday)" : "The first weekday after Christmas Day");
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    /**
     * Christmas Day and Boxing Day as the UK and Canada observe them: December 25 and 26 on weekdays; when Christmas
     * falls on a weekend, Monday or Tuesday the 27th; when Boxing Day does, Monday or Tuesday the 28th.
     */
    static Optional<String> christmasAndBoxingDay(LocalDate date) {
        if (date.getMonth() != Month.DECEMBER) {
            return Optional.empty();
        }
        DayOfWeek dow = date.getDayOfWeek();
        boolean mondayOrTuesday = dow == DayOfWeek.MONDAY || dow == DayOfWeek.TUESDAY;
        return switch (date.getDayOfMonth()) {
            case 25 -> Optional.of("Christmas Day");
            case 26 -> Optional.of("Boxing Day");
            case 27 -> mondayOrTuesday ? Optional.of("Christmas Day (observed)") : Optional.empty();
            case 28 -> mondayOrTuesday ? Optional.of("Boxing Day (observed)") : Optional.empty();
            default -> Optional.empty();
        };
    }

    /** Sunday to the Monday after (pandas' {@code sunday_to_monday}). */
    static LocalDate sundayToMonday(LocalDate date) {
        return date.getDayOfWeek() == DayOfWeek.SUNDAY ? date.plusDays(1) : date;
    }

    /** Saturday and Sunday to the Monday after (pandas' {@code weekend_to_monday}). */
    static LocalDate weekendToMonday(LocalDate date) {
        return switch (date.getDayOfWeek()) {
            case SATURDAY -> date.plusDays(2);
            case SUNDAY -> date.plusDays(1);
            default -> date;
        };
    }

    /** Saturday and Sunday to the Friday before (pandas' {@code previous_friday}). */
    static LocalDate previousFriday(LocalDate date) {
        return switch (date.getDayOfWeek()) {
            case SATURDAY -> date.minusDays(1);
            case SUNDAY -> date.minusDays(2);
            default -> date;
        };
    }

    /** The weekday before {@code date} (pandas' {@code previous_workday}). */
    static LocalDate previousWeekday(LocalDate date) {
        LocalDate d = date.minusDays(1);
        while (d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY) {
            d = d.minusDays(1);
        }
        return d;
    }

    static LocalDate lastWeekday(int year, Month month, DayOfWeek dow) {
        return LocalDate.of(year, month, 1).with(TemporalAdjusters.lastInMonth(dow));
    }
}

package io.stockingest.core.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NyseCalendarTest {
    private final NyseCalendar calendar = NyseCalendar.instance();

    private static LocalDate d(String date) {
        return LocalDate.parse(date);
    }

    private static Instant ny(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(NyseCalendar.NEW_YORK).toInstant();
    }

    private List<LocalDate> holidaysIn(int year) {
        List<LocalDate> closed = new ArrayList<>();
        for (LocalDate day = LocalDate.of(year, 1, 1); day.getYear() == year; day = day.plusDays(1)) {
            if (day.getDayOfWeek() != DayOfWeek.SATURDAY && day.getDayOfWeek() != DayOfWeek.SUNDAY && !calendar.isSession(day)) {
                closed.add(day);
            }
        }
        return closed;
    }

    private String hours(String date) {
        return calendar.session(d(date))
                .map(s -> s.open().toLocalTime() + "-" + s.close().toLocalTime())
                .orElse("closed");
    }

    @ParameterizedTest(name = "{0}: {1} sessions")
    @CsvSource({
        // NYSE published trading-day counts
        "2019, 252", "2020, 253", "2021, 252", "2022, 251", "2023, 250", "2024, 252",
        "2025, 250", // Carter day of mourning
        "2001, 248", // September 11 closures
        "2012, 250", // Hurricane Sandy
        "2026, 251",
    })
    void countsTheSessionsOfAYearAsPublished(int year, int sessions) {
        assertThat(calendar.sessions(LocalDate.of(year, 1, 1), LocalDate.of(year, 12, 31)))
                .as("sessions in %s", year)
                .hasSize(sessions);
    }

    @Test
    void closesOnTheRegularHolidaysOf1990() {
        assertThat(holidaysIn(1990)).containsExactly(
                d("1990-01-01"), d("1990-02-19"), d("1990-04-13"), d("1990-05-28"), d("1990-07-04"),
                d("1990-09-03"), d("1990-11-22"), d("1990-12-25"));
    }

    @Test
    void closesOnTheHolidaysOf2001IncludingSeptember11() {
        assertThat(holidaysIn(2001)).containsExactly(
                d("2001-01-01"), d("2001-01-15"), d("2001-02-19"), d("2001-04-13"), d("2001-05-28"), d("2001-07-04"),
                d("2001-09-03"), d("2001-09-11"), d("2001-09-12"), d("2001-09-13"), d("2001-09-14"),
                d("2001-11-22"), d("2001-12-25"));
    }

    @Test
    void closesOnTheHolidaysNysePublishedFor2024To2027() {
        assertThat(holidaysIn(2024)).containsExactly(
                d("2024-01-01"), d("2024-01-15"), d("2024-02-19"), d("2024-03-29"), d("2024-05-27"), d("2024-06-19"),
                d("2024-07-04"), d("2024-09-02"), d("2024-11-28"), d("2024-12-25"));
        assertThat(holidaysIn(2025)).containsExactly(
                d("2025-01-01"), d("2025-01-09"), d("2025-01-20"), d("2025-02-17"), d("2025-04-18"), d("2025-05-26"),
                d("2025-06-19"), d("2025-07-04"), d("2025-09-01"), d("2025-11-27"), d("2025-12-25"));
        assertThat(holidaysIn(2026)).containsExactly(
                d("2026-01-01"), d("2026-01-19"), d("2026-02-16"), d("2026-04-03"), d("2026-05-25"), d("2026-06-19"),
                d("2026-07-03"), d("2026-09-07"), d("2026-11-26"), d("2026-12-25"));
        assertThat(holidaysIn(2027)).containsExactly(
                d("2027-01-01"), d("2027-01-18"), d("2027-02-15"), d("2027-03-26"), d("2027-05-31"), d("2027-06-18"),
                d("2027-07-05"), d("2027-09-06"), d("2027-11-25"), d("2027-12-24"));
    }

    @Test
    void closesOnTheHolidaysOf2100AtTheEndOfTheRange() {
        assertThat(holidaysIn(2100)).containsExactly(
                d("2100-01-01"), d("2100-01-18"), d("2100-02-15"), d("2100-03-26"), d("2100-05-31"), d("2100-06-18"),
                d("2100-07-05"), d("2100-09-06"), d("2100-11-25"), d("2100-12-24"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "1990-12-31, true", // Monday before a Tuesday New Year's Day
        "1994-12-30, true", // Jan 1 1995 is a Sunday: Monday Jan 2 is the holiday
        "1995-01-02, false",
        "2004-12-31, true", // Jan 1 2005 is a Saturday: not moved to Friday
        "2010-12-31, true", // Jan 1 2011 is a Saturday
        "2021-12-31, true", // Jan 1 2022 is a Saturday
        "2017-01-02, false", // Jan 1 2017 is a Sunday
        "2023-01-02, false", // Jan 1 2023 is a Sunday
        "2022-01-03, true",
    })
    void observesNewYearsDayOnMondayWhenSundayButNotOnFridayWhenSaturday(LocalDate date, boolean session) {
        assertThat(calendar.isSession(date)).as("session on %s", date).isEqualTo(session);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "1997-01-20, true", // MLK day before 1998: a session
        "1998-01-19, false",
        "2024-01-15, false",
        "2021-06-18, true", // Juneteenth before 2022: a session (federal holiday observed that Friday)
        "2021-06-21, true",
        "2022-06-20, false", // June 19 2022 is a Sunday
        "2023-06-19, false",
        "2027-06-18, false", // June 19 2027 is a Saturday
        "2022-06-17, true",
    })
    void observesMlkDayFrom1998AndJuneteenthFrom2022(LocalDate date, boolean session) {
        assertThat(calendar.isSession(date)).as("session on %s", date).isEqualTo(session);
    }

    @ParameterizedTest(name = "Good Friday {0}")
    @CsvSource({"1990-04-13", "1991-03-29", "2000-04-21", "2008-03-21", "2011-04-22", "2019-04-19", "2038-04-23", "2100-03-26"})
    void closesOnGoodFriday(LocalDate goodFriday) {
        assertThat(calendar.closedReason(goodFriday)).contains("Good Friday");
        assertThat(calendar.isSession(goodFriday.plusDays(3))).as("Easter Monday %s", goodFriday.plusDays(3)).isTrue();
    }

    @ParameterizedTest(name = "July 4 on {1}: {0}")
    @CsvSource({
        // July 4 on a Monday
        "2022-07-01, 09:30-16:00", "2022-07-04, closed",
        "1994-07-01, 09:30-16:00", "1994-07-04, closed",
        // Tuesday: Monday July 3 closes at 13:00 from 1995
        "2023-07-03, 09:30-13:00", "2023-07-04, closed", "1995-07-03, 09:30-13:00",
        // Wednesday: Tuesday July 3 closes at 13:00
        "2018-07-03, 09:30-13:00", "2024-07-03, 09:30-13:00", "2024-07-05, 09:30-16:00", "1990-07-03, 09:30-16:00",
        // Thursday: Wednesday July 3 early from 2013; Friday July 5 early before 2013
        "2019-07-03, 09:30-13:00", "2019-07-05, 09:30-16:00", "2013-07-03, 09:30-13:00", "2013-07-05, 09:30-16:00",
        "2002-07-03, 09:30-16:00", "2002-07-05, 09:30-13:00", "1996-07-05, 09:30-13:00", "1991-07-05, 09:30-16:00",
        // Friday: Thursday July 3 closes at 13:00
        "2025-07-03, 09:30-13:00", "2025-07-04, closed", "2008-07-03, 09:30-13:00",
        // Saturday: observed Friday July 3, Thursday is a full day
        "2020-07-03, closed", "2020-07-02, 09:30-16:00", "2026-07-03, closed",
        // Sunday: observed Monday July 5, Friday is a full day
        "2021-07-05, closed", "2021-07-02, 09:30-16:00",
    })
    void appliesIndependenceDayAndItsEarlyClosesForEachWeekday(String date, String expected) {
        assertThat(hours(date)).as("hours on %s", date).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "2018-12-24, 09:30-13:00", // Monday
        "2019-12-24, 09:30-13:00", // Tuesday
        "2025-12-24, 09:30-13:00", // Wednesday
        "2020-12-24, 09:30-13:00", // Thursday
        "2021-12-24, closed", // Friday: observed Christmas
        "2022-12-23, 09:30-16:00", // Christmas Eve on Saturday: Friday is a full day
        "2022-12-26, closed", // Christmas on Sunday: observed Monday
        "2023-12-22, 09:30-16:00", // Christmas Eve on Sunday
        "2023-12-25, closed",
        "1990-12-24, 09:30-14:00", // before 1993: 14:00
        "1991-12-24, 09:30-14:00",
        "1992-12-24, 09:30-14:00",
        "1993-12-24, closed", // Christmas on Saturday
        "1996-12-24, 09:30-13:00",
        "1997-12-26, 09:30-13:00", // Friday after Christmas, ad hoc
        "2003-12-26, 09:30-13:00",
        "2008-12-26, 09:30-16:00", // not early
        "2014-12-26, 09:30-16:00",
        "2025-12-26, 09:30-16:00",
    })
    void appliesChristmasEveEarlyClosesForEachWeekday(String date, String expected) {
        assertThat(hours(date)).as("hours on %s", date).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "1990-11-23, 09:30-16:00", "1991-11-29, 09:30-16:00", // full days before 1992
        "1992-11-27, 09:30-14:00", "1993-11-26, 09:30-13:00", "2024-11-29, 09:30-13:00", "2100-11-26, 09:30-13:00",
        "2024-11-28, closed",
    })
    void closesEarlyTheDayAfterThanksgivingFrom1992(String date, String expected) {
        assertThat(hours(date)).as("hours on %s", date).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "1999-12-31, 09:30-13:00", // exchange_calendars ad hoc early close
        // intraday irregularities pandas_market_calendars takes from the NYSE closings history; exchange_calendars
        // (whose hours we match) keeps regular hours on these days
        "1990-12-27, 09:30-16:00", "1991-01-17, 09:30-16:00", "1994-02-11, 09:30-16:00", "1995-12-18, 09:30-16:00",
        "1996-01-08, 09:30-16:00", "1997-10-27, 09:30-16:00", "2001-09-17, 09:30-16:00", "2002-09-11, 09:30-16:00",
        "2005-06-01, 09:30-16:00", "2006-12-27, 09:30-16:00",
    })
    void matchesExchangeCalendarsHoursWhereTheReferencesDisagree(String date, String expected) {
        assertThat(hours(date)).as("hours on %s", date).isEqualTo(expected);
    }

    @Test
    void hasAsManySessionsAsTheExchangeCalendarsRecordFrom1990To2016() {
        // exchange_calendars tests/resources/xnys.csv: one row per session, 1990-01-02 to 2016-04-06, 6618 rows
        assertThat(calendar.sessions(d("1990-01-02"), d("2016-04-06"))).hasSize(6618);
        assertThat(calendar.sessions(d("1990-01-02"), d("2000-02-23"))).hasSize(2564);
    }

    @Test
    void closesOnEverySpecialClosureSince1990() {
        Map<String, String> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("1994-04-27", "National Day of Mourning for President Richard Nixon"),
                Map.entry("2001-09-11", "September 11 attacks"),
                Map.entry("2001-09-12", "September 11 attacks"),
                Map.entry("2001-09-13", "September 11 attacks"),
                Map.entry("2001-09-14", "September 11 attacks"),
                Map.entry("2004-06-11", "National Day of Mourning for President Ronald Reagan"),
                Map.entry("2007-01-02", "National Day of Mourning for President Gerald Ford"),
                Map.entry("2012-10-29", "Hurricane Sandy"),
                Map.entry("2012-10-30", "Hurricane Sandy"),
                Map.entry("2018-12-05", "National Day of Mourning for President George H. W. Bush"),
                Map.entry("2025-01-09", "National Day of Mourning for President Jimmy Carter")));
        Map<String, String> actual = new TreeMap<>();
        for (LocalDate day = NyseCalendar.FIRST; !day.isAfter(NyseCalendar.LAST); day = day.plusDays(1)) {
            LocalDate current = day;
            if (day.getDayOfWeek() != DayOfWeek.SATURDAY && day.getDayOfWeek() != DayOfWeek.SUNDAY
                    && NyseHolidays.holiday(day).isEmpty()) {
                calendar.closedReason(day).ifPresent(reason -> actual.put(current.toString(), reason));
            }
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(calendar.isSession(d("2001-09-10"))).isTrue();
        assertThat(calendar.isSession(d("2012-10-31"))).isTrue();
        assertThat(calendar.isSession(d("1996-01-08"))).as("blizzard day was a session").isTrue();
    }

    @ParameterizedTest(name = "{0} opens {1}")
    @CsvSource({
        "1990-03-30, 1990-03-30T14:30:00Z", // EST
        "1990-04-02, 1990-04-02T13:30:00Z", // EDT from the first Sunday of April until 2006
        "1990-10-26, 1990-10-26T13:30:00Z",
        "1990-10-29, 1990-10-29T14:30:00Z",
        "2007-03-09, 2007-03-09T14:30:00Z",
        "2007-03-12, 2007-03-12T13:30:00Z", // EDT from the second Sunday of March since 2007
        "2024-03-08, 2024-03-08T14:30:00Z",
        "2024-03-11, 2024-03-11T13:30:00Z",
        "2024-11-01, 2024-11-01T13:30:00Z",
        "2024-11-04, 2024-11-04T14:30:00Z",
    })
    void opensAtNineThirtyNewYorkTimeAcrossDaylightSavingChanges(LocalDate date, Instant open) {
        assertThat(calendar.session(date).orElseThrow().openInstant()).isEqualTo(open);
    }

    @Test
    void givesSessionTimesWithTheirNewYorkOffset() {
        NyseCalendar.Session session = calendar.session(d("2024-07-03")).orElseThrow();
        assertThat(session.open()).isEqualTo(ZonedDateTime.parse("2024-07-03T09:30-04:00[America/New_York]"));
        assertThat(session.close()).isEqualTo(ZonedDateTime.parse("2024-07-03T13:00-04:00[America/New_York]"));
        assertThat(session.closeInstant()).isEqualTo(Instant.parse("2024-07-03T17:00:00Z"));
        assertThat(session.isEarlyClose()).isTrue();
    }

    @Test
    void countsRegularMinutes() {
        assertThat(calendar.regularMinutes(d("2024-07-02"))).isEqualTo(390);
        assertThat(calendar.regularMinutes(d("2024-07-03"))).isEqualTo(210);
        assertThat(calendar.regularMinutes(d("1992-11-27"))).isEqualTo(270);
        assertThat(calendar.regularMinutes(d("1999-12-31"))).isEqualTo(210);
        assertThat(calendar.regularMinutes(d("2024-07-04"))).isZero();
        assertThat(calendar.regularMinutes(d("2024-07-06"))).isZero();
    }

    @Test
    void stepsToTheNextAndPreviousSession() {
        assertThat(calendar.nextSession(d("2024-12-24"))).isEqualTo(d("2024-12-26"));
        assertThat(calendar.nextSession(d("2024-07-05"))).isEqualTo(d("2024-07-08"));
        assertThat(calendar.nextSession(d("2001-09-10"))).isEqualTo(d("2001-09-17"));
        assertThat(calendar.nextSession(d("2024-03-28"))).isEqualTo(d("2024-04-01"));
        assertThat(calendar.previousSession(d("2024-01-02"))).isEqualTo(d("2023-12-29"));
        assertThat(calendar.previousSession(d("2025-01-10"))).isEqualTo(d("2025-01-08"));
        assertThat(calendar.previousSession(d("2022-01-03"))).isEqualTo(d("2021-12-31"));
        assertThat(calendar.nextSession(NyseCalendar.FIRST)).isEqualTo(d("1990-01-02"));
        assertThat(calendar.previousSession(NyseCalendar.LAST)).isEqualTo(d("2100-12-30"));
    }

    @Test
    void nextAndPreviousAgreeWithIsSessionOverTheWholeRange() {
        LocalDate session = d("1990-01-02");
        int count = 1;
        while (!session.equals(d("2100-12-31"))) {
            LocalDate next = calendar.nextSession(session);
            assertThat(calendar.previousSession(next)).isEqualTo(session);
            for (LocalDate between = session.plusDays(1); between.isBefore(next); between = between.plusDays(1)) {
                assertThat(calendar.isSession(between)).as("session on %s", between).isFalse();
            }
            session = next;
            count++;
        }
        assertThat(calendar.sessions(NyseCalendar.FIRST, NyseCalendar.LAST)).hasSize(count);
    }

    @Test
    void tellsWhetherTheMarketIsOpenAroundAnEarlyClose() {
        assertThat(calendar.isOpen(ny("2024-07-03T09:29:59"))).isFalse();
        assertThat(calendar.isOpen(ny("2024-07-03T09:30:00"))).isTrue();
        assertThat(calendar.isOpen(ny("2024-07-03T12:59:59"))).isTrue();
        assertThat(calendar.isOpen(ny("2024-07-03T13:00:00"))).isFalse();
        assertThat(calendar.isOpen(ny("2024-07-03T15:00:00"))).isFalse();
        assertThat(calendar.isOpen(ny("2024-07-04T12:00:00"))).isFalse();
        assertThat(calendar.isOpen(ny("2024-07-06T12:00:00"))).isFalse();
        assertThat(calendar.isOpen(ny("2024-07-08T15:59:59"))).isTrue();
    }

    @Test
    void findsTheNextOpenAndCloseAroundEarlyClosesAndWeekends() {
        assertThat(calendar.nextClose(ny("2024-07-03T12:00:00"))).isEqualTo(ZonedDateTime.parse("2024-07-03T13:00-04:00[America/New_York]"));
        assertThat(calendar.nextOpen(ny("2024-07-03T12:00:00"))).isEqualTo(ZonedDateTime.parse("2024-07-05T09:30-04:00[America/New_York]"));
        assertThat(calendar.nextClose(ny("2024-07-03T13:00:00"))).isEqualTo(ZonedDateTime.parse("2024-07-05T16:00-04:00[America/New_York]"));
        assertThat(calendar.nextOpen(ny("2024-07-06T12:00:00"))).isEqualTo(ZonedDateTime.parse("2024-07-08T09:30-04:00[America/New_York]"));
        assertThat(calendar.nextOpen(ny("2024-07-08T09:00:00"))).isEqualTo(ZonedDateTime.parse("2024-07-08T09:30-04:00[America/New_York]"));
        assertThat(calendar.nextOpen(ny("2024-07-08T09:30:00"))).as("strictly after").isEqualTo(ZonedDateTime.parse("2024-07-09T09:30-04:00[America/New_York]"));
        assertThat(calendar.nextOpen(ny("2024-11-01T17:00:00"))).as("across the end of DST").isEqualTo(ZonedDateTime.parse("2024-11-04T09:30-05:00[America/New_York]"));
    }

    @Test
    void lastCompletedSessionIsTodayOnlyFromTheClose() {
        assertThat(calendar.lastCompletedSession(ny("2024-07-03T12:59:59"))).isEqualTo(d("2024-07-02"));
        assertThat(calendar.lastCompletedSession(ny("2024-07-03T13:00:00"))).isEqualTo(d("2024-07-03"));
        assertThat(calendar.lastCompletedSession(ny("2024-07-04T20:00:00"))).isEqualTo(d("2024-07-03"));
        assertThat(calendar.lastCompletedSession(ny("2024-07-08T10:00:00"))).isEqualTo(d("2024-07-05"));
        assertThat(calendar.lastCompletedSession(ny("2024-07-08T16:00:00"))).isEqualTo(d("2024-07-08"));
        assertThat(calendar.lastCompletedSession(Instant.parse("2024-07-09T02:00:00Z"))).as("evening in New York, next day in UTC")
                .isEqualTo(d("2024-07-08"));
    }

    @Test
    void rejectsDatesOutsideTheRange() {
        assertThatThrownBy(() -> calendar.isSession(d("1989-12-29")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Date 1989-12-29 is outside the NYSE calendar's range 1990-01-01..2100-12-31");
        assertThatThrownBy(() -> calendar.session(d("2101-01-03")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Date 2101-01-03 is outside the NYSE calendar's range 1990-01-01..2100-12-31");
        assertThatThrownBy(() -> calendar.sessions(d("1989-12-01"), d("1990-01-31")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1989-12-01 is outside");
        assertThatThrownBy(() -> calendar.nextSession(d("2100-12-31")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No NYSE session after 2100-12-31 within the calendar's range 1990-01-01..2100-12-31");
        assertThatThrownBy(() -> calendar.previousSession(d("1990-01-02")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No NYSE session before 1990-01-02 within the calendar's range 1990-01-01..2100-12-31");
        assertThatThrownBy(() -> calendar.isOpen(Instant.parse("1990-01-01T04:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Instant 1990-01-01T04:00:00Z (1989-12-31 in New York) is outside the NYSE calendar's range 1990-01-01..2100-12-31");
        assertThatThrownBy(() -> calendar.nextOpen(ny("2100-12-31T17:00:00")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("No NYSE open after 2100-12-31T22:00:00Z");
    }

    @Test
    void computesEasterByTheGregorianComputus() {
        assertThat(NyseHolidays.easterSunday(1990)).isEqualTo(d("1990-04-15"));
        assertThat(NyseHolidays.easterSunday(2000)).isEqualTo(d("2000-04-23"));
        assertThat(NyseHolidays.easterSunday(2008)).isEqualTo(d("2008-03-23"));
        assertThat(NyseHolidays.easterSunday(2024)).isEqualTo(d("2024-03-31"));
        assertThat(NyseHolidays.easterSunday(2038)).isEqualTo(d("2038-04-25"));
        assertThat(NyseHolidays.easterSunday(2100)).isEqualTo(d("2100-03-28"));
    }

    @Test
    void closesRuleBasedEarlyClosesAtOnePmSince1998() {
        for (NyseCalendar.Session s : calendar.sessions(d("1998-01-01"), NyseCalendar.LAST)) {
            if (s.isEarlyClose() && !NyseSpecialDays.AD_HOC_EARLY_CLOSES.containsKey(s.date())) {
                assertThat(s.close().toLocalTime()).as("close on %s", s.date()).isEqualTo(LocalTime.of(13, 0));
            }
        }
    }
}

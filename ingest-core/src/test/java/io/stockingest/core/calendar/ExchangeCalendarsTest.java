package io.stockingest.core.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every day from 2005 to the end of each record, checked against exchange_calendars' own session records
 * ({@code tests/resources/x*.csv}, every session with its UTC open, close and break; provenance in
 * src/test/resources/calendars/PROVENANCE.md): the day is a session exactly when the record lists it, with the same
 * open, close and lunch break.
 */
class ExchangeCalendarsTest {
    /** One recorded session, instants in UTC; the break ones null where there is none. */
    record Recorded(Instant open, Instant close, Instant breakStart, Instant breakEnd) {}

    static TreeMap<LocalDate, Recorded> record(String code) {
        TreeMap<LocalDate, Recorded> sessions = new TreeMap<>();
        try (var in = ExchangeCalendarsTest.class.getResourceAsStream("/calendars/" + code.toLowerCase(java.util.Locale.ROOT) + ".csv.gz");
                var reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
            reader.readLine();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String[] f = line.split(",", -1);
                sessions.put(LocalDate.parse(f[0].substring(0, 10)),
                        new Recorded(Instant.parse(f[1]), Instant.parse(f[2]), f[3].isEmpty() ? null : Instant.parse(f[3]), f[4].isEmpty() ? null : Instant.parse(f[4])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sessions;
    }

    /**
     * Where the record's lunch breaks are not the exchange's: exchange_calendars gives Hong Kong one 12:00-13:00 break
     * for every year, while HKEX's trading-hours history has 12:30-14:30 until 2011-03-04 and 12:00-13:30 until
     * 2012-03-02 (as this calendar does). Breaks are compared from this date on.
     */
    private static final Map<String, LocalDate> BREAKS_COMPARED_FROM = Map.of("XHKG", LocalDate.of(2012, 3, 5));

    /**
     * Days where the record is wrong and this calendar follows the exchange: HKEX cancelled trading for the whole of
     * 2023-09-01 (Typhoon Saola, signal No. 8) and 2023-09-08 (black rainstorm); pandas_market_calendars lists both
     * ({@code calendars/hkex.py}, {@code HKClosedDay}), exchange_calendars does not.
     */
    private static final Map<String, List<String>> RECORD_WRONG = Map.of("XHKG", List.of(
            "2023-09-01 is closed here (Typhoon Saola), a session in the record",
            "2023-09-08 is closed here (Black rainstorm), a session in the record"));

    @ParameterizedTest
    @ValueSource(strings = {"XLON", "XETR", "XTSE", "XTKS", "XHKG", "XSHG"})
    void everyDayMatchesTheRecordedSessions(String code) {
        ExchangeCalendar calendar = Calendars.standard().byCode(code).orElseThrow();
        TreeMap<LocalDate, Recorded> recorded = record(code);
        List<String> wrong = new ArrayList<>();
        for (LocalDate d = ExchangeCalendars.FIRST; !d.isAfter(recorded.lastKey()); d = d.plusDays(1)) {
            Recorded want = recorded.get(d);
            var got = calendar.session(d);
            if (want == null && got.isPresent()) {
                wrong.add(d + " is a session here, not in the record");
            } else if (want != null && got.isEmpty()) {
                wrong.add(d + " is closed here (" + calendar.closedReason(d).orElse("?") + "), a session in the record");
            } else if (want != null) {
                var s = got.get();
                Recorded have = new Recorded(s.open().toInstant(), s.close().toInstant(), s.hasBreak() ? s.breakStart().toInstant() : null,
                        s.hasBreak() ? s.breakEnd().toInstant() : null);
                if (d.isBefore(BREAKS_COMPARED_FROM.getOrDefault(code, ExchangeCalendars.FIRST)) && s.hasBreak() == (want.breakStart() != null)) {
                    have = new Recorded(have.open(), have.close(), want.breakStart(), want.breakEnd());
                }
                if (!have.equals(want)) {
                    wrong.add(d + " is " + have + " here, " + want + " in the record");
                }
            }
        }
        assertThat(wrong).as(code + " against its record " + ExchangeCalendars.FIRST + ".." + recorded.lastKey())
                .containsExactlyElementsOf(RECORD_WRONG.getOrDefault(code, List.of()));
        assertThat(recorded.size()).as("sessions in the record").isGreaterThan(3000);
    }


    /**
     * The weekday closures the exchanges published for years past some records' end (gov.uk bank holidays for
     * London; Deutsche Börse's trading calendar; TMX's; gov.hk's general holidays for HKEX; JPX's market holidays),
     * each year complete: every other weekday of the year must be a session.
     */
    @ParameterizedTest(name = "{0} {1}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "XLON|2025|01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26",
        "XLON|2026|01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-28",
        "XETR|2025|01-01 04-18 04-21 05-01 12-24 12-25 12-26 12-31",
        "XETR|2026|01-01 04-03 04-06 05-01 12-24 12-25 12-31",
        "XTSE|2025|01-01 02-17 04-18 05-19 07-01 08-04 09-01 10-13 12-25 12-26",
        "XTSE|2026|01-01 02-16 04-03 05-18 07-01 08-03 09-07 10-12 12-25 12-28",
        "XHKG|2026|01-01 02-17 02-18 02-19 04-03 04-06 04-07 05-01 05-25 06-19 07-01 10-01 10-19 12-25",
        "XTKS|2026|01-01 01-02 01-12 02-11 02-23 03-20 04-29 05-04 05-05 05-06 07-20 08-11 09-21 09-22 09-23 10-12 11-03 11-23 12-31",
    })
    void publishedYearsBeyondTheRecords(String code, int year, String closed) {
        ExchangeCalendar calendar = Calendars.standard().byCode(code).orElseThrow();
        java.util.Set<LocalDate> holidays = java.util.Arrays.stream(closed.split(" ")).map(d -> LocalDate.parse(year + "-" + d))
                .collect(java.util.stream.Collectors.toSet());
        List<String> wrong = new ArrayList<>();
        for (LocalDate d = LocalDate.of(year, 1, 1); d.getYear() == year; d = d.plusDays(1)) {
            boolean weekday = d.getDayOfWeek().getValue() <= 5;
            if (weekday && calendar.isSession(d) == holidays.contains(d)) {
                wrong.add(d + (holidays.contains(d) ? " should be closed" : " should be a session (" + calendar.closedReason(d).orElse("") + ")"));
            }
        }
        assertThat(wrong).as(code + " " + year).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void earlyClosesAndHalfDaysOfPublishedYears() {
        Calendars calendars = Calendars.standard();
        assertThat(calendars.byCode("XLON").orElseThrow().session(LocalDate.of(2026, 12, 24)).orElseThrow().close().toLocalTime())
                .isEqualTo(java.time.LocalTime.of(12, 30));
        assertThat(calendars.byCode("XLON").orElseThrow().session(LocalDate.of(2026, 12, 31)).orElseThrow().close().toLocalTime())
                .isEqualTo(java.time.LocalTime.of(12, 30));
        assertThat(calendars.byCode("XETR").orElseThrow().session(LocalDate.of(2026, 12, 30)).orElseThrow().close().toLocalTime())
                .isEqualTo(java.time.LocalTime.of(14, 0));
        assertThat(calendars.byCode("XTSE").orElseThrow().session(LocalDate.of(2026, 12, 24)).orElseThrow().close().toLocalTime())
                .isEqualTo(java.time.LocalTime.of(13, 0));
        var lunarEve = calendars.byCode("XHKG").orElseThrow().session(LocalDate.of(2026, 2, 16)).orElseThrow();
        assertThat(lunarEve.close().toLocalTime()).as("Lunar New Year's Eve: morning only").isEqualTo(java.time.LocalTime.of(12, 0));
        assertThat(lunarEve.hasBreak()).isFalse();
        assertThat(calendars.byCode("XHKG").orElseThrow().isProjected(LocalDate.of(2027, 1, 4))).isTrue();
        assertThat(calendars.byCode("XSHG").orElseThrow().closedReason(LocalDate.of(2027, 10, 1))).contains("National Day (projected)");
    }
}

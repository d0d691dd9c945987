package io.stockingest.core.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.model.Venue;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class CryptoAndFxCalendarTest {
    private final Calendars calendars = Calendars.standard();

    @Test
    void cryptoTradesEveryUtcDayMidnightToMidnight() {
        ExchangeCalendar crypto = calendars.of(Venue.CRYPTO);
        for (LocalDate d = LocalDate.of(2019, 12, 20); d.isBefore(LocalDate.of(2020, 1, 10)); d = d.plusDays(1)) {
            assertThat(crypto.isSession(d)).as(d.toString()).isTrue();
        }
        var session = crypto.session(LocalDate.of(2020, 1, 1)).orElseThrow();
        assertThat(session.open().toInstant()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(session.close().toInstant()).isEqualTo(Instant.parse("2020-01-02T00:00:00Z"));
        assertThat(crypto.sessions(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 12, 31))).hasSize(366);
        assertThat(crypto.lastCompletedSession(Instant.parse("2024-07-04T00:30:00Z"))).isEqualTo(LocalDate.of(2024, 7, 3));
        assertThat(crypto.isOpen(Instant.parse("2024-07-06T12:00:00Z"))).as("a Saturday").isTrue();
    }

    @Test
    void fxTradesSundayFiveToFridayFiveNewYork() {
        ExchangeCalendar fx = calendars.of(Venue.FX);
        ZoneId ny = ZoneId.of("America/New_York");
        var monday = fx.session(LocalDate.of(2024, 7, 1)).orElseThrow();
        assertThat(monday.open()).isEqualTo(LocalDate.of(2024, 6, 30).atTime(17, 0).atZone(ny));
        assertThat(monday.close()).isEqualTo(LocalDate.of(2024, 7, 1).atTime(17, 0).atZone(ny));
        assertThat(fx.isSession(LocalDate.of(2024, 7, 4))).as("no holidays: July 4 trades").isTrue();
        assertThat(fx.closedReason(LocalDate.of(2024, 7, 6))).contains("Saturday");
        assertThat(fx.closedReason(LocalDate.of(2024, 7, 7))).contains("Sunday");
        assertThat(fx.isOpen(LocalDate.of(2024, 7, 7).atTime(17, 0).atZone(ny).toInstant())).as("Sunday 17:00").isTrue();
        assertThat(fx.isOpen(LocalDate.of(2024, 7, 7).atTime(16, 59).atZone(ny).toInstant())).as("Sunday 16:59").isFalse();
        assertThat(fx.isOpen(LocalDate.of(2024, 7, 5).atTime(16, 59).atZone(ny).toInstant())).as("Friday 16:59").isTrue();
        assertThat(fx.isOpen(LocalDate.of(2024, 7, 5).atTime(17, 0).atZone(ny).toInstant())).as("Friday 17:00").isFalse();
        assertThat(fx.sessions(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 12, 31)))
                .allSatisfy(s -> assertThat(s.date().getDayOfWeek()).isNotIn(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY)).hasSize(262);
    }

    @Test
    void aVenueWithNoCalendarGetsWeekdaysInItsZone() {
        Venue jakarta = new Venue("XIDX", ZoneId.of("Asia/Jakarta"));
        assertThat(calendars.has(jakarta)).isFalse();
        ExchangeCalendar weekdays = calendars.of(jakarta);
        assertThat(weekdays.zone()).isEqualTo(ZoneId.of("Asia/Jakarta"));
        assertThat(weekdays.isSession(LocalDate.of(2020, 1, 1))).isTrue();
        assertThat(weekdays.isSession(LocalDate.of(2020, 1, 4))).isFalse();
    }

    @Test
    void usVenuesShareTheUnchangedNyseCalendar() {
        ExchangeCalendar nasdaq = calendars.of(Venue.XNAS);
        assertThat(nasdaq.code()).isEqualTo("XNYS");
        NyseCalendar nyse = NyseCalendar.instance();
        for (LocalDate d = LocalDate.of(2019, 1, 1); d.isBefore(LocalDate.of(2027, 1, 1)); d = d.plusDays(1)) {
            assertThat(nasdaq.isSession(d)).as(d.toString()).isEqualTo(nyse.isSession(d));
            if (nyse.isSession(d)) {
                assertThat(nasdaq.session(d).orElseThrow().close()).isEqualTo(nyse.session(d).orElseThrow().close());
            }
        }
        assertThat(calendars.of(Venue.US)).isSameAs(nasdaq);
    }
}

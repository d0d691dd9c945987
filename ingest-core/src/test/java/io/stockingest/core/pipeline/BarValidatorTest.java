package io.stockingest.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.calendar.Calendars;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarRequest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class BarValidatorTest {
    private final BarValidator validator = new BarValidator(Calendars.standard());
    private static final LocalDate MON = LocalDate.of(2024, 9, 23);
    private static final DateRange RANGE = new DateRange(MON, MON.plusDays(6));

    private static Bar daily(LocalDate date, double o, double h, double l, double c, long v) {
        Instant ts = date.atTime(LocalTime.of(9, 30)).atZone(NyseCalendar.NEW_YORK).toInstant();
        return new Bar(Symbol.parse("AAPL"), Interval.D1, ts, date, o, h, l, c, null, v, null, null, "t", Adjustment.SPLITS);
    }

    private static Bar fiveMinute(LocalTime nyTime) {
        Instant ts = MON.atTime(nyTime).atZone(NyseCalendar.NEW_YORK).toInstant();
        return new Bar(Symbol.parse("AAPL"), Interval.M5, ts, MON, 10, 11, 9, 10, null, 5, null, null, "t", Adjustment.SPLITS);
    }

    private String ruleOf(Bar bar) {
        var outcome = validator.validate(List.of(bar), RANGE, BarRequest.Hours.REGULAR);
        return outcome.rejected().isEmpty() ? "accepted" : outcome.rejected().getFirst().rule();
    }

    @Test
    void appliesEachRowRule() {
        assertThat(ruleOf(daily(MON, 10, 11, 9, 10.5, 100))).isEqualTo("accepted");
        assertThat(ruleOf(daily(MON, Double.NaN, 11, 9, 10.5, 100))).isEqualTo("prices_positive");
        assertThat(ruleOf(daily(MON, 0, 11, 9, 10.5, 100))).isEqualTo("prices_positive");
        assertThat(ruleOf(daily(MON, 10, 10.4, 9, 10.5, 100))).isEqualTo("ohlc_consistent");
        assertThat(ruleOf(daily(MON, 10, 11, 10.2, 10.5, 100))).isEqualTo("ohlc_consistent");
        assertThat(ruleOf(daily(MON, 10, 11, 9, 10.5, -1))).isEqualTo("volume_non_negative");
        assertThat(ruleOf(daily(MON.minusDays(3), 10, 11, 9, 10.5, 1))).isEqualTo("out_of_range");
        assertThat(ruleOf(daily(MON.plusDays(5), 10, 11, 9, 10.5, 1))).isEqualTo("not_a_session");
    }

    private String ruleOf(String symbol, LocalDate date, DateRange range) {
        Bar bar = new Bar(Symbol.parse(symbol), Interval.D1, date.atStartOfDay(java.time.ZoneOffset.UTC).toInstant(), date, 10, 11, 9, 10, null, 5,
                null, null, "t", Adjustment.SPLITS);
        var outcome = validator.validate(List.of(bar), range, BarRequest.Hours.REGULAR);
        return outcome.rejected().isEmpty() ? "accepted" : outcome.rejected().getFirst().rule() + ": " + outcome.rejected().getFirst().detail();
    }

    @Test
    void eachBarIsCheckedAgainstItsOwnVenuesCalendar() {
        LocalDate newYear = LocalDate.of(2020, 1, 1);
        DateRange range = new DateRange(newYear.minusDays(7), newYear.plusDays(7));
        assertThat(ruleOf("AAPL", newYear, range)).as("New Year's Day is an NYSE holiday").isEqualTo("not_a_session: 2020-01-01 is not a XNYS session");
        assertThat(ruleOf("BTC-USD", newYear, range)).as("crypto trades every UTC day").isEqualTo("accepted");
        assertThat(ruleOf("BTC-USD", LocalDate.of(2019, 12, 28), range)).as("a Saturday too").isEqualTo("accepted");
        assertThat(ruleOf("EURUSD=X", newYear, range)).as("FX trades on a Wednesday holiday").isEqualTo("accepted");
        assertThat(ruleOf("EURUSD=X", LocalDate.of(2019, 12, 28), range)).isEqualTo("not_a_session: 2019-12-28 is not a FX session");
        assertThat(ruleOf("WSKT.JK", LocalDate.of(2019, 12, 27), range)).as("no calendar for Jakarta: weekdays").isEqualTo("accepted");
        assertThat(ruleOf("WSKT.JK", LocalDate.of(2019, 12, 28), range)).isEqualTo("not_a_session: 2019-12-28 is not a XIDX session");
    }

    @Test
    void intradayBarsMustStartInsideTheSessionUnlessExtendedHours() {
        assertThat(ruleOf(fiveMinute(LocalTime.of(9, 30)))).isEqualTo("accepted");
        assertThat(ruleOf(fiveMinute(LocalTime.of(15, 55)))).isEqualTo("accepted");
        assertThat(ruleOf(fiveMinute(LocalTime.of(16, 0)))).isEqualTo("outside_session");
        assertThat(ruleOf(fiveMinute(LocalTime.of(9, 25)))).isEqualTo("outside_session");
        var extended = validator.validate(List.of(fiveMinute(LocalTime.of(7, 0))), RANGE, BarRequest.Hours.EXTENDED);
        assertThat(extended.accepted()).hasSize(1);
    }

    @Test
    void keepsTheLastOfDuplicatesAndSortsByTime() {
        Bar first = daily(MON.plusDays(1), 10, 11, 9, 10, 1);
        Bar second = daily(MON.plusDays(1), 10, 12, 9, 11, 2);
        Bar earlier = daily(MON, 10, 11, 9, 10, 3);
        var outcome = validator.validate(List.of(first, second, earlier), RANGE, BarRequest.Hours.REGULAR);
        assertThat(outcome.accepted()).containsExactly(earlier, second);
        assertThat(outcome.rejected()).singleElement().satisfies(r -> assertThat(r.rule()).isEqualTo("duplicate"));
        assertThat(outcome.ruleViolations()).isZero();
    }

    @Test
    void aDuplicateAfterBarsInNewestFirstOrderIsFoundAndTheLaterBarKept() {
        Bar thu = daily(MON.plusDays(3), 10, 11, 9, 10, 1);
        Bar wed = daily(MON.plusDays(2), 10, 11, 9, 10, 2);
        Bar tue = daily(MON.plusDays(1), 10, 11, 9, 10, 3);
        Bar wedAgain = daily(MON.plusDays(2), 10, 11, 9, 10.5, 4);
        Bar broken = daily(MON, -1, 11, 9, 10, 5);

        var outcome = validator.validate(List.of(thu, wed, broken, tue, wedAgain), RANGE, BarRequest.Hours.REGULAR);

        assertThat(outcome.accepted()).as("sorted by time, the later Wednesday kept").containsExactly(tue, wedAgain, thu);
        assertThat(outcome.rejected()).extracting(r -> r.rule() + ":" + r.bar().volume())
                .as("in input order").containsExactly("prices_positive:5", BarValidator.DUPLICATE + ":2");
    }

    @Test
    void barsInStrictOrderEitherWayAreAllAcceptedSortedByTime() {
        Bar mon = daily(MON, 10, 11, 9, 10, 1);
        Bar tue = daily(MON.plusDays(1), 10, 11, 9, 10, 2);
        Bar wed = daily(MON.plusDays(2), 10, 11, 9, 10, 3);

        assertThat(validator.validate(List.of(wed, tue, mon), RANGE, BarRequest.Hours.REGULAR).accepted()).containsExactly(mon, tue, wed);
        assertThat(validator.validate(List.of(mon, tue, wed), RANGE, BarRequest.Hours.REGULAR).accepted()).containsExactly(mon, tue, wed);
        var zigzag = validator.validate(List.of(mon, wed, tue, mon), RANGE, BarRequest.Hours.REGULAR);
        assertThat(zigzag.accepted()).containsExactly(mon, tue, wed);
        assertThat(zigzag.rejected()).extracting(r -> r.rule()).containsExactly(BarValidator.DUPLICATE);
    }
}

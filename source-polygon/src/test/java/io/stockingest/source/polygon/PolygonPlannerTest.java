package io.stockingest.source.polygon;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.config.Settings;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.testkit.FakeTicker;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PolygonPlannerTest {
    private final PolygonSource source = (PolygonSource) new PolygonSourceFactory(new FakeTicker(), NyseCalendar.instance())
            .create(Settings.of(Map.of("POLYGON_API_KEY", "pk_planner_test_0a1b2c3d")));

    @AfterEach
    void close() {
        source.close();
    }

    @Test
    void groupedDailyForFiveHundredSymbolsOverThreeDays() {
        List<Symbol> symbols = symbols(500);
        DateRange range = new DateRange(LocalDate.of(2024, 9, 25), LocalDate.of(2024, 9, 27));

        List<BarRequest> plan = source.planBars(symbols, Interval.D1, range, BarRequest.Hours.REGULAR);

        assertThat(plan).as("one grouped-daily call per session instead of 500 per-symbol calls").hasSize(3);
        assertThat(plan).extracting(BarRequest::range).containsExactly(
                DateRange.of(LocalDate.of(2024, 9, 25)), DateRange.of(LocalDate.of(2024, 9, 26)), DateRange.of(LocalDate.of(2024, 9, 27)));
        assertThat(plan).allSatisfy(request -> assertThat(request.symbols()).containsExactlyElementsOf(symbols));
        assertThat(plan.stream().mapToInt(BarRequest::calls).sum()).isEqualTo(3);
    }

    @Test
    void perSymbolRangesForThreeSymbolsOverFiveYears() {
        List<Symbol> symbols = List.of(Symbol.parse("AAPL"), Symbol.parse("MSFT"), Symbol.parse("BRK.B"));
        DateRange range = new DateRange(LocalDate.of(2019, 1, 1), LocalDate.of(2023, 12, 31));

        List<BarRequest> plan = source.planBars(symbols, Interval.D1, range, BarRequest.Hours.REGULAR);

        assertThat(plan).as("3 per-symbol calls instead of one grouped-daily call per session (~1,260)").hasSize(3);
        assertThat(plan).allSatisfy(request -> {
            assertThat(request.symbols()).hasSize(1);
            assertThat(request.range()).isEqualTo(range);
            assertThat(request.calls()).isEqualTo(1);
        });
        assertThat(plan).extracting(request -> request.symbols().getFirst()).containsExactlyElementsOf(symbols);
    }

    @Test
    void oneSymbolOneDayStaysOnTheRangeEndpoint() {
        List<BarRequest> plan = source.planBars(List.of(Symbol.parse("AAPL")), Interval.D1, DateRange.of(LocalDate.of(2024, 9, 30)),
                BarRequest.Hours.REGULAR);

        assertThat(plan).singleElement().satisfies(request -> assertThat(request.symbols()).containsExactly(Symbol.parse("AAPL")));
    }

    @Test
    void chunksAYearOfMinuteBarsSoEachRequestReadsAtMostFiftyThousandMinutes() {
        DateRange year = new DateRange(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 12, 31));
        int sessions = NyseCalendar.instance().sessions(year.from(), year.to()).size();

        List<BarRequest> plan = source.planBars(List.of(Symbol.parse("AAPL")), Interval.M1, year, BarRequest.Hours.EXTENDED);

        assertThat(PolygonBars.SESSIONS_PER_INTRADAY_REQUEST).isEqualTo(52);
        assertThat(plan).hasSize((sessions + 51) / 52);
        assertThat(plan.getFirst().range()).as("the first chunk ends on the 52nd session")
                .isEqualTo(new DateRange(year.from(), NyseCalendar.instance().sessions(year.from(), year.to()).get(51).date()));
        assertThat(plan.getLast().range().to()).isEqualTo(year.to());
        for (int i = 1; i < plan.size(); i++) {
            assertThat(plan.get(i).range().from()).as("chunks are contiguous").isEqualTo(plan.get(i - 1).range().to().plusDays(1));
        }
        assertThat(plan).allSatisfy(request -> assertThat(
                NyseCalendar.instance().sessions(request.range().from(), request.range().to()).size() * 960L)
                .isLessThanOrEqualTo(50_000));
    }

    @Test
    void countsTheCallsOfTypicalJobs() {
        // with the placeholder weekday calendar: 262, 1, 10, 260, 6, 100 calls
        assertThat(calls(500, Interval.D1, "2024-01-01", "2024-12-31")).as("S&P 500, one year of daily: grouped")
                .isEqualTo(sessions("2024-01-01", "2024-12-31"));
        assertThat(calls(500, Interval.D1, "2024-09-30", "2024-09-30")).as("S&P 500, one day: grouped").isEqualTo(1);
        assertThat(calls(10, Interval.D1, "2004-01-01", "2024-12-31")).as("10 symbols, 21 years daily: per symbol").isEqualTo(10);
        assertThat(calls(10, Interval.M5, "2020-01-01", "2024-12-31")).as("10 symbols, 5 years of 5m: 52-session chunks")
                .isEqualTo(10 * ((sessions("2020-01-01", "2024-12-31") + 51) / 52));
        assertThat(calls(1, Interval.H1, "2024-01-01", "2024-12-31")).as("1 symbol, 1 year of 1h")
                .isEqualTo((sessions("2024-01-01", "2024-12-31") + 51) / 52);
        assertThat(calls(100, Interval.W1, "2015-01-01", "2024-12-31")).as("100 symbols, 10 years weekly: per symbol").isEqualTo(100);
    }

    private int calls(int symbols, Interval interval, String from, String to) {
        return source.planBars(symbols(symbols), interval, new DateRange(LocalDate.parse(from), LocalDate.parse(to)), BarRequest.Hours.REGULAR)
                .stream().mapToInt(BarRequest::calls).sum();
    }

    private static int sessions(String from, String to) {
        return NyseCalendar.instance().sessions(LocalDate.parse(from), LocalDate.parse(to)).size();
    }

    private static List<Symbol> symbols(int count) {
        return IntStream.range(0, count).mapToObj(i -> Symbol.parse("S" + i)).toList();
    }
}

package io.stockingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.testkit.FakeTicker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code calendar} command in-process: its output and exit codes. */
class CalendarCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Instant now, String... args) {
        out.reset();
        err.reset();
        Environment environment = new Environment(Map.of(), Path.of("."), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new FakeTicker(now), false);
        return Main.run(environment, args);
    }

    private int run(String... args) {
        return run(Instant.parse("2024-07-03T16:00:00Z"), args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsSessionsAsCsvWithNewYorkOffsets() {
        assertThat(run("calendar", "sessions", "--from", "2024-07-01", "--to", "2024-07-08")).isZero();
        assertThat(out()).isEqualTo("""
                date,open,close
                2024-07-01,2024-07-01T09:30-04:00,2024-07-01T16:00-04:00
                2024-07-02,2024-07-02T09:30-04:00,2024-07-02T16:00-04:00
                2024-07-03,2024-07-03T09:30-04:00,2024-07-03T13:00-04:00
                2024-07-05,2024-07-05T09:30-04:00,2024-07-05T16:00-04:00
                2024-07-08,2024-07-08T09:30-04:00,2024-07-08T16:00-04:00
                """);
        assertThat(err()).isEmpty();
    }

    @Test
    void printsSessionsAsJsonWithWinterOffsets() {
        assertThat(run("calendar", "sessions", "--from", "2021-12-30", "--to", "2022-01-03", "--format", "json")).isZero();
        assertThat(out()).isEqualTo("""
                [
                  {"date":"2021-12-30","open":"2021-12-30T09:30-05:00","close":"2021-12-30T16:00-05:00"},
                  {"date":"2021-12-31","open":"2021-12-31T09:30-05:00","close":"2021-12-31T16:00-05:00"},
                  {"date":"2022-01-03","open":"2022-01-03T09:30-05:00","close":"2022-01-03T16:00-05:00"}
                ]
                """);
    }

    @Test
    void printsAnEmptyJsonArrayForARangeWithoutSessions() {
        assertThat(run("calendar", "sessions", "--from", "2001-09-11", "--to", "2001-09-16", "--format", "json")).isZero();
        assertThat(out()).isEqualTo("[]\n");
    }

    @Test
    void listsEverySessionOfTheWholeHistory() {
        assertThat(run("calendar", "sessions", "--from", "1990-01-01", "--to", "2026-12-31")).isZero();
        String[] lines = out().split("\n");
        assertThat(lines[0]).isEqualTo("date,open,close");
        assertThat(lines[1]).isEqualTo("1990-01-02,1990-01-02T09:30-05:00,1990-01-02T16:00-05:00");
        assertThat(lines[lines.length - 1]).isEqualTo("2026-12-31,2026-12-31T09:30-05:00,2026-12-31T16:00-05:00");
        assertThat(lines).hasSize(1 + 9318)
                .contains("1992-11-27,1992-11-27T09:30-05:00,1992-11-27T14:00-05:00")
                .contains("1999-12-31,1999-12-31T09:30-05:00,1999-12-31T13:00-05:00")
                .doesNotContain("2025-01-09,2025-01-09T09:30-05:00,2025-01-09T16:00-05:00");
    }

    @ParameterizedTest(name = "is-session {0} -> {1}")
    @CsvSource({"2024-07-03, yes, 0", "2024-07-04, no, 1", "2024-07-06, no, 1", "2025-01-09, no, 1", "2021-12-31, yes, 0"})
    void answersIsSessionWithYesOrNoAndItsExitCode(String date, String answer, int exit) {
        assertThat(run("calendar", "is-session", date)).isEqualTo(exit);
        assertThat(out()).isEqualTo(answer + "\n");
    }

    @Test
    void reportsStatusDuringAnEarlyCloseSession() {
        assertThat(run("calendar", "status", "--at", "2024-07-03T16:30:00Z")).isZero();
        assertThat(out()).isEqualTo("""
                open
                at:         2024-07-03T12:30-04:00  2024-07-03T16:30:00Z
                next close: 2024-07-03T13:00-04:00  2024-07-03T17:00:00Z
                next open:  2024-07-05T09:30-04:00  2024-07-05T13:30:00Z
                """);
    }

    @Test
    void reportsStatusNowFromTheClockOnAWeekend() {
        assertThat(run(Instant.parse("2024-07-06T15:00:00.123456789Z"), "calendar", "status")).isZero(); // a real clock has nanoseconds
        assertThat(out()).isEqualTo("""
                closed
                at:         2024-07-06T11:00-04:00  2024-07-06T15:00:00Z
                next open:  2024-07-08T09:30-04:00  2024-07-08T13:30:00Z
                next close: 2024-07-08T16:00-04:00  2024-07-08T20:00:00Z
                """);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "calendar is-session 1989-12-29|stock-ingest: calendar: DATE 1989-12-29 is outside the NYSE calendar's range 1990-01-01..2100-12-31",
        "calendar is-session 2024-02-30|stock-ingest: calendar: DATE '2024-02-30' is not an ISO date (YYYY-MM-DD)",
        "calendar sessions --from 2100-12-01 --to 2101-01-31|stock-ingest: calendar: --to 2101-01-31 is outside the NYSE calendar's range 1990-01-01..2100-12-31",
        "calendar sessions --from yesterday --to 2024-01-31|stock-ingest: calendar: --from 'yesterday' is not an ISO date (YYYY-MM-DD)",
        "calendar sessions --from 2024-02-01 --to 2024-01-31|stock-ingest: calendar sessions: --from 2024-02-01 is after --to 2024-01-31",
        "calendar status --at 2101-01-01T15:00:00Z|stock-ingest: calendar status: Instant 2101-01-01T15:00:00Z (2101-01-01 in New York) is outside the NYSE calendar's range 1990-01-01..2100-12-31",
        "calendar status --at noon|stock-ingest: calendar: --at 'noon' is not an ISO-8601 instant (e.g. 2024-07-03T16:30:00Z)",
    })
    void rejectsBadOrOutOfRangeDatesWithOneLineAndExitTwo(String command, String message) {
        assertThat(run(command.split(" "))).isEqualTo(2);
        assertThat(err()).isEqualTo(message + "\n");
        assertThat(out()).isEmpty();
    }
}

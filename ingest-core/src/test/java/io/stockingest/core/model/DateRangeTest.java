package io.stockingest.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class DateRangeTest {
    @Test
    void rejectsFromAfterTo() {
        assertThatThrownBy(() -> new DateRange(LocalDate.of(2024, 2, 1), LocalDate.of(2024, 1, 1)))
                .hasMessage("--from 2024-02-01 is after --to 2024-01-01");
    }

    @Test
    void chunksCoverTheRangeExactly() {
        DateRange range = new DateRange(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 1, 20));
        assertThat(range.chunks(8)).containsExactly(
                new DateRange(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 1, 8)),
                new DateRange(LocalDate.of(2024, 1, 9), LocalDate.of(2024, 1, 16)),
                new DateRange(LocalDate.of(2024, 1, 17), LocalDate.of(2024, 1, 20)));
        assertThat(range.days()).isEqualTo(20);
        assertThat(range.contains(LocalDate.of(2024, 1, 20))).isTrue();
        assertThat(range.contains(LocalDate.of(2024, 1, 21))).isFalse();
    }

    @Test
    void parsesIntervals() {
        assertThat(Interval.parse("60m")).isEqualTo(Interval.H1);
        assertThat(Interval.parse("1d").isIntraday()).isFalse();
        assertThat(Interval.parse("5m").isIntraday()).isTrue();
        assertThatThrownBy(() -> Interval.parse("7m")).hasMessageStartingWith("Unknown interval '7m' (known: 1m, 2m, 5m");
    }
}

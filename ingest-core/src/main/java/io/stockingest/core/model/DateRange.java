package io.stockingest.core.model;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** An inclusive range of calendar dates. */
public record DateRange(LocalDate from, LocalDate to) {
    public DateRange {
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("--from " + from + " is after --to " + to);
        }
    }

    public static DateRange of(LocalDate day) {
        return new DateRange(day, day);
    }

    public boolean contains(LocalDate date) {
        return !date.isBefore(from) && !date.isAfter(to);
    }

    public long days() {
        return ChronoUnit.DAYS.between(from, to) + 1;
    }

    public Stream<LocalDate> dates() {
        return from.datesUntil(to.plusDays(1));
    }

    /** Splits into consecutive ranges of at most {@code maxDays} days each. */
    public List<DateRange> chunks(int maxDays) {
        if (maxDays < 1) {
            throw new IllegalArgumentException("maxDays must be positive");
        }
        List<DateRange> chunks = new ArrayList<>();
        LocalDate start = from;
        while (!start.isAfter(to)) {
            LocalDate end = start.plusDays(maxDays - 1L);
            if (end.isAfter(to)) {
                end = to;
            }
            chunks.add(new DateRange(start, end));
            start = end.plusDays(1);
        }
        return List.copyOf(chunks);
    }

    @Override
    public String toString() {
        return from.equals(to) ? from.toString() : from + ".." + to;
    }
}

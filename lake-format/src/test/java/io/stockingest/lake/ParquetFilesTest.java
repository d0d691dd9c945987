package io.stockingest.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.IngestException;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class ParquetFilesTest {
    private static final Instant INGEST = Instant.parse("2025-01-02T03:04:05Z");

    /** Weekdays of January to June 2023: a yearly file whose backfill stopped in June. */
    private static List<Bar> firstHalfOf2023() {
        List<Bar> bars = new ArrayList<>();
        for (LocalDate date = LocalDate.of(2023, 1, 2); date.isBefore(LocalDate.of(2023, 7, 1)); date = date.plusDays(1)) {
            if (date.getDayOfWeek().getValue() <= 5) {
                bars.add(new Bar(Symbol.parse("MSFT"), Interval.D1, date.atTime(20, 0).toInstant(ZoneOffset.UTC), date, 10, 11, 9, 10.5, null,
                        1000, null, null, "fmp", Adjustment.SPLITS));
            }
        }
        return bars;
    }

    private static Set<LocalDate> dates(List<Bar> bars) {
        return new TreeSet<>(bars.stream().map(Bar::date).toList());
    }

    @Test
    void readDatesReadsTheDateColumnOfTheFlatEncodersFiles() {
        List<Bar> bars = firstHalfOf2023();
        assertThat(ParquetFiles.readDates(ParquetFiles.writeBars(LakeSchemas.DAILY, bars, INGEST))).isEqualTo(dates(bars));
    }

    /** Files above the flat encoder's size go through parquet-mr's writer: dictionary pages, ZSTD. */
    @Test
    void readDatesReadsTheDateColumnOfParquetMrsFiles() {
        List<Bar> bars = firstHalfOf2023();
        byte[] file = ParquetFiles.writeWithParquetMr(LakeSchemas.DAILY, bars.stream().map(bar -> LakeSchemas.bar(bar, INGEST)).toList());
        assertThat(ParquetFiles.readDates(file)).isEqualTo(dates(bars));
    }

    /**
     * The lake sink starts the initialisation in the background (issue 21); virtual threads that encode at once wait
     * for it, unmounted, and get the same bytes as after a synchronous one.
     */
    @Test
    void encodingWhileTheBackgroundInitialisationRunsWaitsForItAndGivesTheSameFile() throws Exception {
        List<Bar> bars = firstHalfOf2023();
        ParquetFiles.initialiseInBackground();
        ParquetFiles.initialiseInBackground(); // once per process
        List<java.util.concurrent.Future<byte[]>> files = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                files.add(executor.submit(() -> ParquetFiles.writeBars(LakeSchemas.DAILY, bars, INGEST)));
            }
        }
        ParquetFiles.awaitInitialised();
        byte[] expected = ParquetFiles.writeBars(LakeSchemas.DAILY, bars, INGEST);
        for (var file : files) {
            assertThat(file.get()).isEqualTo(expected);
        }
    }

    @Test
    void readDatesOnAVirtualThreadRunsOnAPlatformThreadAndGivesTheSameDates() throws Exception {
        List<Bar> bars = firstHalfOf2023();
        byte[] file = ParquetFiles.writeBars(LakeSchemas.DAILY, bars, INGEST);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            assertThat(executor.submit(() -> ParquetFiles.readDates(file)).get()).isEqualTo(dates(bars));
        }
    }

    @Test
    void readDatesOfSomethingElseSaysItCannotReadTheDates() {
        assertThatThrownBy(() -> ParquetFiles.readDates(new byte[] {'P', 'A', 'R', '1', 0, 'P', 'A', 'R', '1'}))
                .isInstanceOf(IngestException.class).hasMessageStartingWith("Cannot read the dates of a Parquet file: ");
    }
}

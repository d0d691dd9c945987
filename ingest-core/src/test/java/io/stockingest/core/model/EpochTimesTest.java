package io.stockingest.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class EpochTimesTest {
    @Test
    void datesOrdinaryTimes() {
        assertThat(EpochTimes.seconds(0)).contains(Instant.EPOCH);
        assertThat(EpochTimes.seconds(1_700_000_000L)).contains(Instant.parse("2023-11-14T22:13:20Z"));
        assertThat(EpochTimes.seconds(-2_208_988_800L)).contains(Instant.parse("1900-01-01T00:00:00Z"));
    }

    @Test
    void refusesWhatJavaTimeCannotDate() {
        assertThat(EpochTimes.seconds(Long.MAX_VALUE)).isEmpty();
        assertThat(EpochTimes.seconds(Long.MIN_VALUE)).isEmpty();
        // Instant.MAX exists, but its date (year 1,000,000,000) does not
        assertThat(EpochTimes.seconds(Instant.MAX.getEpochSecond())).isEmpty();
        assertThat(EpochTimes.seconds(Instant.MIN.getEpochSecond())).isEmpty();
    }
}

package io.stockingest.sink.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.features.FeatureCalculator;
import io.stockingest.core.features.FeatureSeries;
import io.stockingest.core.features.Session;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.testkit.RandomSessions;
import io.stockingest.lake.LakeSchemas;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The feature rows' digests taken from the series' columns equal those of the records the rows are read back as. */
class LakeRowsTest {
    @Test
    void featureDigestsFromTheColumnsEqualTheDigestsOfTheRecords() {
        for (int seed = 1; seed <= 5; seed++) {
            List<Session> sessions = RandomSessions.series(new SplittableRandom(seed), 80);
            // with no tail (undefined features: null; short arrays) and with a tail of 30 sessions (full arrays at once)
            for (FeatureSeries f : List.of(FeatureCalculator.compute(new Symbol("BRK.B" + seed), List.of(), sessions),
                    FeatureCalculator.compute(new Symbol("T" + seed), sessions.subList(0, 30), sessions.subList(30, 80)))) {
                long hash = LakeRows.symbolHash(f.symbol().value());
                for (int i = 0; i < f.size(); i++) {
                    Instant ts = Instant.ofEpochSecond(1_700_000_000L + i);
                    assertThat(LakeRows.featuresDigest(f, i, hash)).as("price_features row %d of %s", i, f.symbol())
                            .isEqualTo(LakeRows.digest(LakeSchemas.features(f, i, ts)));
                    assertThat(LakeRows.cumulativeDigest(f, i, hash)).as("price_cumulative_7d row %d of %s", i, f.symbol())
                            .isEqualTo(LakeRows.digest(LakeSchemas.cumulative(f, i, ts)));
                }
            }
        }
    }

    @Test
    void barDigestsFromTheFieldsEqualTheDigestsOfTheRecords() {
        Instant ts = Instant.parse("2024-03-04T14:30:00Z");
        java.time.LocalDate date = java.time.LocalDate.of(2024, 3, 4);
        List<io.stockingest.core.model.Bar> bars = List.of(
                new io.stockingest.core.model.Bar(new Symbol("AAPL"), io.stockingest.core.model.Interval.D1, ts, date, 1.5, 2.25, 1.0, 2.0, 1.9, 1234L,
                        null, null, "fmp", io.stockingest.core.model.Adjustment.SPLITS),
                new io.stockingest.core.model.Bar(new Symbol("BRK.B"), io.stockingest.core.model.Interval.D1, ts, date, Double.NaN, 2.25, 1.0, 2.0, null, 0L,
                        2.1, 77L, "yahoo", io.stockingest.core.model.Adjustment.NONE),
                new io.stockingest.core.model.Bar(new Symbol("VOD.L"), io.stockingest.core.model.Interval.M5, ts, date, 1.5, 2.25, 1.0, 2.0, null, 99L,
                        1.75, 3L, "polygon", io.stockingest.core.model.Adjustment.NONE),
                new io.stockingest.core.model.Bar(new Symbol("^GSPC"), io.stockingest.core.model.Interval.H1, ts.plusSeconds(3600), date, 1.5, 2.25, 1.0,
                        -0.0, 2.0, Long.MAX_VALUE, null, null, "polygon", io.stockingest.core.model.Adjustment.SPLITS));
        for (io.stockingest.core.model.Bar bar : bars) {
            assertThat(LakeRows.digest(bar)).as("%s %s", bar.symbol(), bar.interval()).isEqualTo(LakeRows.digest(LakeSchemas.bar(bar, ts)));
        }
        assertThat(LakeRows.content(bars, ts)).isEqualTo(LakeRows.Content.EMPTY.plus(LakeSchemas.bar(bars.get(0), ts)).plus(LakeSchemas.bar(bars.get(1), ts))
                .plus(LakeSchemas.bar(bars.get(2), ts)).plus(LakeSchemas.bar(bars.get(3), ts)));
        assertThat(LakeRows.digest(bars.get(0))).isNotEqualTo(LakeRows.digest(bars.get(0).withVenue(bars.get(2).venue())));
    }

    @Test
    void aChangedValueChangesTheDigest() {
        List<Session> sessions = RandomSessions.series(new SplittableRandom(9), 40);
        FeatureSeries f = FeatureCalculator.compute(new Symbol("A"), List.of(), sessions);
        Session last = sessions.getLast();
        List<Session> changed = new java.util.ArrayList<>(sessions);
        changed.set(changed.size() - 1, new Session(last.date(), last.open(), last.high(), last.low(), last.close(), last.volume() + 1));
        FeatureSeries g = FeatureCalculator.compute(new Symbol("A"), List.of(), changed);
        long hash = LakeRows.symbolHash("A");
        int row = f.size() - 1;
        assertThat(LakeRows.featuresDigest(g, row, hash)).as("volume is not in price_features").isEqualTo(LakeRows.featuresDigest(f, row, hash));
        assertThat(LakeRows.cumulativeDigest(g, row, hash)).isNotEqualTo(LakeRows.cumulativeDigest(f, row, hash));
        assertThat(LakeRows.featuresDigest(f, row, LakeRows.symbolHash("B"))).isNotEqualTo(LakeRows.featuresDigest(f, row, hash));
    }
}

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

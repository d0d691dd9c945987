package io.stockingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PostgresEndToEndVerdictTest {
    @Test
    void goalsAreMetOnlyWithPositiveExtraTimesWithinTheRatios() {
        assertThat(PostgresEndToEnd.verdict(true, 4.0, 9.9, 4.7, 3.9)).isEqualTo("goals met");
    }

    @Test
    void aDatabaseRunFasterThanItsLakeRunIsInconclusiveNotAPass() {
        // the previous version printed PASS here: -13.15x "met" the 2.5x goal
        assertThat(PostgresEndToEnd.verdict(true, 29.49, -387.75, 52.28, 92.45)).startsWith("inconclusive: an extra time is not positive");
        assertThat(PostgresEndToEnd.verdict(true, 4.0, 0.0, 1.0, 1.0)).startsWith("inconclusive");
        assertThat(PostgresEndToEnd.verdict(true, 0.0, 1.0, 1.0, 1.0)).as("no COPY time").startsWith("inconclusive");
        assertThat(PostgresEndToEnd.verdict(true, 4.0, Double.NaN, 1.0, 1.0)).startsWith("inconclusive");
        assertThat(PostgresEndToEnd.verdict(true, 4.0, 1.0, 1.0, Double.NaN)).startsWith("inconclusive");
    }

    @Test
    void aDatabaseRerunNoSlowerThanTheLakesRerunMeetsItsGoal() {
        // both reruns fetch and write nothing: the database's planning query beating the lake's file reads is a real result
        assertThat(PostgresEndToEnd.verdict(true, 4.38, 9.9, 4.7, -0.4)).isEqualTo("goals met");
        assertThat(PostgresEndToEnd.verdict(true, 4.38, 9.9, 4.7, 5.56)).isEqualTo("missed: rerun 1.27x > 1.0x");
    }

    @Test
    void eachMissedGoalIsNamedWithItsRatio() {
        assertThat(PostgresEndToEnd.verdict(true, 10.0, 25.9, 17.7, 31.4))
                .isEqualTo("missed: features 2.59x > 2.5x, no features 1.77x > 1.2x, rerun 3.14x > 1.0x");
    }

    @Test
    void anIncompleteRunIsNeverAPass() {
        assertThat(PostgresEndToEnd.verdict(false, 4.0, 1.0, 1.0, 1.0)).startsWith("incomplete");
    }
}

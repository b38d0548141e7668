package org.drilldown.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class ScoreTest {
    @Test
    void finiteSumsAddExactlyInAnyOrder() {
        Score a = Score.ofSum(2, 1, 0.7);
        Score b = Score.ofSum(3, 3, 0.1);
        assertThat(a.plus(b)).isEqualTo(b.plus(a));
        assertThat(a.plus(b).loss()).isCloseTo(0.16, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(a.plus(b).accuracy()).isEqualTo(80.0);
    }

    /** Rounding a NaN sum gave 0, a perfect loss, so a diverged epoch read as the best one and never failed. */
    @Test
    void aNaNOrInfiniteLossStaysNotFiniteThroughEverySum() {
        Score fine = Score.ofSum(128, 100, 30.0);
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, 1e300}) {
            Score diverged = Score.ofSum(128, 12, bad);
            assertThat(diverged.loss()).isNaN();
            assertThat(fine.plus(diverged).loss()).isNaN();
            assertThat(diverged.plus(fine).plus(fine).loss()).isNaN();
            assertThat(diverged.plus(fine).count()).isEqualTo(256);
        }
    }

    @Test
    void anEmptyScoreWithANaNLossIsEmpty() {
        assertThat(Score.of(0, Double.NaN, Double.NaN)
                        .plus(Score.ofSum(1, 1, 0.5))
                        .loss())
                .isEqualTo(0.5);
    }

    /** The path an epoch takes: a partition's probabilities holding NaN make the epoch fail as diverged. */
    @Test
    void nanProbabilitiesFailTheEpochAsDiverged() {
        Score partition = ScorePartition.score(
                Nd4j.createFromArray(new float[][] {{Float.NaN, Float.NaN}, {0.9f, 0.1f}}),
                Nd4j.createFromArray(new float[][] {{1, 0}, {1, 0}}));
        Score epoch = Score.ofSum(2, 2, 0.2).plus(partition);
        assertThat(epoch.loss()).isNaN();
        assertThatThrownBy(() -> TrainingDiverged.check("2", 1, 20.0, epoch.loss()))
                .isInstanceOf(TrainingDiverged.class)
                .hasMessageStartingWith("training diverged: step 2 epoch 1 has training loss NaN");
    }
}

package org.drilldown.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.StepSpec;
import org.drilldown.config.TargetSpec;
import org.drilldown.train.EpochResult;
import org.drilldown.train.Score;
import org.drilldown.train.StepResult;
import org.junit.jupiter.api.Test;

class StepAnalysisTest {
    private static final TargetSpec TARGET = new TargetSpec(99.4, 3, 10_000, 15);
    private static final StepSpec STEP = ConfigLoader.defaults().steps().get(3);

    @Test
    void targetMetWhenEachOfTheLastThreeEpochsReachesIt() {
        StepAnalysis a = StepAnalysis.of(step(9904, 99.0, 99.30, 99.41, 99.45, 99.40), TARGET);
        assertThat(a.lastMinTestAccuracy()).isEqualTo(99.40);
        assertThat(a.lastMaxTestAccuracy()).isEqualTo(99.45);
        assertThat(a.targetMet()).isTrue();
        assertThat(a.text()).contains("Target met", "Parameters 9,904 < 10,000", "Epochs 5 <= 15");
    }

    @Test
    void oneLowEpochOrTooManyParametersMissesIt() {
        StepAnalysis low = StepAnalysis.of(step(9904, 99.0, 99.45, 99.38, 99.46), TARGET);
        assertThat(low.targetMet()).isFalse();
        assertThat(low.text()).contains("Target not met", "lowest was 99.38 %");

        StepAnalysis heavy = StepAnalysis.of(step(992_800, 99.5, 99.5, 99.5), TARGET);
        assertThat(heavy.accuracyOk()).isTrue();
        assertThat(heavy.paramsOk()).isFalse();
        assertThat(heavy.targetMet()).isFalse();
    }

    @Test
    void aStepWithItsOwnGoalIsJudgedAgainstIt() {
        StepSpec five = ConfigLoader.load(null, java.util.Map.of("drilldown.run-steps", List.of("5")))
                .steps()
                .get(0);
        StepAnalysis a = StepAnalysis.of(step(7922, 99.0, 99.45, 99.48, 99.52), TARGET.forStep(five));
        assertThat(StepAnalysis.of(step(7922, 99.0, 99.45, 99.48, 99.52), TARGET)
                        .targetMet())
                .isTrue();
        assertThat(a.targetMet()).isFalse();
        assertThat(a.text()).contains("Parameters 7,922 < 8,000", "need >= 99.50 % each; the lowest was 99.45 %");
        assertThat(StepAnalysis.of(step(8000, 99.6, 99.6, 99.6), TARGET.forStep(five))
                        .paramsOk())
                .isFalse();
    }

    @Test
    void aLargeTrainTestGapIsCalledOverfitting() {
        // Train accuracy is test + 0.8 in this fixture.
        StepAnalysis a = StepAnalysis.of(step(9904, 98.0, 98.5, 98.6), TARGET);
        assertThat(a.trainTestGap()).isCloseTo(0.8, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(a.text()).startsWith("Overfitting");
    }

    @Test
    void anUnconvergedModelIsNotCalledOverfitting() {
        // 21 % train against 14 % test after two epochs: still learning, not overfitting.
        StepAnalysis early = StepAnalysis.of(step(9904, 10.0, 14.0), TARGET);
        assertThat(early.text())
                .startsWith("Not converged yet: best test accuracy 14.00 %, +4.00 points in the last epoch")
                .doesNotContain("Overfitting");
        // Above 95 % but still climbing a point an epoch: not converged either.
        StepAnalysis rising = StepAnalysis.of(step(9904, 96.0, 97.0, 98.2), TARGET);
        assertThat(rising.text()).startsWith("Not converged yet");
    }

    /** Epochs with the given test accuracies; train accuracy 0.8 above test when test < 99, else equal. */
    private static StepResult step(long params, double... testAccuracies) {
        List<EpochResult> epochs = new ArrayList<>();
        for (int i = 0; i < testAccuracies.length; i++) {
            double test = testAccuracies[i];
            double train = test < 99 ? test + 0.8 : test;
            epochs.add(new EpochResult(
                    "4",
                    i + 1,
                    testAccuracies.length,
                    0.01,
                    score(train),
                    Score.EMPTY,
                    score(test),
                    10,
                    1000,
                    1,
                    List.of(),
                    List.of(),
                    null));
        }
        return new StepResult(STEP, params, epochs);
    }

    private static Score score(double accuracy) {
        return Score.ofSum(10_000, Math.round(accuracy * 100), 100);
    }
}

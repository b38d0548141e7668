package org.drilldown.train;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The check StepTrainer makes on every epoch's training loss, before evaluating or checkpointing it. */
class TrainingDivergedTest {
    @Test
    void aNonFiniteTrainingLossStopsTheRunNamingStepEpochAndRate() {
        assertThatThrownBy(() -> TrainingDiverged.check("4", 3, 0.15, Double.NaN))
                .isInstanceOf(TrainingDiverged.class)
                .hasMessage("training diverged: step 4 epoch 3 has training loss NaN at learning rate 0.15;"
                        + " lower drilldown.steps.4.learning-rate (or its lr-schedule factors)");
        assertThatThrownBy(() -> TrainingDiverged.check("2", 1, 10.0, Double.POSITIVE_INFINITY))
                .hasMessageContaining("step 2 epoch 1 has training loss Infinity");
        assertThatCode(() -> TrainingDiverged.check("2", 1, 0.01, 2.3)).doesNotThrowAnyException();
    }
}

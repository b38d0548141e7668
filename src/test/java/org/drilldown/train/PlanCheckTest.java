package org.drilldown.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.JobConfig;
import org.drilldown.model.StepModels;
import org.junit.jupiter.api.Test;

/** The checks that refuse, before training, a plan that cannot run as configured. */
class PlanCheckTest {
    private static final long GIB = 1L << 30;

    @Test
    void theDefaultPlanFitsAFullRunOnALaptop() {
        assertThatCode(() -> DrilldownJob.checkFits(ConfigLoader.defaults(), 60_000, 2, true, 6 * GIB))
                .doesNotThrowAnyException();
    }

    @Test
    void anAveragingFrequencyLargerThanAnEpochIsRefusedWithTheCounts() {
        JobConfig config = ConfigLoader.load(
                null, Map.of("drilldown.run-steps", List.of("4"), "drilldown.training.averaging-frequency", 40));
        // 2,000 images in batches of 32 over 2 workers: 31 whole minibatches each.
        assertThatThrownBy(() -> DrilldownJob.checkFits(config, 2_000, 2, true, 6 * GIB))
                .hasMessageContaining("averaging-frequency = 40 is more than the 31 minibatches each of 2 workers")
                .hasMessageContaining("step 4 (2000 images, batch 32)");
        assertThatCode(() -> DrilldownJob.checkFits(config, 2_600, 2, true, 6 * GIB))
                .doesNotThrowAnyException();
    }

    @Test
    void aBatchThatWouldNotFitNativeMemoryIsRefusedWithTheBytesNeeded() {
        JobConfig config = ConfigLoader.load(
                null,
                Map.of(
                        "drilldown.run-steps",
                        List.of("1"),
                        "drilldown.steps.1.batch-size",
                        20_000,
                        "drilldown.training.averaging-frequency",
                        1));
        long needed = StepModels.trainingBytes(config.steps().get(0));
        // DL4J's estimate grows with the batch: activations dominate.
        assertThat(needed)
                .isGreaterThan(10
                        * StepModels.trainingBytes(
                                ConfigLoader.defaults().steps().get(0)));
        assertThatThrownBy(() -> DrilldownJob.checkFits(config, 60_000, 2, true, 6 * GIB))
                .hasMessageContaining("step 1 with batch 20000 needs about")
                .hasMessageContaining(String.format(java.util.Locale.ROOT, "%.1f GiB", 2 * needed / (double) GIB))
                .hasMessageContaining("more than the 6.0 GiB");
        // Off local mode the workers do not share the driver's memory: not checked here.
        assertThatCode(() -> DrilldownJob.checkFits(config, 60_000, 2, false, 6 * GIB))
                .doesNotThrowAnyException();
    }
}

package org.drilldown.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LrScalingTest {
    private static final StepSpec TWO = step("2");
    private static final StepSpec FOUR = step("4");

    private static StepSpec step(String key) {
        return ConfigLoader.defaults().steps().stream()
                .filter(s -> s.key().equals(key))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void linearMultipliesTheConfiguredRateByTheWorkers() {
        LrScaling linear = new LrScaling("linear", 0, 1);
        assertThat(List.of(1, 2, 4)).extracting(k -> linear.rateAt(TWO, k, 1)).containsExactly(0.01, 0.02, 0.04);
        // The schedule still applies: step 4's one-cycle factor of epoch 1 (0.2) on 2 workers.
        assertThat(linear.rateAt(FOUR, 2, 1)).isCloseTo(0.15 * 0.2, within(1e-15));
    }

    @Test
    void oneWorkerTrainsTheConfiguredRecipeUnderEveryRule() {
        for (String rule : List.of("none", "linear", "sqrt", LrScaling.KEEP_BATCH)) {
            LrScaling scaling = new LrScaling(rule, 3, 1);
            for (int epoch = 1; epoch <= 15; epoch++) {
                assertThat(scaling.rateAt(FOUR, 1, epoch)).as(rule).isEqualTo(FOUR.learningRateAt(epoch));
            }
            assertThat(scaling.workerBatch(FOUR.batchSize(), 1)).as(rule).isEqualTo(FOUR.batchSize());
        }
    }

    /**
     * The derivation for 1, 2 and 4 workers: under keep-batch every worker trains at the configured rate (and
     * schedule) on its 1/K share of each minibatch, averaging after every one; the other rules keep the batch
     * and the configured averaging frequency.
     */
    @Test
    void keepBatchSplitsEveryMinibatchAmongTheWorkersAtTheConfiguredRate() {
        LrScaling keep = new LrScaling(LrScaling.KEEP_BATCH, 0, 1);
        assertThat(List.of(1, 2, 4)).extracting(k -> keep.rateAt(TWO, k, 1)).containsExactly(0.01, 0.01, 0.01);
        assertThat(List.of(1, 2, 4)).extracting(k -> keep.workerBatch(128, k)).containsExactly(128, 64, 32);
        assertThat(List.of(1, 2, 4)).extracting(k -> keep.workerBatch(32, k)).containsExactly(32, 16, 8);
        assertThat(keep.averagingFrequency(10, 128, 2)).isEqualTo(1);
        assertThat(keep.averagingFrequency(10, 128, 1))
                .as("a lone worker averages with no one")
                .isEqualTo(10);
        for (int epoch = 1; epoch <= 15; epoch++) {
            assertThat(keep.rateAt(FOUR, 4, epoch)).isEqualTo(FOUR.learningRateAt(epoch));
        }
        LrScaling linear = new LrScaling("linear", 0, 1);
        assertThat(List.of(1, 2, 4)).extracting(k -> linear.workerBatch(128, k)).containsExactly(128, 128, 128);
        assertThat(linear.averagingFrequency(10, 128, 2)).isEqualTo(10);
    }

    /** Workers that do not divide the batch cannot share it evenly: the step trains as linear, and says so. */
    @Test
    void keepBatchTrainsAsLinearWhereTheWorkersDoNotDivideTheBatch() {
        LrScaling keep = new LrScaling(LrScaling.KEEP_BATCH, 0, 1);
        assertThat(keep.splits(128, 3)).isFalse();
        assertThat(keep.workerBatch(128, 3)).isEqualTo(128);
        assertThat(keep.rateAt(TWO, 3, 1)).isCloseTo(0.03, within(1e-15));
        assertThat(keep.averagingFrequency(10, 128, 3)).isEqualTo(10);
        assertThat(keep.describe(128, 3))
                .isEqualTo("keep-batch: 3 workers do not divide 128, so linear: × 3 for 3 workers");
    }

    /** With no --workers, keep-batch takes the most of Spark's cores that divide every minibatch it splits. */
    @Test
    void keepBatchDefaultsToTheMostWorkersThatDivideEveryBatch() {
        LrScaling keep = new LrScaling(LrScaling.KEEP_BATCH, 0, 1);
        List<Integer> drilldown = List.of(128, 128, 128, 32);
        assertThat(List.of(1, 2, 3, 6, 12, 64))
                .extracting(cores -> keep.defaultWorkers(cores, drilldown))
                .containsExactly(1, 2, 2, 4, 8, 64);
        assertThat(keep.defaultWorkers(6, List.of(30))).isEqualTo(6);
        LrScaling atLeast32 = new LrScaling(LrScaling.KEEP_BATCH, 0, 32);
        assertThat(List.of(1, 2, 3, 4, 6, 12))
                .as("3 workers would split 128 into shares of 42.7; 6 would leave 21, so they do not split")
                .extracting(cores -> atLeast32.defaultWorkers(cores, drilldown))
                .containsExactly(1, 2, 2, 4, 6, 12);
        assertThat(keep.defaultWorkers(4, List.of(7)))
                .as("a prime batch trains one worker")
                .isEqualTo(1);
        assertThat(new LrScaling("linear", 0, 1).defaultWorkers(6, drilldown)).isEqualTo(6);
    }

    @Test
    void noneAndSqrt() {
        assertThat(new LrScaling("none", 0, 1).rateAt(TWO, 4, 1)).isEqualTo(0.01);
        assertThat(new LrScaling("sqrt", 0, 1).rateAt(TWO, 4, 1)).isEqualTo(0.02);
        assertThat(new LrScaling("sqrt", 0, 1).multiplier(128, 2)).isCloseTo(1.41421, within(1e-5));
    }

    /** A warm-up of 2 epochs on 4 workers: × 1 in epoch 1, × 2.5 in epoch 2, × 4 from epoch 3. */
    @Test
    void warmUpRampsTheMultiplierFromOne() {
        LrScaling warm = new LrScaling("linear", 2, 1);
        assertThat(List.of(1, 2, 3, 9))
                .extracting(e -> warm.rateAt(TWO, 4, e) / 0.01)
                .containsExactly(1.0, 2.5, 4.0, 4.0);
    }

    /**
     * Step 4's default trains exactly as its recorded runs did (2 workers at 0.15, averaging every 10): its 32
     * split in two would leave 16 a worker, below min-worker-batch, so keep-batch trains it as linear; 2 × 0.075
     * is 0.15 to the bit.
     */
    @Test
    void theDefaultRuleGivesStepFourTheRateItsRecordedRunsUsed() {
        JobConfig defaults = ConfigLoader.defaults();
        assertThat(defaults.lrScaling()).isEqualTo(new LrScaling(LrScaling.KEEP_BATCH, 0, 32));
        assertThat(defaults.lrScaling().workerBatch(FOUR.batchSize(), 2)).isEqualTo(32);
        assertThat(defaults.lrScaling().averagingFrequency(defaults.averagingFrequency(), FOUR.batchSize(), 2))
                .isEqualTo(10);
        assertThat(FOUR.learningRate()).isEqualTo(0.075);
        for (int epoch = 1; epoch <= 15; epoch++) {
            assertThat(defaults.lrScaling().rateAt(FOUR, 2, epoch))
                    .isEqualTo(new LrSchedule(
                                    "per-epoch", 5, 0.1, FOUR.lrSchedule().factors())
                            .rateAt(0.15, epoch));
        }
    }

    /** A run recorded before the rule existed trained every worker at the configured rate, and replays so. */
    @Test
    void aRunRecordedBeforeTheRuleExistedKeepsItsRates() {
        String json = ConfigLoader.defaults().resolvedJson();
        String old = json.replaceAll("\"lr-scaling\":\\{[^}]*},?", "");
        assertThat(old).isNotEqualTo(json);
        assertThat(ConfigLoader.fromRecorded(old).lrScaling().rule()).isEqualTo("none");
        assertThat(ConfigLoader.fromRecorded(json).lrScaling())
                .isEqualTo(ConfigLoader.defaults().lrScaling());
    }

    /** A keep-batch run recorded before min-worker-batch existed split every minibatch, and replays so. */
    @Test
    void aKeepBatchRunRecordedBeforeMinWorkerBatchKeepsSplittingEveryMinibatch() {
        String json = ConfigLoader.defaults().resolvedJson();
        String old = json.replaceAll("\"min-worker-batch\":32,|,\"min-worker-batch\":32", "");
        assertThat(old).isNotEqualTo(json).contains("\"rule\":\"keep-batch\"");
        LrScaling recorded = ConfigLoader.fromRecorded(old).lrScaling();
        assertThat(recorded.workerBatch(FOUR.batchSize(), 2)).isEqualTo(16);
        assertThat(recorded.rateAt(FOUR, 2, 3)).isEqualTo(FOUR.learningRateAt(3));
    }

    /**
     * The default rule's derivation for 1, 2 and 4 workers: steps 1-3 (batch 128) keep the configured rate on
     * their share, down to 32 a worker; step 4 (batch 32) cannot be split without leaving a worker fewer than 32
     * images, so its workers fit 32 each at K times the rate, averaging every configured round.
     */
    @Test
    void theDefaultRuleSplitsWhileEachWorkerKeepsMinWorkerBatchImages() {
        LrScaling rule = ConfigLoader.defaults().lrScaling();
        assertThat(List.of(1, 2, 4)).extracting(k -> rule.workerBatch(128, k)).containsExactly(128, 64, 32);
        assertThat(List.of(1, 2, 4)).extracting(k -> rule.rateAt(TWO, k, 1)).containsExactly(0.01, 0.01, 0.01);
        assertThat(List.of(1, 2, 4))
                .extracting(k -> rule.averagingFrequency(10, 128, k))
                .containsExactly(10, 1, 1);
        assertThat(rule.workerBatch(128, 8)).as("16 a worker is below 32").isEqualTo(128);
        assertThat(rule.rateAt(TWO, 8, 1)).isEqualTo(0.08);
        assertThat(List.of(1, 2, 4)).extracting(k -> rule.workerBatch(32, k)).containsExactly(32, 32, 32);
        assertThat(List.of(1, 2, 4))
                .extracting(k -> rule.rateAt(FOUR, k, 3) / FOUR.learningRateAt(3))
                .containsExactly(1.0, 2.0, 4.0);
        assertThat(List.of(1, 2, 4))
                .extracting(k -> rule.averagingFrequency(10, 32, k))
                .containsExactly(10, 10, 10);
        assertThat(rule.describe(32, 2))
                .isEqualTo("keep-batch: 16 images a worker is below min-worker-batch 32, so linear: × 2 for 2 workers");
        assertThatThrownBy(() -> new LrScaling(LrScaling.KEEP_BATCH, 0, 0))
                .hasMessageContaining("drilldown.training.lr-scaling.min-worker-batch");
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> new LrScaling("cubic", 0, 1))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("drilldown.training.lr-scaling.rule")
                .hasMessageContaining("\"linear\"");
        assertThatThrownBy(() -> new LrScaling("linear", -1, 1))
                .hasMessageContaining("drilldown.training.lr-scaling.warmup-epochs");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("drilldown.training.lr-scaling.rule", "quadratic")))
                .hasMessageContaining("drilldown.training.lr-scaling.rule");
    }

    @Test
    void describeSaysTheRuleAndTheFactor() {
        assertThat(new LrScaling("linear", 0, 1).describe(128, 2)).isEqualTo("linear: × 2 for 2 workers");
        assertThat(new LrScaling("sqrt", 2, 1).describe(128, 2))
                .isEqualTo("sqrt: × 1.41 for 2 workers, warm-up 2 epochs");
        assertThat(new LrScaling("none", 4, 1).describe(128, 8)).isEqualTo("none");
        assertThat(new LrScaling(LrScaling.KEEP_BATCH, 0, 1).describe(128, 2))
                .isEqualTo("keep-batch: each of 2 workers fits 1/2 of every minibatch, averaging after each");
    }
}

package org.drilldown.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.drilldown.MetricsFixtures;
import org.drilldown.config.LrScaling;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {

    @Test
    void aResumedStepsEtaAveragesTheEpochsThisProcessTimed() {
        // MetricsFixtures' epochs take 1.5 s to train and 0.5 s to evaluate, 15 epochs a step. A run resumed
        // after epoch 5 times epoch 6 first: 9 epochs of 2 s remain, not 2 s spread over 6 epochs.
        ConsoleProgress progress = new ConsoleProgress(new LrScaling("none", 0, 1));
        assertThat(progress.epochLine(MetricsFixtures.epoch(6)))
                .startsWith("step 4 epoch 6/15: train loss ")
                .endsWith("ETA 0m18s");
        assertThat(progress.epochLine(MetricsFixtures.epoch(7))).endsWith("ETA 0m16s");
    }
}

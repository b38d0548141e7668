package org.drilldown.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BarrierAveragingTest {
    @Test
    void aWorkerLoadsAheadOnlyWhenItsRoundFitsMoreThanOneMinibatch() {
        assertThat(BarrierAveraging.roundPrefetch(settings(1, 2))).isZero(); // keep-batch's split rounds
        assertThat(BarrierAveraging.roundPrefetch(settings(10, 2))).isEqualTo(2);
        assertThat(BarrierAveraging.roundPrefetch(settings(10, 0))).isZero();
    }

    private static BarrierAveraging.Settings settings(int frequency, int prefetch) {
        return new BarrierAveraging.Settings(2, frequency, 64, prefetch, List.of(), List.of());
    }
}

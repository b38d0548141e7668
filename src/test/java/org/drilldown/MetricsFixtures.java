package org.drilldown;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.drilldown.train.AveragingRound;
import org.drilldown.train.EpochResult;
import org.drilldown.train.RunInfo;
import org.drilldown.train.Score;

/** Small, valid run and epoch events for tests that write real metric tables without training. */
public final class MetricsFixtures {
    private MetricsFixtures() {}

    public static RunInfo run(String id) {
        return new RunInfo(
                id,
                Instant.now(),
                1,
                "local[2]",
                1,
                2,
                0,
                2,
                "{}",
                Map.of("java", "17"),
                Map.of("f", "0"),
                "test",
                false,
                Map.of("OMP_NUM_THREADS", "1"));
    }

    public static EpochResult epoch(int e) {
        return new EpochResult(
                "4",
                e,
                15,
                0.01,
                Score.ofSum(100, 99, 3.0),
                Score.ofSum(50, 49, 2.0),
                Score.ofSum(100, 98, 4.0),
                1.5,
                100,
                0.5,
                List.of(new AveragingRound(1, e * 10 - 5, 0.2, 0.7), new AveragingRound(2, e * 10, 0.1, 0.8)),
                List.of(),
                "f".repeat(64));
    }
}

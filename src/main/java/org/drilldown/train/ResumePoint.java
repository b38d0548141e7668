package org.drilldown.train;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a run continues: the steps it finished (skipped) and the epochs already recorded for a step it
 * did not finish (training restarts after the last, from its checkpoint), and when the run first started.
 * {@link #NONE} for a new run.
 */
public record ResumePoint(Instant startedAt, Set<String> finishedSteps, Map<String, List<EpochResult>> recordedEpochs) {
    public static final ResumePoint NONE = new ResumePoint(null, Set.of(), Map.of());

    public ResumePoint {
        finishedSteps = Set.copyOf(finishedSteps);
        recordedEpochs = Map.copyOf(recordedEpochs);
    }

    public boolean resuming() {
        return this != NONE;
    }

    List<EpochResult> recordedEpochs(String step) {
        return recordedEpochs.getOrDefault(step, List.of());
    }
}

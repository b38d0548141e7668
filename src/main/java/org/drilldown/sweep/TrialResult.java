package org.drilldown.sweep;

import java.util.List;
import org.drilldown.train.EpochResult;

/**
 * Where a trial's run stands after a rung: the epochs it has trained in all (earlier rungs included), its best
 * and its last validation accuracy (percent); or, when it failed, the failure's first line (the rest null).
 */
public record TrialResult(int epochsTrained, Double bestValAccuracy, Double lastValAccuracy, String failure) {

    public static TrialResult of(List<EpochResult> epochs) {
        if (epochs.isEmpty()) {
            return new TrialResult(0, null, null, null);
        }
        double best = epochs.stream()
                .mapToDouble(e -> e.validation().accuracy())
                .max()
                .orElseThrow();
        return new TrialResult(
                epochs.size(), best, epochs.get(epochs.size() - 1).validation().accuracy(), null);
    }

    public static TrialResult failed(int epochsTrained, String failure) {
        return new TrialResult(epochsTrained, null, null, failure);
    }

    public boolean isFailed() {
        return failure != null;
    }
}

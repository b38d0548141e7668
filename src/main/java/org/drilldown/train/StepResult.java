package org.drilldown.train;

import java.util.List;
import org.drilldown.config.StepSpec;

/** A finished step: its spec, trainable parameter count and every epoch's result, in order. */
public record StepResult(StepSpec spec, long params, List<EpochResult> epochs) {

    public StepResult {
        epochs = List.copyOf(epochs);
    }

    public double bestTrainAccuracy() {
        return epochs.stream().mapToDouble(e -> e.train().accuracy()).max().orElse(Double.NaN);
    }

    public double bestTestAccuracy() {
        return epochs.stream().mapToDouble(e -> e.test().accuracy()).max().orElse(Double.NaN);
    }
}

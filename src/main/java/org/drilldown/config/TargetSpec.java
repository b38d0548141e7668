package org.drilldown.config;

/** The exercise's constraints: test accuracy in each of the last epochs, fewer parameters, at most so many epochs. */
public record TargetSpec(double testAccuracy, int lastEpochs, long maxParams, int maxEpochs) {

    public TargetSpec {
        if (!(testAccuracy > 0 && testAccuracy <= 100)) {
            throw new ConfigError("drilldown.target.test-accuracy", testAccuracy, "a percentage in (0, 100]");
        }
        if (lastEpochs < 1) {
            throw new ConfigError("drilldown.target.last-epochs", lastEpochs, "must be at least 1");
        }
        if (maxParams < 1) {
            throw new ConfigError("drilldown.target.max-params", maxParams, "must be at least 1");
        }
        if (maxEpochs < 1) {
            throw new ConfigError("drilldown.target.max-epochs", maxEpochs, "must be at least 1");
        }
    }

    /** The target {@code step} is judged against: this one, with the step's own goal where it sets one. */
    public TargetSpec forStep(StepSpec step) {
        StepGoal goal = step.goal();
        return new TargetSpec(
                goal.testAccuracy() > 0 ? goal.testAccuracy() : testAccuracy,
                lastEpochs,
                goal.maxParams() > 0 ? goal.maxParams() : maxParams,
                maxEpochs);
    }
}

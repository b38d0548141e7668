package org.drilldown.config;

/**
 * A step's own bar, where it asks more than the exercise's {@code drilldown.target} (step 5: a higher accuracy
 * with fewer parameters); 0 keeps the exercise's value. The last-epochs and epoch rules stay the exercise's.
 */
public record StepGoal(double testAccuracy, long maxParams) {
    /** No goal of the step's own: the exercise's target applies as it is. */
    public static final StepGoal NONE = new StepGoal(0, 0);

    public StepGoal {
        if (!(testAccuracy >= 0 && testAccuracy <= 100)) {
            throw new ConfigError("goal.test-accuracy", testAccuracy, "0 (the exercise's) or a percentage in (0, 100]");
        }
        if (maxParams < 0) {
            throw new ConfigError("goal.max-params", maxParams, "0 (the exercise's) or a positive count");
        }
    }
}

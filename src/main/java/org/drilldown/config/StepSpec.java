package org.drilldown.config;

import java.util.List;

/**
 * One drill-down step as configured in {@code conf/steps.conf}: the model, its training recipe and
 * the prose (description, target) the report prints, the seed's published accuracies (0 = none), and a goal of
 * the step's own where it is stricter than the exercise's ({@link StepGoal}).
 */
public record StepSpec(
        String key,
        String name,
        String description,
        List<String> target,
        List<String> layers,
        boolean batchNorm,
        double dropout,
        int epochs,
        int batchSize,
        double learningRate,
        double momentum,
        double weightDecay,
        LrSchedule lrSchedule,
        double rotationDegrees,
        long expectedParams,
        double referenceBestTrainAccuracy,
        double referenceBestTestAccuracy,
        StepGoal goal) {

    /**
     * The most epochs a step (or the {@code drilldown.epochs} cap) may ask for: 66 times the exercise's 15,
     * days of training on a CPU; a larger count is a typo, not a plan.
     */
    public static final int MAX_EPOCHS = 1000;
    /** The largest base learning rate: SGD on these models diverges far below it; Infinity or 1e308 is a typo. */
    public static final double MAX_LEARNING_RATE = 10;

    public StepSpec {
        String at = "drilldown.steps." + key + ".";
        target = List.copyOf(target);
        layers = List.copyOf(layers);
        java.util.Objects.requireNonNull(goal, "goal");
        if (layers.isEmpty()) {
            throw new ConfigError(at + "layers", layers, "list at least one layer, ending with \"output N\"");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new ConfigError(at + "dropout", dropout, "a drop probability in [0, 1)");
        }
        if (epochs < 1 || epochs > MAX_EPOCHS) {
            throw new ConfigError(at + "epochs", epochs, "must be in 1.." + MAX_EPOCHS);
        }
        if (batchSize < 1) {
            throw new ConfigError(at + "batch-size", batchSize, "must be at least 1");
        }
        if (!(learningRate > 0 && learningRate <= MAX_LEARNING_RATE)) {
            throw new ConfigError(at + "learning-rate", learningRate, "must be in (0, 10]");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new ConfigError(at + "momentum", momentum, "must be in [0, 1)");
        }
        if (!(weightDecay >= 0 && weightDecay < 1)) {
            throw new ConfigError(at + "weight-decay", weightDecay, "must be in [0, 1)");
        }
        if (!(rotationDegrees >= 0 && rotationDegrees <= 180)) {
            throw new ConfigError(at + "rotation-degrees", rotationDegrees, "must be in [0, 180]");
        }
        if (expectedParams < 0) {
            throw new ConfigError(at + "expected-params", expectedParams, "0 (unchecked) or a positive count");
        }
        if (!(referenceBestTrainAccuracy >= 0 && referenceBestTrainAccuracy <= 100)) {
            throw new ConfigError(
                    at + "reference.best-train-accuracy", referenceBestTrainAccuracy, "a percentage in [0, 100]");
        }
        if (!(referenceBestTestAccuracy >= 0 && referenceBestTestAccuracy <= 100)) {
            throw new ConfigError(
                    at + "reference.best-test-accuracy", referenceBestTestAccuracy, "a percentage in [0, 100]");
        }
    }

    /** Same step with at most {@code maxEpochs} epochs (0 = no cap); a step with fewer keeps its own count. */
    public StepSpec withEpochCap(int maxEpochs) {
        if (maxEpochs <= 0 || maxEpochs >= epochs) {
            return this;
        }
        return new StepSpec(
                key,
                name,
                description,
                target,
                layers,
                batchNorm,
                dropout,
                maxEpochs,
                batchSize,
                learningRate,
                momentum,
                weightDecay,
                lrSchedule,
                rotationDegrees,
                expectedParams,
                referenceBestTrainAccuracy,
                referenceBestTestAccuracy,
                goal);
    }

    /** Learning rate for a 1-based epoch. */
    public double learningRateAt(int epoch) {
        return lrSchedule.rateAt(learningRate, epoch);
    }
}

package org.drilldown.train;

import java.util.Locale;

/**
 * An epoch whose training loss is NaN or infinite: the weights are lost, and every later epoch would only
 * record NaN. A failure (exit 1), not bad input; its message is the one line the run's {@code failed} row keeps.
 */
public final class TrainingDiverged extends RuntimeException {
    public TrainingDiverged(String step, int epoch, double learningRate, double loss) {
        super(String.format(
                Locale.ROOT,
                "training diverged: step %s epoch %d has training loss %s at learning rate %s; lower"
                        + " drilldown.steps.%s.learning-rate (or its lr-schedule factors)",
                step,
                epoch,
                loss,
                learningRate,
                step));
    }

    /** Throws if {@code loss}, the mean training loss of step {@code step}'s epoch {@code epoch}, is not finite. */
    static void check(String step, int epoch, double learningRate, double loss) {
        if (!Double.isFinite(loss)) {
            throw new TrainingDiverged(step, epoch, learningRate, loss);
        }
    }
}

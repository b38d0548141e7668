package org.drilldown.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.drilldown.config.TargetSpec;
import org.drilldown.train.EpochResult;
import org.drilldown.train.StepResult;

/**
 * A step's Result and Analysis computed from its epochs, in the seed's terms: the train/test gap
 * (over- or under-fitting), the trend and spread of the last epochs, and whether each constraint holds.
 */
public record StepAnalysis(
        double lastMinTestAccuracy,
        double lastMaxTestAccuracy,
        double lastTrend,
        double trainTestGap,
        boolean paramsOk,
        boolean epochsOk,
        boolean accuracyOk,
        String text) {

    public boolean targetMet() {
        return paramsOk && epochsOk && accuracyOk;
    }

    public static StepAnalysis of(StepResult step, TargetSpec target) {
        List<EpochResult> epochs = step.epochs();
        List<EpochResult> last = epochs.subList(Math.max(0, epochs.size() - target.lastEpochs()), epochs.size());
        double min = last.stream().mapToDouble(e -> e.test().accuracy()).min().orElse(Double.NaN);
        double max = last.stream().mapToDouble(e -> e.test().accuracy()).max().orElse(Double.NaN);
        double trend = last.isEmpty()
                ? Double.NaN
                : last.get(last.size() - 1).test().accuracy()
                        - last.get(0).test().accuracy();
        double gap = step.bestTrainAccuracy() - step.bestTestAccuracy();
        boolean paramsOk = step.params() < target.maxParams();
        boolean epochsOk = epochs.size() <= target.maxEpochs();
        boolean accuracyOk = last.size() == target.lastEpochs() && min >= target.testAccuracy();

        List<String> lines = new ArrayList<>();
        lines.add(fit(gap, step.bestTestAccuracy(), lastRise(epochs)));
        lines.add(f(
                "Last %d epochs: test %.2f-%.2f %% (spread %.2f points, %s %+.2f).",
                last.size(), min, max, max - min, trend > 0.05 ? "rising" : trend < -0.05 ? "falling" : "flat", trend));
        lines.add(f("Parameters %,d %s %,d.", step.params(), paramsOk ? "<" : "is not below", target.maxParams()));
        lines.add(f("Epochs %d %s %d.", epochs.size(), epochsOk ? "<=" : ">", target.maxEpochs()));
        lines.add(
                accuracyOk
                        ? f(
                                "Target met: every one of the last %d epochs reached >= %.2f %%.",
                                target.lastEpochs(), target.testAccuracy())
                        : f(
                                "Target not met: the last %d epochs need >= %.2f %% each; the lowest was %.2f %%.",
                                target.lastEpochs(), target.testAccuracy(), min));
        return new StepAnalysis(min, max, trend, gap, paramsOk, epochsOk, accuracyOk, String.join(" ", lines));
    }

    /** Below this best test accuracy a model is still learning the task, whatever its train/test gap. */
    static final double CONVERGED_ACCURACY = 95.0;
    /** A last epoch that still raised test accuracy by more than this many points: not converged yet. */
    static final double STILL_RISING = 0.5;

    private static double lastRise(List<EpochResult> epochs) {
        int n = epochs.size();
        return n < 2
                ? 0
                : epochs.get(n - 1).test().accuracy() - epochs.get(n - 2).test().accuracy();
    }

    /** The seed's fit verdict; a gap is read as overfitting only once the model has converged. */
    private static String fit(double gap, double bestTest, double lastRise) {
        if (bestTest < CONVERGED_ACCURACY || lastRise > STILL_RISING) {
            return f(
                    "Not converged yet: best test accuracy %.2f %%, %+.2f points in the last epoch; the train/test gap"
                            + " (%+.2f points) says nothing about overfitting until accuracy levels off.",
                    bestTest, lastRise, gap);
        }
        if (gap > 0.5) {
            return f("Overfitting: best train accuracy is %.2f points above best test.", gap);
        }
        if (gap < -0.1) {
            return f(
                    "Not overfitting: best test accuracy is %.2f points above best train (regularisation at work).",
                    -gap);
        }
        return f(
                "Train and test agree within %.2f points: no overfitting; capacity or training time limits accuracy.",
                Math.abs(gap));
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}

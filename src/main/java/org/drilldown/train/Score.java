package org.drilldown.train;

import java.io.Serializable;

/** Loss and accuracy summed over examples; partial scores from partitions merge into one. */
public record Score(long count, long correct, double lossSum) implements Serializable {
    public static final Score EMPTY = new Score(0, 0, 0);

    /** Back from a metric row: {@code count} examples at {@code accuracy} percent and mean {@code loss}. */
    public static Score of(long count, double accuracy, double loss) {
        return new Score(count, Math.round(accuracy * count / 100.0), loss * count);
    }

    public Score plus(Score other) {
        return new Score(count + other.count, correct + other.correct, lossSum + other.lossSum);
    }

    /** Mean cross-entropy per example. */
    public double loss() {
        return count == 0 ? Double.NaN : lossSum / count;
    }

    /** Accuracy in percent. */
    public double accuracy() {
        return count == 0 ? Double.NaN : 100.0 * correct / count;
    }
}

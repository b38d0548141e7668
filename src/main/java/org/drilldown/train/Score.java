package org.drilldown.train;

import java.io.Serializable;

/**
 * Loss and accuracy summed over examples; partial scores from partitions merge into one. The loss sum is kept
 * in fixed point ({@link #LOSS_UNIT} units, 2^-32), so sums are exact and the same whatever order Spark adds the
 * partitions' scores in; 60,000 examples at a loss of 30 each stay far below a long's range.
 */
public record Score(long count, long correct, long lossUnits) implements Serializable {
    public static final Score EMPTY = new Score(0, 0, 0);
    static final double LOSS_UNIT = 0x1p-32;

    /** {@code count} examples, {@code correct} of them right, with cross-entropies adding up to {@code lossSum}. */
    public static Score ofSum(long count, long correct, double lossSum) {
        return new Score(count, correct, Math.round(lossSum / LOSS_UNIT));
    }

    /** Back from a metric row: {@code count} examples at {@code accuracy} percent and mean {@code loss}. */
    public static Score of(long count, double accuracy, double loss) {
        return ofSum(count, Math.round(accuracy * count / 100.0), loss * count);
    }

    public Score plus(Score other) {
        return new Score(count + other.count, correct + other.correct, lossUnits + other.lossUnits);
    }

    /** The summed cross-entropy. */
    public double lossSum() {
        return lossUnits * LOSS_UNIT;
    }

    /** Mean cross-entropy per example. */
    public double loss() {
        return count == 0 ? Double.NaN : lossSum() / count;
    }

    /** Accuracy in percent. */
    public double accuracy() {
        return count == 0 ? Double.NaN : 100.0 * correct / count;
    }
}

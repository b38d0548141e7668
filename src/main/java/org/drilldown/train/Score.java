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
    /** The loss units of a sum that holds a NaN or infinite loss: it stays so through {@link #plus}. */
    static final long NOT_FINITE = Long.MIN_VALUE;
    /** Sums at least this large (2^30 in loss, far past 60,000 clamped cross-entropies) count as not finite. */
    private static final double MAX_UNITS = 0x1p62;

    /**
     * {@code count} examples, {@code correct} of them right, with cross-entropies adding up to {@code lossSum}.
     * A NaN or infinite sum is kept as {@link #NOT_FINITE} (rounding would make it 0, a perfect loss), so a
     * diverged epoch reads as one.
     */
    public static Score ofSum(long count, long correct, double lossSum) {
        double units = lossSum / LOSS_UNIT;
        if (!(Math.abs(units) < MAX_UNITS)) {
            return new Score(count, correct, count == 0 ? 0 : NOT_FINITE);
        }
        return new Score(count, correct, Math.round(units));
    }

    /** Back from a metric row: {@code count} examples at {@code accuracy} percent and mean {@code loss}. */
    public static Score of(long count, double accuracy, double loss) {
        return ofSum(count, Math.round(accuracy * count / 100.0), loss * count);
    }

    public Score plus(Score other) {
        long units =
                lossUnits == NOT_FINITE || other.lossUnits == NOT_FINITE ? NOT_FINITE : lossUnits + other.lossUnits;
        return new Score(count + other.count, correct + other.correct, units);
    }

    /** The summed cross-entropy; NaN if a summed loss was not finite. */
    public double lossSum() {
        return lossUnits == NOT_FINITE ? Double.NaN : lossUnits * LOSS_UNIT;
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

package org.drilldown.data;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Summary statistics of one split, computed with Spark (seed step 1): count, class histogram, and pixel
 * mean and standard deviation on the [0, 1] scale, which normalise the inputs.
 */
public record SplitStats(String split, long count, double mean, double std, long[] classCounts) {

    public static SplitStats of(String split, Dataset<Row> frame) {
        Accumulator total = frame.javaRDD().aggregate(new Accumulator(), Accumulator::add, Accumulator::merge);
        return total.toStats(split);
    }

    /**
     * Running sums over rows of {@link MnistFrames#SCHEMA}; merged across partitions. The sums are of the raw
     * bytes, in integers: exact, so the statistics (and the normalisation they feed) are the same bits whatever
     * order Spark merges the partitions in.
     */
    static final class Accumulator implements Serializable {
        private long count;
        private long sum;
        private long sumSquares;
        private final long[] classes = new long[MnistSplit.CLASSES];

        Accumulator add(Row row) {
            count++;
            classes[row.getInt(1)]++;
            for (byte b : (byte[]) row.get(2)) {
                int v = b & 0xFF;
                sum += v;
                sumSquares += v * v;
            }
            return this;
        }

        Accumulator merge(Accumulator other) {
            count += other.count;
            sum += other.sum;
            sumSquares += other.sumSquares;
            for (int i = 0; i < classes.length; i++) {
                classes[i] += other.classes[i];
            }
            return this;
        }

        SplitStats toStats(String split) {
            double n = (double) count * MnistSplit.PIXELS;
            double mean = n == 0 ? 0 : sum / n / 255.0;
            double variance = n == 0 ? 0 : Math.max(0, sumSquares / n / (255.0 * 255.0) - mean * mean);
            return new SplitStats(split, count, mean, Math.sqrt(variance), Arrays.copyOf(classes, classes.length));
        }
    }
}

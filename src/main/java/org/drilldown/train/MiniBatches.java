package org.drilldown.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.drilldown.augment.RandomRotation;
import org.drilldown.augment.Seeds;
import org.drilldown.data.MnistSplit;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Partition function: rows of {@code MnistFrames.SCHEMA} to normalised DataSets of {@code batchSize}
 * examples ([n, 1, 28, 28] features, one-hot labels), rotated on the way when a rotation is given.
 * With {@code shuffleSeed != null} the partition's order is shuffled, seeded by (seed, partition).
 */
public final class MiniBatches implements FlatMapFunction<Iterator<Row>, DataSet> {
    private final RandomRotation rotation;
    private final float mean;
    private final float std;
    private final int batchSize;
    private final Long shuffleSeed;

    public MiniBatches(RandomRotation rotation, double mean, double std, int batchSize, Long shuffleSeed) {
        this.rotation = rotation;
        this.mean = (float) mean;
        this.std = (float) std;
        this.batchSize = batchSize;
        this.shuffleSeed = shuffleSeed;
    }

    @Override
    public Iterator<DataSet> call(Iterator<Row> rows) {
        List<Row> all = new ArrayList<>();
        rows.forEachRemaining(all::add);
        if (shuffleSeed != null) {
            TaskContext task = TaskContext.get();
            long partition = task == null ? 0 : task.partitionId();
            Collections.shuffle(all, new Random(Seeds.derive(shuffleSeed, partition)));
        }
        // Built one at a time as the consumer asks: a partition's minibatches never sit in memory all at once,
        // and a prefetching consumer (the single-process bench) overlaps building them with training.
        return new Iterator<>() {
            private int start;

            @Override
            public boolean hasNext() {
                return start < all.size();
            }

            @Override
            public DataSet next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<Row> rows = all.subList(start, Math.min(all.size(), start + batchSize));
                start += rows.size();
                return batch(rows);
            }
        };
    }

    private DataSet batch(List<Row> rows) {
        int n = rows.size();
        float[] features = new float[n * MnistSplit.PIXELS];
        float[] labels = new float[n * MnistSplit.CLASSES];
        float[] image = new float[MnistSplit.PIXELS];
        for (int i = 0; i < n; i++) {
            Row row = rows.get(i);
            byte[] pixels = (byte[]) row.get(2);
            for (int p = 0; p < pixels.length; p++) {
                image[p] = (pixels[p] & 0xFF) / 255f;
            }
            float[] shown =
                    rotation == null ? image : rotation.apply(row.getLong(0), image, MnistSplit.ROWS, MnistSplit.COLS);
            int offset = i * MnistSplit.PIXELS;
            for (int p = 0; p < shown.length; p++) {
                features[offset + p] = (shown[p] - mean) / std;
            }
            labels[i * MnistSplit.CLASSES + row.getInt(1)] = 1f;
        }
        return new DataSet(
                Nd4j.create(features, new long[] {n, 1, MnistSplit.ROWS, MnistSplit.COLS}, 'c'),
                Nd4j.create(labels, new long[] {n, MnistSplit.CLASSES}, 'c'));
    }
}

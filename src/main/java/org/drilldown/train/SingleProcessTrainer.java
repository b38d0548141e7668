package org.drilldown.train;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.deeplearning4j.datasets.iterator.AsyncDataSetIterator;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.drilldown.augment.RandomRotation;
import org.drilldown.data.MnistSplit;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The same step trained in one JVM without Spark: the yardstick that measures what parameter averaging
 * costs. Builds its minibatches with the job's own {@link MiniBatches}, so the inputs match.
 */
public final class SingleProcessTrainer {
    private static final int PREFETCH_BATCHES = 4;
    private final double mean;
    private final double std;

    public SingleProcessTrainer(double mean, double std) {
        this.mean = mean;
        this.std = std;
    }

    /** Minibatches of {@code split}, rotated as {@code rotation} says (may be null), shuffled by {@code seed}. */
    public List<DataSet> batches(MnistSplit split, RandomRotation rotation, int batchSize, Long seed) {
        List<DataSet> out = new ArrayList<>();
        lazyBatches(split, rotation, batchSize, seed).forEachRemaining(out::add);
        return out;
    }

    /** The same minibatches as {@link #batches}, each built when it is asked for. */
    public Iterator<DataSet> lazyBatches(MnistSplit split, RandomRotation rotation, int batchSize, Long seed) {
        List<Row> rows = new ArrayList<>(split.size());
        for (int i = 0; i < split.size(); i++) {
            rows.add(RowFactory.create((long) i, (int) split.labels()[i], split.images()[i]));
        }
        return new MiniBatches(rotation, mean, std, batchSize, seed).call(rows.iterator());
    }

    /**
     * Fits one pass over {@code batches} the way DL4J trains from an iterator: its AsyncDataSetIterator builds
     * the next minibatches (rotation, normalisation) on its own thread while the network trains. Returns the
     * wall seconds, building included, as the PyTorch yardstick's epoch time includes its own rotation.
     */
    public static double fit(MultiLayerNetwork net, Iterator<DataSet> batches) {
        long start = System.nanoTime();
        AsyncDataSetIterator prefetched =
                new AsyncDataSetIterator(new ExistingDataSetIterator(batches), PREFETCH_BATCHES);
        try {
            net.fit(prefetched);
        } finally {
            prefetched.shutdown();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Scores {@code batches} with dropout off; returns the score and fills {@code seconds[0]}. */
    public static Score score(MultiLayerNetwork net, List<DataSet> batches, double[] seconds) {
        long start = System.nanoTime();
        Score total = Score.EMPTY;
        for (DataSet batch : batches) {
            total = total.plus(ScorePartition.score(net.output(batch.getFeatures(), false), batch.getLabels()));
        }
        seconds[0] = (System.nanoTime() - start) / 1e9;
        return total;
    }
}

package org.drilldown.train;

import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.drilldown.config.Averaging;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Fits a step's epochs with parameter averaging: in one barrier stage an epoch ({@link BarrierAveraging}) where
 * the configuration asks for it and Spark can run one, else through DL4J's {@link RecordingTrainingMaster}, a Spark
 * job a round. Both deal the minibatches alike, so which one ran changes the time, not the parameters.
 */
final class EpochFitter {
    private static final Logger LOG = LoggerFactory.getLogger(EpochFitter.class);
    private final JavaSparkContext sc;
    private final int workers;
    private final int frequency;
    private final Averaging averaging;
    private final ScoreAccumulator fitted;
    private final RecordingTrainingMaster master;
    private final SparkDl4jMultiLayer sparkNet;
    private final BarrierAveraging.Settings barrier;
    private String lastChoice = "";
    private long epochSeed;
    private long epochStart;

    EpochFitter(
            JavaSparkContext sc,
            MultiLayerNetwork net,
            int workers,
            int frequency,
            int prefetch,
            int batchSize,
            Averaging averaging,
            long stepSeed,
            ScoreAccumulator fitted) {
        this.sc = sc;
        this.workers = workers;
        this.frequency = frequency;
        this.averaging = averaging;
        this.fitted = fitted;
        FittedBatchScore listener = new FittedBatchScore(fitted);
        this.master = StepTrainer.trainingMaster(
                workers, batchSize, frequency, prefetch,
                null, // the export approach goes through fitPaths with BatchFiles; DL4J's own export is never used
                stepSeed);
        this.sparkNet = new SparkDl4jMultiLayer(sc, net, master);
        sparkNet.setListeners(listener);
        this.barrier = new BarrierAveraging.Settings(
                Math.max(1, workers), frequency, batchSize, prefetch, workerHooks(), List.of(listener));
    }

    /** The hooks every worker runs before each minibatch, in DL4J's jobs and in the barrier stage alike. */
    static List<TrainingHook> workerHooks() {
        return List.of(new InPlaceUpdaterHook(), new DropoutStreamHook());
    }

    MultiLayerNetwork network() {
        return sparkNet.getNetwork();
    }

    /** Starts an epoch whose minibatches are dealt with a generator seeded from {@code seed}. */
    void startEpoch(long seed) {
        epochSeed = seed;
        epochStart = System.nanoTime();
        master.startEpoch(seed);
        sparkNet.setCollectTrainingStats(false); // off and on: DL4J starts a fresh set of stats for this epoch
        sparkNet.setCollectTrainingStats(true);
    }

    /**
     * Fits the epoch's minibatch files (the export approach). DL4J's parameter averaging fits
     * {@code averaging-frequency} minibatches per worker and round and leaves out the minibatches that do not fill
     * a whole round of every worker (up to workers x frequency - 1 an epoch: 480 of MNIST's 60,000 images at the
     * defaults, 15 % of a 3,000-image run). So the whole rounds go first, in one fit, and the rest as one short
     * round of its own; the barrier stage deals them the same way ({@link PathRounds}).
     */
    EpochFit fitFiles(List<String> paths) {
        String unusable = averaging == Averaging.BARRIER ? BarrierAveraging.unusableBecause(sc, workers) : null;
        if (averaging == Averaging.BARRIER && unusable == null) {
            logChoice("averaging in one barrier stage an epoch");
            try {
                return BarrierAveraging.fit(
                        sc, sparkNet.getNetwork(), paths, barrier, new Random(epochSeed), epochStart);
            } catch (BarrierAveraging.StageLost e) {
                // Nothing of the stage reached the network: DL4J's jobs train the same epoch to the same bits. A
                // worker may have finished before another was lost: its fitted minibatches count no more.
                LOG.warn(
                        "{}; the epoch trains again with DL4J's master, a Spark job a round ({})",
                        e.getMessage(),
                        String.valueOf(e.getCause().getMessage())
                                .lines()
                                .findFirst()
                                .orElse(""));
                fitted.reset();
                unusable = e.getMessage();
            }
        }
        logChoice(
                unusable == null
                        ? "averaging with DL4J's master, a Spark job a round"
                        : "averaging with DL4J's master, a Spark job a round: " + unusable);
        int round = Math.max(1, workers) * frequency;
        int whole = paths.size() / round * round;
        for (List<String> part : List.of(paths.subList(0, whole), paths.subList(whole, paths.size()))) {
            if (!part.isEmpty()) {
                sparkNet.fitPaths(sc.parallelize(part, Math.max(1, workers)), new BatchFiles.Loader());
            }
        }
        return dl4jFit();
    }

    /**
     * Fits an RDD of minibatches (DL4J's Direct approach, always through DL4J's master): numbered, and worker
     * partition p holds the minibatches numbered p modulo workers, of the whole rounds (DL4J deals each partition's
     * share out evenly over the rounds only when it divides evenly) and then of the rest. Costs a shuffle of the
     * epoch's minibatches; each partition is sorted by number, since a shuffle fetches its blocks in a random order
     * and the same seed must give the same run.
     */
    EpochFit fitBatches(JavaRDD<DataSet> batches) {
        logChoice("averaging with DL4J's master, a Spark job a round (the direct approach)");
        int parts = Math.max(1, workers);
        long round = (long) parts * frequency;
        JavaPairRDD<Long, DataSet> numbered =
                batches.zipWithIndex().mapToPair(Tuple2::swap).persist(StorageLevel.MEMORY_AND_DISK_SER());
        try {
            long count = numbered.count();
            long whole = count / round * round;
            // Long keys below 2^31 hash to themselves: HashPartitioner puts minibatch i in partition i % parts.
            JavaRDD<DataSet> rounds = numbered.filter(b -> b._1() < whole)
                    .repartitionAndSortWithinPartitions(new HashPartitioner(parts))
                    .values();
            JavaRDD<DataSet> rest = numbered.filter(b -> b._1() >= whole)
                    .repartitionAndSortWithinPartitions(new HashPartitioner(parts))
                    .values();
            if (whole > 0) {
                sparkNet.fit(rounds);
            }
            if (count > whole) {
                sparkNet.fit(rest);
            }
        } finally {
            numbered.unpersist(false);
        }
        return dl4jFit();
    }

    /** Deletes what DL4J kept for the epoch. */
    void endEpoch() {
        master.deleteTempFiles(sc);
    }

    private EpochFit dl4jFit() {
        return new EpochFit(master.rounds(), TrainingStats.timings(sparkNet.getSparkTrainingStats()));
    }

    private void logChoice(String choice) {
        if (!Objects.equals(choice, lastChoice)) {
            LOG.info(choice);
            lastChoice = choice;
        }
    }
}

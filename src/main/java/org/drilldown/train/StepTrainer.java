package org.drilldown.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.drilldown.augment.RandomRotation;
import org.drilldown.augment.Seeds;
import org.drilldown.config.JobConfig;
import org.drilldown.config.StepSpec;
import org.drilldown.config.TrainAccuracy;
import org.drilldown.data.SplitStats;
import org.drilldown.model.InPlaceUpdater;
import org.drilldown.model.ParamCount;
import org.drilldown.model.StepModels;
import org.drilldown.storage.StorePath;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Trains one step with DL4J parameter averaging: every epoch re-augments the training frame in its
 * partitions, fits through {@link ParameterAveragingTrainingMaster} (the export approach with {@link BatchFiles},
 * or DL4J's Direct approach; updater state kept across averaging rounds), then scores the
 * model on the test set. Train scores come from the fitted minibatches ({@link FittedBatchScore}) or, as
 * configured, from a pass over (a fixed sample of) that epoch's rotated training images.
 */
final class StepTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(StepTrainer.class);
    private final JavaSparkContext sc;
    private final JobConfig config;
    private final int workers;
    private final SplitStats trainStats;
    private final StorePath exportDir; // null: the Direct approach
    private final Checkpoints checkpoints;

    StepTrainer(
            JavaSparkContext sc,
            JobConfig config,
            int workers,
            SplitStats trainStats,
            StorePath exportDir,
            Checkpoints checkpoints) {
        this.checkpoints = checkpoints;
        this.sc = sc;
        this.config = config;
        this.workers = workers;
        this.trainStats = trainStats;
        this.exportDir = exportDir;
    }

    /**
     * Trains the step's epochs after those in {@code recorded} (from a resumed run; empty for a new one),
     * continuing from the checkpoint of the last recorded epoch.
     */
    StepResult train(
            RunInfo run,
            StepSpec step,
            Dataset<Row> trainFrame,
            Dataset<Row> validationFrame,
            Dataset<Row> testFrame,
            List<TrainingListener> listeners,
            List<EpochResult> recorded) {
        long stepSeed = Seeds.derive(config.seed(), step.key().hashCode());
        MultiLayerNetwork net =
                recorded.isEmpty() ? StepModels.network(step, stepSeed) : checkpoints.load(step.key(), recorded.size());
        long params = ParamCount.trainable(net);
        listeners.forEach(l -> l.onStepStart(run, step, params));

        RecordingTrainingMaster master = trainingMaster(
                workers,
                step.batchSize(),
                config.averagingFrequency(),
                config.prefetchBatches(),
                null, // the export approach goes through fitPaths with BatchFiles; DL4J's own export is never used
                stepSeed);
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, net, master);
        // Every fitted minibatch is scored and counted: the count is what the epoch really trained on.
        ScoreAccumulator fitted = new ScoreAccumulator();
        sc.sc().register(fitted, "fitted batches, step " + step.key());
        sparkNet.setListeners(new FittedBatchScore(fitted));

        JavaRDD<DataSet> testBatches =
                batches(testFrame, null, config.evalBatchSize(), null).persist(StorageLevel.MEMORY_ONLY_SER());
        JavaRDD<DataSet> validationBatches = validationFrame == null
                ? null
                : batches(validationFrame, null, config.evalBatchSize(), null).persist(StorageLevel.MEMORY_ONLY_SER());
        long trainImages = trainFrame.count();
        List<EpochResult> epochs = new ArrayList<>(recorded);
        try {
            for (int epoch = recorded.size() + 1; epoch <= step.epochs(); epoch++) {
                EpochResult result = epoch(
                        step,
                        epoch,
                        sparkNet,
                        master,
                        fitted,
                        trainFrame,
                        new EvalBatches(validationBatches, testBatches),
                        trainImages,
                        stepSeed);
                epochs.add(result);
                // Checkpoint first: an epoch with metric rows always has its checkpoint to resume from.
                checkpoints.save(step.key(), epoch, sparkNet.getNetwork());
                TestHalt.at("after-checkpoint:" + step.key() + ":" + epoch);
                listeners.forEach(l -> l.onEpochEnd(run, result));
                checkpoints.discardBefore(step.key(), epoch); // the rows are written: epoch's checkpoint suffices
            }
        } finally {
            testBatches.unpersist(false);
            if (validationBatches != null) {
                validationBatches.unpersist(false);
            }
        }
        return new StepResult(step, params, epochs);
    }

    private EpochResult epoch(
            StepSpec step,
            int epoch,
            SparkDl4jMultiLayer sparkNet,
            RecordingTrainingMaster master,
            ScoreAccumulator fitted,
            Dataset<Row> trainFrame,
            EvalBatches eval,
            long trainImages,
            long stepSeed) {
        double lr = config.lrScaling().rateAt(step, workers, epoch);
        InPlaceUpdater.setLearningRate(sparkNet.getNetwork(), lr);
        RandomRotation rotation =
                step.rotationDegrees() > 0 ? new RandomRotation(stepSeed, epoch, step.rotationDegrees()) : null;

        long start = System.nanoTime();
        master.startEpoch(Seeds.derive(stepSeed, epoch, 1));
        fitted.reset();
        sparkNet.setCollectTrainingStats(false); // off and on: DL4J starts a fresh set of stats for this epoch
        sparkNet.setCollectTrainingStats(true);
        JavaRDD<DataSet> epochBatches = batches(trainFrame, rotation, step.batchSize(), Seeds.derive(stepSeed, epoch));
        if (exportDir == null) {
            fitEveryBatch(sparkNet, epochBatches); // the Direct approach
        } else {
            StorePath dir = exportDir.resolve("batches-" + step.key() + "-" + epoch + "-" + UUID.randomUUID());
            try {
                fitEveryBatch(sparkNet, BatchFiles.write(sc, epochBatches, dir));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write or list the minibatch files under " + dir, e);
            } finally {
                dir.deleteQuietly(exportDir); // scratch: the next epoch writes its own
            }
        }
        double fitSeconds = (System.nanoTime() - start) / 1e9;
        long trained = fitted.value().count();
        if (trained > 0) {
            // Before evaluating and checkpointing: a NaN network is worth neither.
            TrainingDiverged.check(step.key(), epoch, lr, fitted.value().loss());
        }
        if (trained != trainImages) {
            LOG.warn(
                    "step {} epoch {}: the workers fitted {} images, the epoch has {}",
                    step.key(),
                    epoch,
                    trained,
                    trainImages);
        }
        List<WorkerTiming> timings = TrainingStats.timings(sparkNet.getSparkTrainingStats());

        long evalStart = System.nanoTime();
        MultiLayerNetwork net = sparkNet.getNetwork();
        Broadcast<INDArray> params = sc.broadcast(net.params().dup());
        String json = net.getLayerWiseConfigurations().toJson();
        try {
            Score train = config.trainAccuracy() == TrainAccuracy.FITTED_BATCHES
                    ? fitted.value()
                    : score(
                            batches(
                                    trainEvalSample(trainFrame, trainImages, config.trainEvalImages()),
                                    rotation,
                                    config.evalBatchSize(),
                                    null),
                            json,
                            params);
            Score validation = eval.validation() == null ? Score.EMPTY : score(eval.validation(), json, params);
            Score test = score(eval.test(), json, params);
            double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
            return new EpochResult(
                    step.key(),
                    epoch,
                    step.epochs(),
                    lr,
                    train,
                    validation,
                    test,
                    fitSeconds,
                    trained,
                    evalSeconds,
                    master.rounds(),
                    timings,
                    Fingerprint.of(net));
        } finally {
            params.destroy();
            master.deleteTempFiles(sc); // each epoch exports anew; its files are not needed again
        }
    }

    /**
     * DL4J's parameter averaging fits {@code averaging-frequency} minibatches per worker and round and leaves
     * out the minibatches that do not fill a whole round of every worker (up to workers x frequency - 1 an
     * epoch: 480 of MNIST's 60,000 images at the defaults, 15 % of a 3,000-image run). So the whole rounds go
     * first, in one call, and the rest as one short round of its own.
     */
    private void fitEveryBatch(SparkDl4jMultiLayer sparkNet, List<String> paths) {
        int round = Math.max(1, workers) * config.averagingFrequency();
        int whole = paths.size() / round * round;
        for (List<String> part : List.of(paths.subList(0, whole), paths.subList(whole, paths.size()))) {
            if (!part.isEmpty()) {
                sparkNet.fitPaths(sc.parallelize(part, Math.max(1, workers)), new BatchFiles.Loader());
            }
        }
    }

    /**
     * The same for an RDD of minibatches (off local mode): numbered, and worker partition p holds the
     * minibatches numbered p modulo workers, of the whole rounds (DL4J deals each partition's share out evenly
     * over the rounds only when it divides evenly) and then of the rest. Costs a shuffle of the epoch's
     * minibatches; each partition is sorted by number, since a shuffle fetches its blocks in a random order and
     * the same seed must give the same run.
     */
    private void fitEveryBatch(SparkDl4jMultiLayer sparkNet, JavaRDD<DataSet> batches) {
        int parts = Math.max(1, workers);
        long round = (long) parts * config.averagingFrequency();
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
    }

    /**
     * Parameter averaging as the job uses it: DataSets of {@code batchSize} examples, updater (momentum)
     * state averaged and kept across rounds (DL4J's default drops it), and the Export approach into
     * {@code exportDir}, or the Direct approach when it is null. Workers train with {@link InPlaceUpdaterHook}.
     */
    static RecordingTrainingMaster trainingMaster(
            int workers, int batchSize, int averagingFrequency, int prefetch, String exportDir, long seed) {
        ParameterAveragingTrainingMaster.Builder builder = new ParameterAveragingTrainingMaster.Builder(
                        workers, batchSize)
                .batchSizePerWorker(batchSize)
                .averagingFrequency(averagingFrequency)
                .workerPrefetchNumBatches(prefetch)
                .saveUpdater(true)
                // fitEveryBatch hands DL4J one partition per worker, each holding its share of every round; DL4J's
                // default (Repartition.Always) shuffles each round's minibatches again (its driver-side repartition
                // step took ~11 ms a round; epochs were no faster without it, within run-to-run noise).
                .repartionData(Repartition.NumPartitionsWorkersDiffers)
                .rngSeed(seed);
        if (exportDir != null) {
            builder.rddTrainingApproach(RDDTrainingApproach.Export).exportDirectory(exportDir);
        } else {
            builder.rddTrainingApproach(RDDTrainingApproach.Direct);
        }
        RecordingTrainingMaster master = new RecordingTrainingMaster(builder);
        master.addHook(new InPlaceUpdaterHook());
        master.addHook(new DropoutStreamHook());
        return master;
    }

    /**
     * The training images scored after each epoch: {@code size} of them (0 = all), every k-th id with
     * k = total / size, so that the sample spreads over the whole split and every partition scores its share.
     * (The first {@code size} ids all sat in the first partition: one worker scored them while the rest waited.)
     */
    static Dataset<Row> trainEvalSample(Dataset<Row> trainFrame, long total, long size) {
        if (size <= 0 || size >= total) {
            return trainFrame;
        }
        long every = total / size;
        Column id = functions.col("id");
        return trainFrame.where(id.mod(every).equalTo(0).and(id.lt(every * size)));
    }

    private JavaRDD<DataSet> batches(Dataset<Row> frame, RandomRotation rotation, int batchSize, Long shuffleSeed) {
        return frame.javaRDD()
                .mapPartitions(new MiniBatches(rotation, trainStats.mean(), trainStats.std(), batchSize, shuffleSeed));
    }

    private static Score score(JavaRDD<DataSet> batches, String json, Broadcast<INDArray> params) {
        return batches.mapPartitions(new ScorePartition(json, params)).fold(Score.EMPTY, Score::plus);
    }

    /** The minibatches each epoch is scored on: the validation set (null when none is held out) and the test set. */
    private record EvalBatches(JavaRDD<DataSet> validation, JavaRDD<DataSet> test) {}
}

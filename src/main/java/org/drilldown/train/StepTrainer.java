package org.drilldown.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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

/**
 * Trains one step with DL4J parameter averaging: every epoch re-augments the training frame in its
 * partitions, fits through {@link EpochFitter} (the export approach with {@link BatchFiles}, in one barrier stage
 * or DL4J's job a round, or DL4J's Direct approach; updater state kept across averaging rounds), then scores the
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

        // Every fitted minibatch is scored and counted: the count is what the epoch really trained on.
        ScoreAccumulator fitted = new ScoreAccumulator();
        sc.sc().register(fitted, "fitted batches, step " + step.key());
        // What each worker fits: the configured minibatch, or its 1/K share under lr-scaling keep-batch.
        int workerBatch = config.lrScaling().workerBatch(step.batchSize(), workers);
        EpochFitter fitter = new EpochFitter(
                sc,
                net,
                workers,
                config.lrScaling().averagingFrequency(config.averagingFrequency(), step.batchSize(), workers),
                config.prefetchBatches(),
                workerBatch,
                config.averaging(),
                stepSeed,
                fitted);

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
                        fitter,
                        fitted,
                        trainFrame,
                        new EvalBatches(validationBatches, testBatches),
                        trainImages,
                        stepSeed,
                        workerBatch);
                epochs.add(result);
                // Checkpoint first: an epoch with metric rows always has its checkpoint to resume from.
                checkpoints.save(step.key(), epoch, fitter.network());
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
            EpochFitter fitter,
            ScoreAccumulator fitted,
            Dataset<Row> trainFrame,
            EvalBatches eval,
            long trainImages,
            long stepSeed,
            int workerBatch) {
        double lr = config.lrScaling().rateAt(step, workers, epoch);
        InPlaceUpdater.setLearningRate(fitter.network(), lr);
        RandomRotation rotation =
                step.rotationDegrees() > 0 ? new RandomRotation(stepSeed, epoch, step.rotationDegrees()) : null;

        long start = System.nanoTime();
        fitter.startEpoch(Seeds.derive(stepSeed, epoch, 1));
        fitted.reset();
        JavaRDD<DataSet> epochBatches = batches(trainFrame, rotation, workerBatch, Seeds.derive(stepSeed, epoch));
        EpochFit fit;
        if (exportDir == null) {
            fit = fitter.fitBatches(epochBatches); // the Direct approach
        } else {
            StorePath dir = exportDir.resolve("batches-" + step.key() + "-" + epoch + "-" + UUID.randomUUID());
            try {
                fit = fitter.fitFiles(BatchFiles.write(sc, epochBatches, dir));
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
        long evalStart = System.nanoTime();
        MultiLayerNetwork net = fitter.network();
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
                    fit.rounds(),
                    fit.timings(),
                    Fingerprint.of(net));
        } finally {
            params.destroy();
            fitter.endEpoch(); // each epoch exports anew; its files are not needed again
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
                // EpochFitter hands DL4J one partition per worker, each holding its share of every round; DL4J's
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
        EpochFitter.workerHooks().forEach(master::addHook);
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

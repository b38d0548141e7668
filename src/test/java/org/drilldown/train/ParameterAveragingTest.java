package org.drilldown.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.drilldown.SharedSpark;
import org.drilldown.TestData;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.StepSpec;
import org.drilldown.data.MnistFiles;
import org.drilldown.model.InPlaceUpdater;
import org.drilldown.model.StepModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Parameter averaging as configured by the job is exact where it should be: two workers fitting the same
 * minibatch, averaged, equal one machine fitting it; and over two rounds too, which holds only because the
 * Nesterov momentum state is averaged and kept between rounds (saveUpdater).
 */
class ParameterAveragingTest {
    @TempDir
    Path exportDir;

    @Test
    void twoWorkersOnTheSameBatchMatchSingleMachineTrainingOverTwoRounds() {
        // Step 3 without dropout: BatchNorm in training mode is deterministic for a given batch.
        StepSpec step = ConfigLoader.load(
                        null,
                        java.util.Map.of(
                                "drilldown.run-steps",
                                List.of("3"),
                                "drilldown.steps.3.dropout",
                                0.0,
                                "drilldown.steps.3.learning-rate",
                                0.05))
                .steps()
                .get(0);
        MultiLayerNetwork single = StepModels.network(step, 5);
        MultiLayerNetwork distributed = single.clone();
        DataSet batch = new SingleProcessTrainer(0.1307, 0.3081)
                .batches(new MnistFiles(TestData.mnistDir()).test().limit(32), null, 32, null)
                .get(0);

        JavaSparkContext sc =
                JavaSparkContext.fromSparkContext(SharedSpark.get().sparkContext());
        JavaRDD<DataSet> twoCopies = sc.parallelize(List.of(batch, batch.copy()), 2);
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(
                sc, distributed, StepTrainer.trainingMaster(2, 32, 1, 0, exportDir.toString(), 1));
        INDArray before = single.params().dup();
        for (int round = 0; round < 2; round++) {
            sparkNet.fit(twoCopies);
            single.fit(batch);
        }

        INDArray averaged = sparkNet.getNetwork().params();
        double moved = single.params().sub(before).amaxNumber().doubleValue();
        double difference = averaged.sub(single.params()).amaxNumber().doubleValue();
        assertThat(moved).as("largest parameter change").isGreaterThan(1e-2);
        assertThat(difference).as("largest difference, distributed vs single").isLessThan(moved * 1e-3);
    }

    /** Workers swap in the in-place updater before their first minibatch, keeping the broadcast momentum state. */
    @Test
    void workersTrainWithTheInPlaceUpdater() {
        assertThat(StepTrainer.trainingMaster(2, 32, 1, 0, exportDir.toString(), 1)
                        .getTrainingHookList())
                .hasAtLeastOneElementOfType(InPlaceUpdaterHook.class);
        StepSpec step = ConfigLoader.load(null, java.util.Map.of("drilldown.run-steps", List.of("3")))
                .steps()
                .get(0);
        MultiLayerNetwork workerCopy = StepModels.network(step, 5).clone(); // as DL4J builds it: its own updater
        INDArray state = workerCopy.getUpdater().getStateViewArray();
        assertThat(workerCopy.getUpdater()).isNotInstanceOf(InPlaceUpdater.class);

        new InPlaceUpdaterHook().preUpdate((DataSet) null, workerCopy);

        assertThat(workerCopy.getUpdater()).isInstanceOf(InPlaceUpdater.class);
        assertThat(workerCopy.getUpdater().getStateViewArray()).isSameAs(state);
    }

    /**
     * The fitted-batch train score comes back from the workers through Spark: every example fitted counts once,
     * scored as the network predicted it in that training forward pass (before the update), as one machine
     * predicts the batch in training mode from the same parameters.
     */
    @Test
    void fittedBatchScoresReachTheDriverOncePerExampleAsPredictedBeforeEachUpdate() {
        StepSpec step = ConfigLoader.load(
                        null,
                        java.util.Map.of(
                                "drilldown.run-steps",
                                List.of("3"),
                                "drilldown.steps.3.dropout",
                                0.0,
                                "drilldown.steps.3.learning-rate",
                                0.05))
                .steps()
                .get(0);
        MultiLayerNetwork single = StepModels.network(step, 7);
        DataSet batch = new SingleProcessTrainer(0.1307, 0.3081)
                .batches(new MnistFiles(TestData.mnistDir()).test().limit(32), null, 32, null)
                .get(0);
        JavaSparkContext sc =
                JavaSparkContext.fromSparkContext(SharedSpark.get().sparkContext());
        ScoreAccumulator fitted = new ScoreAccumulator();
        sc.sc().register(fitted, "test fitted batches");
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(
                sc, single.clone(), StepTrainer.trainingMaster(2, 32, 1, 0, exportDir.toString(), 1));
        sparkNet.setListeners(new FittedBatchScore(fitted));

        Score expected = Score.EMPTY;
        for (int round = 0; round < 2; round++) {
            Score predicted = ScorePartition.score(single.output(batch.getFeatures(), true), batch.getLabels());
            expected = expected.plus(predicted).plus(predicted); // two workers, same batch, same parameters
            sparkNet.fit(sc.parallelize(List.of(batch, batch.copy()), 2));
            single.fit(batch);
        }

        Score got = fitted.value();
        assertThat(got.count()).as("examples scored").isEqualTo(4 * 32);
        assertThat(got.correct()).as("correct predictions").isEqualTo(expected.correct());
        assertThat(got.loss())
                .as("mean cross-entropy")
                .isCloseTo(expected.loss(), org.assertj.core.data.Percentage.withPercentage(0.1));
    }
}

package org.drilldown.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
import org.nd4j.linalg.dataset.SplitTestAndTrain;

/**
 * The premise of {@code lr-scaling = keep-batch}: two workers that each fit half of every minibatch of 128 at
 * the configured rate and average parameters and Nesterov momentum after each equal one process fitting the
 * whole minibatch, here on step 1 (no BatchNorm, no dropout) through the job's own DL4J training master, over
 * three rounds so that the averaged momentum carries. The linear rule's two workers, each fitting a whole
 * minibatch at twice the rate, do not: the control that shows the comparison can fail.
 */
class KeepBatchEquivalenceTest {
    private static final int BATCH = 128;
    private static final int ROUNDS = 3;

    @TempDir
    Path exportDir;

    @Test
    void twoWorkersOnHalfMinibatchesAveragedEveryOneMatchOneProcessOnTheWhole() {
        // At the recipe's 0.01 three minibatches move no weight more than ~6e-5; at 0.1, ten times as far. (At 1.0
        // the float rounding of the two sums grows to ~3e-3 of the change within three steps.)
        StepSpec step = ConfigLoader.load(
                        null, Map.of("drilldown.run-steps", List.of("1"), "drilldown.steps.1.learning-rate", 0.1))
                .steps()
                .get(0);
        List<DataSet> batches = new SingleProcessTrainer(0.1307, 0.3081)
                .batches(new MnistFiles(TestData.mnistDir()).test().limit(BATCH * ROUNDS), null, BATCH, null);
        // Three networks built alike, not clones: a clone shares its layers' updater settings, the rate included.
        MultiLayerNetwork single = StepModels.network(step, 11);
        JavaSparkContext sc =
                JavaSparkContext.fromSparkContext(SharedSpark.get().sparkContext());
        SparkDl4jMultiLayer keepBatch = new SparkDl4jMultiLayer(
                sc,
                StepModels.network(step, 11),
                StepTrainer.trainingMaster(2, BATCH / 2, 1, 0, exportDir.toString(), 1));
        MultiLayerNetwork linearStart = StepModels.network(step, 11);
        InPlaceUpdater.setLearningRate(linearStart, 2 * step.learningRate());
        assertThat(single.getLearningRate(0)).isEqualTo(step.learningRate());
        assertThat(linearStart.params()).isEqualTo(single.params());
        SparkDl4jMultiLayer linear = new SparkDl4jMultiLayer(
                sc, linearStart, StepTrainer.trainingMaster(2, BATCH, 1, 0, exportDir.toString(), 1));
        INDArray before = single.params().dup();

        for (int round = 0; round < ROUNDS; round++) {
            DataSet batch = batches.get(round);
            SplitTestAndTrain halves = batch.splitTestAndTrain(BATCH / 2);
            keepBatch.fit(sc.parallelize(List.of(halves.getTrain(), halves.getTest()), 2));
            DataSet next = batches.get((round + 1) % ROUNDS);
            linear.fit(sc.parallelize(List.of(batch, next), 2));
            single.fit(batch);
        }

        double moved = single.params().sub(before).amaxNumber().doubleValue();
        double keepBatchDifference = keepBatch
                .getNetwork()
                .params()
                .sub(single.params())
                .amaxNumber()
                .doubleValue();
        double linearDifference =
                linear.getNetwork().params().sub(single.params()).amaxNumber().doubleValue();
        System.out.printf(
                "moved %.3g, keep-batch differs by %.3g, linear by %.3g%n",
                moved, keepBatchDifference, linearDifference);
        assertThat(moved).as("largest parameter change").isGreaterThan(1e-4);
        // Measured: moved 3.0e-4, keep-batch 1.3e-7 away (float rounding of the sums), linear 3.4e-4 away.
        assertThat(keepBatchDifference).as("keep-batch vs one process").isLessThan(moved * 1e-2);
        assertThat(linearDifference).as("linear vs one process").isGreaterThan(moved * 0.1);
    }
}

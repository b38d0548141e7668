package org.drilldown.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.drilldown.SharedSpark;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Three workers' results are averaged in partition order, whichever task finishes first: with values chosen
 * so that float addition is not associative, (a + b) + c = 0 while (b + c) + a, the order their tasks finish
 * in here, is 1.
 */
class AveragingOrderTest {
    @Test
    void threeWorkersAreSummedInPartitionOrderNotCompletionOrder() {
        JavaSparkContext sc =
                JavaSparkContext.fromSparkContext(SharedSpark.get().sparkContext());
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .updater(new Nesterovs(0.1, 0.9))
                .list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nIn(1)
                        .nOut(1)
                        .hasBias(false)
                        .activation(Activation.IDENTITY)
                        .build())
                .build());
        net.init();
        RecordingTrainingMaster master = StepTrainer.trainingMaster(3, 1, 1, 0, null, 1);
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, net, master);

        // Partition 0 finishes last: in completion order the sum is (1e8 + -1e8) + 1.
        // The results are made in the tasks, as workers make them (DL4J's result is not Java-serializable).
        JavaRDD<ParameterAveragingTrainingResult> results = sc.parallelize(List.of(1f, 1e8f, -1e8f), 3)
                .mapPartitionsWithIndex(
                        (partition, values) -> {
                            if (partition == 0) {
                                Thread.sleep(1500);
                            }
                            List<ParameterAveragingTrainingResult> made = new java.util.ArrayList<>();
                            values.forEachRemaining(v -> made.add(result(v)));
                            return made.iterator();
                        },
                        false);
        master.processResults(sparkNet, null, results, 1, 1);

        assertThat(((1f + 1e8f) + -1e8f) / 3).as("partition order").isEqualTo(0f);
        assertThat(((1e8f + -1e8f) + 1f) / 3).as("completion order").isNotEqualTo(0f);
        assertThat(sparkNet.getNetwork().params().getFloat(0)).isEqualTo(0f);
        assertThat(sparkNet.getNetwork().getUpdater().getStateViewArray().getFloat(0))
                .isEqualTo(0f);
    }

    private static ParameterAveragingTrainingResult result(float value) {
        return new ParameterAveragingTrainingResult(
                Nd4j.scalar(value).reshape(1, 1), Nd4j.scalar(value).reshape(1, 1), 0.0, null, null, null);
    }
}

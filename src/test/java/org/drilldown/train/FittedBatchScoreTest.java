package org.drilldown.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.drilldown.TestData;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.StepSpec;
import org.drilldown.data.MnistFiles;
import org.drilldown.model.StepModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The fitted-batch score applies the output layer to what DL4J hands training listeners, for every step
 * {@code conf/steps.conf} defines: with global average pooling (steps 2-4) and without it (step 1, where DL4J
 * flattens the last convolution through a preprocessor before the output layer).
 */
class FittedBatchScoreTest {
    static List<String> configuredSteps() {
        return ConfigLoader.definedSteps().stream().map(StepSpec::key).toList();
    }

    @ParameterizedTest(name = "step {0}")
    @MethodSource("configuredSteps")
    void scoresAsTheNetworkPredicts(String key) {
        StepSpec step = ConfigLoader.load(null, Map.of("drilldown.run-steps", List.of(key)))
                .steps()
                .get(0);
        MultiLayerNetwork net = StepModels.network(step, 11);
        DataSet batch = new SingleProcessTrainer(0.1307, 0.3081)
                .batches(new MnistFiles(TestData.mnistDir()).test().limit(16), null, 16, null)
                .get(0);

        // The activations up to the output layer's input, as MultiLayerNetwork hands them to onForwardPass.
        List<INDArray> activations = net.feedForwardToLayer(net.getnLayers() - 2, batch.getFeatures(), false);
        Score got = FittedBatchScore.score(net, activations.get(activations.size() - 1), batch.getLabels());

        Score expected = ScorePartition.score(net.output(batch.getFeatures(), false), batch.getLabels());
        assertThat(got.count()).isEqualTo(16);
        assertThat(got.correct()).isEqualTo(expected.correct());
        assertThat(got.loss()).isCloseTo(expected.loss(), org.assertj.core.data.Percentage.withPercentage(0.01));
    }
}

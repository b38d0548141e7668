package org.drilldown.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.drilldown.TestData;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.StepSpec;
import org.drilldown.data.MnistFiles;
import org.drilldown.model.StepModels;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class LayerTimesTest {
    /** One row per layer in network order, each pass timed, and the minibatch really trained by the whole fits. */
    @Test
    void profilesEveryLayerAndTrainsTheNetwork() {
        StepSpec step = ConfigLoader.defaults().steps().stream()
                .filter(s -> s.key().equals("2"))
                .findFirst()
                .orElseThrow();
        MultiLayerNetwork net = StepModels.network(step, 5);
        DataSet batch = new SingleProcessTrainer(0.1307, 0.3081)
                .batches(new MnistFiles(TestData.mnistDir()).train().limit(16), null, 16, null)
                .get(0);
        org.nd4j.linalg.api.ndarray.INDArray before = net.params().dup();

        LayerTimes.Profile p = LayerTimes.of(net, batch, 1, 3);

        assertThat(p.layers()).extracting(LayerTimes.Row::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(p.layers().get(1).layer()).isEqualTo("ConvolutionLayer 3x3 16→24");
        assertThat(p.layers().get(8).layer()).isEqualTo("OutputLayer");
        assertThat(p.layers()).allSatisfy(r -> {
            assertThat(r.forwardMs()).isPositive();
            assertThat(r.backwardMs()).isPositive();
        });
        assertThat(p.fitMs()).isPositive();
        assertThat(p.layersMs()).isPositive();
        // Four fits (one warm-up, three timed) moved the parameters.
        assertThat(net.params()).isNotEqualTo(before);
    }
}

package org.drilldown.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.drilldown.TestData;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.StepSpec;
import org.drilldown.data.MnistFiles;
import org.drilldown.train.NativeHelpers;
import org.drilldown.train.SingleProcessTrainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link InPlaceUpdater} trains exactly as DL4J's own updater (Nesterov momentum, weight decay, a learning rate
 * schedule, BatchNorm running statistics), creating far fewer ND4J buffers a step.
 */
class InPlaceUpdaterTest {
    private static StepSpec step4; // without dropout, so two networks see the same training steps
    private static List<DataSet> batches;

    @BeforeAll
    static void setUp() {
        NativeHelpers.configure(true);
        step4 = ConfigLoader.load(null, Map.of("drilldown.run-steps", List.of("4"), "drilldown.steps.4.dropout", 0.0))
                .steps()
                .get(0);
        batches = new SingleProcessTrainer(0.1307, 0.3081)
                .batches(new MnistFiles(TestData.mnistDir()).train().limit(128), null, 32, 1L);
    }

    @Test
    void trainsAsDl4jsOwnUpdaterDoes() {
        MultiLayerNetwork inPlace = StepModels.network(step4, 5);
        MultiLayerNetwork stock =
                new MultiLayerNetwork(inPlace.getLayerWiseConfigurations().clone());
        stock.init(inPlace.params().dup(), false);
        OneDnnConvolution.install(stock); // the same convolutions: only the updater differs
        assertThat(inPlace.getUpdater()).isInstanceOf(InPlaceUpdater.class);
        assertThat(stock.getUpdater()).isExactlyInstanceOf(MultiLayerUpdater.class);
        assertThat(step4.weightDecay()).as("weight decay exercised").isPositive();

        INDArray before = inPlace.params().dup();
        for (int round = 0; round < 3; round++) {
            for (DataSet batch : batches) {
                inPlace.fit(batch);
                stock.fit(batch);
            }
        }
        double moved = inPlace.params().sub(before).amaxNumber().doubleValue();
        assertThat(moved).as("largest parameter change").isGreaterThan(1e-2);
        assertThat(inPlace.params().sub(stock.params()).amaxNumber().doubleValue())
                .as("largest difference")
                .isLessThan(moved * 1e-5);
        assertThat(inPlace.getUpdater()
                        .getStateViewArray()
                        .sub(stock.getUpdater().getStateViewArray())
                        .amaxNumber()
                        .doubleValue())
                .as("momentum state difference")
                .isLessThan(1e-6);
    }

    @Test
    void installKeepsTheUpdaterStateArray() {
        MultiLayerNetwork net = new MultiLayerNetwork(StepModels.configuration(step4, 5, true));
        net.init();
        net.fit(batches.get(0));
        INDArray state = net.getUpdater().getStateViewArray();
        INDArray copy = state.dup();

        InPlaceUpdater.install(net);

        assertThat(net.getUpdater()).isInstanceOf(InPlaceUpdater.class);
        assertThat(net.getUpdater().getStateViewArray()).isSameAs(state);
        assertThat(state).isEqualTo(copy);
        assertThat(InPlaceUpdater.install(net).getUpdater().getStateViewArray())
                .as("installing twice")
                .isSameAs(state);
    }

    @Test
    void aNewLearningRateKeepsTheUpdaterAndItsState() {
        MultiLayerNetwork net = StepModels.network(step4, 5);
        net.fit(batches.get(0));
        INDArray state = net.getUpdater().getStateViewArray().dup();

        InPlaceUpdater.setLearningRate(net, 0.0123);

        assertThat(net.getUpdater()).isInstanceOf(InPlaceUpdater.class);
        assertThat(net.getUpdater().getStateViewArray()).isEqualTo(state);
        assertThat(net.getLearningRate(0)).isEqualTo(0.0123);
    }

    @Test
    void aTrainingStepCreatesFarFewerNd4jBuffers() {
        MultiLayerNetwork inPlace = StepModels.network(step4, 5);
        MultiLayerNetwork stock =
                new MultiLayerNetwork(inPlace.getLayerWiseConfigurations().clone());
        stock.init(inPlace.params().dup(), false);
        long inPlaceBuffers = buffersPerFit(inPlace);
        long stockBuffers = buffersPerFit(stock);
        // Every ND4J buffer is registered with its deallocator and survives one garbage collection.
        assertThat(inPlaceBuffers)
                .as("buffers a fit, in place vs DL4J's updater (%d)", stockBuffers)
                .isLessThan(stockBuffers / 2);
    }

    private static long buffersPerFit(MultiLayerNetwork net) {
        net.fit(batches.get(0)); // warm-up: updater state, workspaces
        long before = Nd4j.getDeallocatorService().nextValue();
        net.fit(batches.get(1));
        return Nd4j.getDeallocatorService().nextValue() - before - 1;
    }
}

package org.drilldown.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.StepSpec;
import org.drilldown.train.NativeHelpers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which BatchNorm layers a step's network gets on which ND4J backend: {@link BatchNormBlock} on the CPU one, DL4J's
 * stock BatchNormalization + ActivationLayer + DropoutLayer on any other (CUDA: the block's host-buffer copies
 * would bypass ND4J's host/device sync). No GPU runs here, so the GPU variant is checked on the CPU backend: the
 * same parameters and outputs as the variant the CPU trains, for every step in conf/steps.conf.
 */
class BackendLayersTest {
    private static final String CUDA = StepModels.CUDA_BACKEND;

    @BeforeAll
    static void nativeHelpers() {
        NativeHelpers.configure(true);
    }

    @Test
    void onlyTheCpuBackendGetsTheFusedBlock() {
        assertThat(StepModels.fusedBlocksOn("org.nd4j.linalg.cpu.nativecpu.CpuBackend"))
                .isTrue();
        assertThat(StepModels.fusedBlocksOn(CUDA)).isFalse();
        assertThat(StepModels.fusedBlocksOn("org.nd4j.linalg.some.OtherBackend"))
                .as("any backend but the CPU one")
                .isFalse();
        // These tests run on the CPU build (no CUDA backend on the classpath): the job's own network has the block.
        assertThat(StepModels.onClasspath(StepModels.CPU_BACKEND)).isTrue();
        assertThat(StepModels.onClasspath(StepModels.CUDA_BACKEND)).isFalse();
        assertThat(layers(StepModels.configuration(step("4"), 1))).hasAtLeastOneElementOfType(BatchNormBlock.class);
    }

    @Test
    void onTheCudaBackendEveryBatchNormStepGetsDl4jsStockLayers() {
        for (StepSpec step : allSteps()) {
            List<Layer> layers = layers(StepModels.configuration(step, 1, StepModels.fusedBlocksOn(CUDA)));
            assertThat(layers).as("step %s", step.key()).noneMatch(l -> l instanceof BatchNormBlock);
            long batchNorms = layers.stream()
                    .filter(l -> l.getClass() == BatchNormalization.class)
                    .count();
            long convs =
                    step.layers().stream().filter(l -> l.startsWith("conv")).count();
            assertThat(batchNorms).as("step %s", step.key()).isEqualTo(step.batchNorm() ? convs : 0);
            assertThat(layers.stream().filter(l -> l instanceof ActivationLayer))
                    .as("step %s", step.key())
                    .hasSize((int) batchNorms);
            assertThat(layers.stream().filter(l -> l instanceof DropoutLayer))
                    .as("step %s", step.key())
                    .hasSize(step.dropout() > 0 ? (int) convs : 0);
        }
    }

    @Test
    void bothVariantsHaveTheSameParametersAndOutputShapeForEveryStep() {
        INDArray images = Nd4j.rand(DataType.FLOAT, 3, 1, 28, 28);
        for (StepSpec step : allSteps()) {
            MultiLayerNetwork fused = StepModels.network(step, 1, true);
            MultiLayerNetwork stock = StepModels.network(step, 1, false);
            assertThat(ParamCount.trainable(stock))
                    .as("step %s", step.key())
                    .isEqualTo(ParamCount.trainable(fused))
                    .isEqualTo(step.expectedParams());
            assertThat(stock.numParams()).as("step %s", step.key()).isEqualTo(fused.numParams());
            assertThat(stock.output(images, false).shape())
                    .as("step %s", step.key())
                    .containsExactly(fused.output(images, false).shape());
        }
    }

    @Test
    void theStockVariantComputesWhatTheFusedOneDoesForEveryStep() {
        // Dropout off, so both are deterministic: training mode (batch statistics; the block's Java kernel) and
        // inference (running statistics) of the fused float network against the stock one in double precision.
        INDArray images = Nd4j.rand(DataType.FLOAT, 16, 1, 28, 28);
        for (StepSpec step : allSteps()) {
            StepSpec noDropout = ConfigLoader.load(
                            null,
                            Map.of(
                                    "drilldown.run-steps",
                                    List.of(step.key()),
                                    "drilldown.steps." + step.key() + ".dropout",
                                    0))
                    .steps()
                    .get(0);
            MultiLayerNetwork fused = StepModels.network(noDropout, 5, true);
            MultiLayerConfiguration conf = StepModels.configuration(noDropout, 5, false);
            conf.setDataType(DataType.DOUBLE);
            conf.setTrainingWorkspaceMode(WorkspaceMode.NONE);
            conf.setInferenceWorkspaceMode(WorkspaceMode.NONE);
            MultiLayerNetwork stock = new MultiLayerNetwork(conf);
            stock.init();
            stock.setParams(fused.params().castTo(DataType.DOUBLE));
            INDArray images64 = images.castTo(DataType.DOUBLE);
            for (boolean training : new boolean[] {true, false}) {
                INDArray expected = stock.output(images64, training);
                INDArray actual = fused.output(images, training).castTo(DataType.DOUBLE);
                assertThat(actual.sub(expected).amaxNumber().doubleValue())
                        .as("step %s, training %s", step.key(), training)
                        .isLessThan(1e-5);
            }
        }
    }

    @Test
    void theBlockRefusesADeviceBackend() {
        BatchNormBlockLayer.requireCpuBackend(StepModels.CPU_BACKEND); // no exception
        assertThatThrownBy(() -> BatchNormBlockLayer.requireCpuBackend(CUDA))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("BatchNormBlock runs on ND4J's CPU backend only, not " + CUDA);
    }

    private static List<StepSpec> allSteps() {
        List<StepSpec> steps = ConfigLoader.defaults().steps();
        assertThat(steps).extracting(StepSpec::key).containsExactly("1", "2", "3", "4");
        return steps;
    }

    private static StepSpec step(String key) {
        return ConfigLoader.load(null, Map.of("drilldown.run-steps", List.of(key)))
                .steps()
                .get(0);
    }

    private static List<Layer> layers(MultiLayerConfiguration conf) {
        List<Layer> layers = new ArrayList<>();
        conf.getConfs().forEach(c -> layers.add(c.getLayer()));
        return layers;
    }
}

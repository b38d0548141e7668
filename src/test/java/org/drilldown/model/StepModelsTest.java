package org.drilldown.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.drilldown.config.ConfigError;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.JobConfig;
import org.drilldown.config.StepSpec;
import org.drilldown.train.NativeHelpers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class StepModelsTest {
    @BeforeAll
    static void nativeHelpers() {
        NativeHelpers.configure(true);
    }

    @ParameterizedTest(name = "step {0} has {1} trainable parameters")
    @CsvSource({"1, 992800", "2, 9712", "3, 9904", "4, 9904", "5, 7922"})
    void eachStepHasTheSeedsParameterCountAndTenOutputs(String key, long params) {
        StepSpec step = step(key);
        MultiLayerNetwork net = StepModels.network(step, 1);

        assertThat(ParamCount.trainable(net)).isEqualTo(params).isEqualTo(step.expectedParams());
        INDArray out = net.output(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 1, 28, 28), false);
        assertThat(out.shape()).containsExactly(3, 10);
        assertThat(out.sum(1).toDoubleVector()).containsExactly(new double[] {1, 1, 1}, within(1e-4));
    }

    @Test
    void everyConvBlockEndsInReluBeforeThePooling() {
        // DL4J's BatchNormalization ignores an activation set on it, so BatchNormBlock applies ReLU itself:
        // the input to pooling and to the global average must be non-negative.
        MultiLayerNetwork net = StepModels.network(step("3"), 1);
        List<INDArray> acts =
                net.feedForward(Nd4j.randn(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 1, 28, 28), true);
        for (int i = 0; i < net.getnLayers(); i++) {
            String type = net.getLayer(i).getClass().getSimpleName();
            if (type.equals("SubsamplingLayer") || type.equals("GlobalPoolingLayer")) {
                assertThat(acts.get(i).minNumber().doubleValue())
                        .as("input of layer %d (%s)", i, type)
                        .isGreaterThanOrEqualTo(0);
            }
        }
    }

    @Test
    void batchNormRunningStatisticsAreNotCountedAsTrainable() {
        MultiLayerNetwork net = StepModels.network(step("3"), 1);
        // DL4J stores 4 numbers per BatchNorm channel (96 channels); PyTorch counts 2 of them as trainable.
        assertThat(net.numParams()).isEqualTo(9904 + 2 * 96);
    }

    @Test
    void sameSeedSameWeightsAndTheInitialisationIsPyTorchs() {
        INDArray a = StepModels.network(step("2"), 7).params();
        INDArray b = StepModels.network(step("2"), 7).params();
        assertThat(a).isEqualTo(b);
        // First conv: fan-in 1*3*3 = 9, so weights lie in U(-1/3, 1/3).
        INDArray firstConv = StepModels.network(step("2"), 7).getLayer(0).getParam("W");
        assertThat(firstConv.maxNumber().doubleValue())
                .isLessThanOrEqualTo(1.0 / 3)
                .isGreaterThan(0.2);
        assertThat(firstConv.minNumber().doubleValue())
                .isGreaterThanOrEqualTo(-1.0 / 3)
                .isLessThan(-0.2);
    }

    @Test
    void badLayerSpecsNameTheKey() {
        assertThatThrownBy(() -> LayerSpec.parse("drilldown.steps.9.layers", "conv sixteen"))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("drilldown.steps.9.layers")
                .hasMessageContaining("conv sixteen");
        StepSpec noOutput = new StepSpec(
                "9",
                "",
                "",
                List.of(),
                List.of("conv 8 k3", "gap"),
                false,
                0,
                1,
                32,
                0.01,
                0.9,
                0,
                step("2").lrSchedule(),
                0,
                0,
                0,
                0,
                org.drilldown.config.StepGoal.NONE);
        // docs/errors.md: config key 'drilldown.steps.9.layers' = …: must end with exactly one "output N" layer
        assertThatThrownBy(() -> StepModels.configuration(noOutput, 1))
                .hasMessageMatching(
                        "config key 'drilldown\\.steps\\.[^.']+\\.layers' = .*: must end with exactly one \"output N\" layer");
    }

    @Test
    void weightDecayIsL2OnTheConvolutionWeightsOnlyWhenConfigured() {
        JobConfig decayed = ConfigLoader.load(
                null, Map.of("drilldown.run-steps", List.of("4"), "drilldown.steps.4.weight-decay", 3e-4));
        var conv = (org.deeplearning4j.nn.conf.layers.BaseLayer)
                StepModels.configuration(decayed.steps().get(0), 1).getConf(0).getLayer();
        assertThat(conv.getRegularization())
                .singleElement()
                .isInstanceOfSatisfying(
                        org.nd4j.linalg.learning.regularization.L2Regularization.class,
                        l2 -> assertThat(l2.getL2().valueAt(0, 0)).isEqualTo(3e-4));
        var plain = (org.deeplearning4j.nn.conf.layers.BaseLayer)
                StepModels.configuration(step("3"), 1).getConf(0).getLayer();
        assertThat(plain.getRegularization()).isEmpty();
    }

    private static StepSpec step(String key) {
        JobConfig config = ConfigLoader.load(null, Map.of("drilldown.run-steps", List.of(key)));
        return config.steps().get(0);
    }
}

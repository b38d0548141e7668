package org.drilldown.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.StepSpec;
import org.drilldown.train.NativeHelpers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The convolutions as the job trains them ({@link OneDnnConvolution}: float, workspaces on) against DL4J's stock
 * convolutions computed in double precision on DL4J's built-in path: same parameters, same batch → same outputs,
 * loss and gradients, then the same parameters after a fit step. Steps 1, 2 and 5 between them have every kind of
 * convolution the configured steps use: 1x1, 3x3 with and without padding, 7x7 on a 7x7 map, 1 to 128 channels.
 */
class OneDnnConvolutionTest {
    private static DataSet batch;

    @BeforeAll
    static void setUp() {
        NativeHelpers.configure(true);
        batch = DoublePrecision.noisyDigits(32);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "2", "5"})
    void convolutionsMatchStockLayersInDoublePrecision(String key) throws Exception {
        StepSpec step = step(key);
        MultiLayerNetwork net = StepModels.network(step, 5);
        MultiLayerNetwork reference = DoublePrecision.stockReference(step);
        List<ConvolutionLayer> convolutions = convolutions(net);
        assertThat(convolutions).isNotEmpty().allSatisfy(conv -> assertThat(conv.getHelper())
                .isInstanceOf(OneDnnConvolution.class));
        reference.setParams(net.params().castTo(DataType.DOUBLE));
        DataSet inDouble = DoublePrecision.inDouble(batch);

        DoublePrecision.assertClose(
                net.output(batch.getFeatures(), false), reference.output(inDouble.getFeatures(), false), 1e-5);
        MultiLayerNetwork stockFloat = new MultiLayerNetwork(StepModels.configuration(step, 5, true));
        stockFloat.init();
        stockFloat.setParams(net.params());
        assertThat(convolutions(stockFloat))
                .allSatisfy(conv -> assertThat(conv.getHelper()).isExactlyInstanceOf(MKLDNNConvHelper.class));
        INDArray paramsBefore = net.params().dup();
        DoublePrecision.computeGradient(net, batch);
        DoublePrecision.computeGradient(stockFloat, batch);
        DoublePrecision.computeGradient(reference, inDouble);
        assertThat(net.score()).isCloseTo(reference.score(), within(1e-5 * Math.max(1, reference.score())));
        // Each convolution's weight gradient: within 1e-4 of double precision, or where DL4J's own float path is
        // further off (step 1's deep float sums: 1e-3 to 5e-3), no further than twice that.
        List<String> ours = weightKeys(net);
        List<String> theirs = weightKeys(reference);
        assertThat(ours).hasSameSizeAs(theirs).hasSize(convolutions.size());
        for (int i = 0; i < ours.size(); i++) {
            INDArray expected = reference.gradient().getGradientFor(theirs.get(i));
            assertThat(expected.norm2Number().doubleValue())
                    .as("a real gradient")
                    .isGreaterThan(1e-6);
            double stock =
                    DoublePrecision.relativeDifference(stockFloat.gradient().getGradientFor(ours.get(i)), expected);
            assertThat(DoublePrecision.relativeDifference(net.gradient().getGradientFor(ours.get(i)), expected))
                    .as("step %s, %s (DL4J's float path: %s)", key, ours.get(i), stock)
                    .isLessThan(Math.max(1e-4, 2 * stock));
        }

        // BatchNormBlock writes its running statistics during backprop (BatchNormBlockTest): back to the start.
        net.setParams(paramsBefore);
        Nd4j.getRandom().setSeed(12);
        net.fit(batch);
        Nd4j.getRandom().setSeed(12);
        reference.fit(inDouble);
        DoublePrecision.assertClose(net.params(), reference.params(), 1e-5);
        for (ConvolutionLayer conv : convolutions) {
            // Every array DL4J hands over is taken as it is: the network's input, 1x1 weights and views included.
            assertThat(((OneDnnConvolution) conv.getHelper()).fallbacks())
                    .as("layer %d handed to DL4J's helper", conv.getIndex())
                    .isZero();
            assertThat(HELPER_FAILURES.getInt(conv))
                    .as("DL4J fell back to its built-in code")
                    .isZero();
        }
    }

    /** A network loaded or built by DL4J itself (a worker's each round) gets the helper from install. */
    @Test
    void installReplacesDl4jsOneDnnHelperOnceAndOnlyThere() {
        MultiLayerNetwork net = new MultiLayerNetwork(StepModels.configuration(step("2"), 5, true));
        net.init();
        assertThat(convolutions(net))
                .allSatisfy(conv -> assertThat(conv.getHelper()).isNotInstanceOf(OneDnnConvolution.class));
        OneDnnConvolution.install(net);
        List<Object> helpers =
                convolutions(net).stream().map(c -> (Object) c.getHelper()).toList();
        assertThat(helpers).allSatisfy(h -> assertThat(h).isInstanceOf(OneDnnConvolution.class));
        OneDnnConvolution.install(net);
        assertThat(convolutions(net).stream().map(c -> (Object) c.getHelper()).toList())
                .as("installed again: the same helpers")
                .containsExactlyElementsOf(helpers);
    }

    /** The plans are per thread and per shape: a smaller last minibatch gets its own. */
    @Test
    void eachShapeGetsItsOwnPlan() {
        MultiLayerNetwork net = StepModels.network(step("2"), 5);
        INDArray full = net.output(batch.getFeatures(), false);
        INDArray part =
                net.output(batch.getFeatures().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5)), false);
        DoublePrecision.assertClose(part, full.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5)), 1e-6);
        ConvolutionPlan plan =
                OneDnnThread.current().plan(new ConvolutionShape(5, 16, 28, 28, 24, 3, 3, 1, 1, 0, 0, false));
        assertThat(plan.implementations()).hasSize(3).allSatisfy(name -> assertThat(name)
                .isNotBlank());
    }

    /** What scripts/profile.sh --convolutions prints: every convolution of the step, timed three ways. */
    @Test
    void convolutionTimesCoverEveryConvolutionOfAStep() {
        List<ConvolutionTimes.Row> rows = ConvolutionTimes.of(StepModels.network(step("2"), 5), batch.getFeatures(), 1);
        assertThat(rows)
                .extracting(ConvolutionTimes.Row::shape)
                .containsExactly(
                        "3x3 1→16 on 28x28",
                        "3x3 16→24 on 28x28",
                        "1x1 24→8 on 13x13",
                        "3x3 8→16 on 13x13",
                        "3x3 16→16 on 11x11",
                        "3x3 16→16 on 9x9");
        assertThat(rows)
                .extracting(ConvolutionTimes.Row::winograd)
                .containsExactly(false, true, false, false, false, false);
        assertThat(rows).allSatisfy(r -> assertThat(List.of(r.libnd4jMs(), r.winogradMs(), r.directMs()))
                .allSatisfy(ms -> assertThat(ms).isPositive()));
        assertThat(rows)
                .allSatisfy(r -> assertThat(r.implementations().split(" / ")).hasSize(3));
    }

    /** A plan without Winograd runs none of oneDNN's Winograd kernels, whatever its shape would allow. */
    @Test
    void aPlanWithoutWinogradRunsDirectKernelsOnly() {
        ConvolutionShape shape = new ConvolutionShape(128, 16, 28, 28, 24, 3, 3, 1, 1, 0, 0, false);
        assertThat(ConvolutionPlan.winograd(shape)).isTrue();
        assertThat(OneDnnThread.plan(shape, false).implementations()).hasSize(3).noneSatisfy(name -> assertThat(name)
                .contains("wino"));
    }

    private static List<ConvolutionLayer> convolutions(MultiLayerNetwork net) {
        return java.util.Arrays.stream(net.getLayers())
                .filter(ConvolutionLayer.class::isInstance)
                .map(ConvolutionLayer.class::cast)
                .toList();
    }

    /** The gradient keys of the convolutions' weights, in layer order. */
    private static List<String> weightKeys(MultiLayerNetwork net) {
        return convolutions(net).stream()
                .map(conv -> conv.getIndex() + "_" + ConvolutionParamInitializer.WEIGHT_KEY)
                .toList();
    }

    private static StepSpec step(String key) {
        return ConfigLoader.load(
                        null, Map.of("drilldown.run-steps", List.of(key), "drilldown.steps." + key + ".dropout", 0))
                .steps()
                .get(0);
    }

    private static final Field HELPER_FAILURES = helperFailures();

    private static Field helperFailures() {
        try {
            Field f = ConvolutionLayer.class.getDeclaredField("helperCountFail");
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }
}

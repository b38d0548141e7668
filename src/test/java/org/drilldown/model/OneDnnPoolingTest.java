package org.drilldown.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.StepSpec;
import org.drilldown.train.NativeHelpers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link OneDnnPooling} against DL4J's own oneDNN pooling helper (libnd4j's maxpool2d ops, what the job ran before) and
 * against max pooling written out here: the same outputs and input gradients to the bit, ties included (after a ReLU
 * most windows of a dead region are all zeros, and both route the gradient to the window's first maximum).
 */
class OneDnnPoolingTest {
    private static final int[] KERNEL = {2, 2};
    private static final int[] STRIDE = {2, 2};
    private static final int[] PAD = {0, 0};
    private static final int[] DILATION = {1, 1};

    @BeforeAll
    static void setUp() {
        NativeHelpers.configure(true);
    }

    @Test
    void maxPoolingMatchesDl4jsOneDnnHelperToTheBitTiesIncluded() {
        Nd4j.getRandom().setSeed(7);
        // ReLU'd and rounded to quarters: many windows hold equal values, many are all zeros.
        INDArray input = Transforms.relu(Nd4j.randn(DataType.FLOAT, 8, 24, 26, 26))
                .muli(4)
                .castTo(DataType.INT32)
                .castTo(DataType.FLOAT)
                .divi(4);
        INDArray delta = Nd4j.randn(DataType.FLOAT, 8, 24, 13, 13);
        OneDnnPooling ours = new OneDnnPooling();
        MKLDNNSubsamplingHelper dl4j = new MKLDNNSubsamplingHelper(DataType.FLOAT);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();

        INDArray out = activate(ours, input, true, mgr);
        assertThat(out).isEqualTo(activate(dl4j, input, true, mgr)).isEqualTo(expectedMaxima(input));
        INDArray grad = ours.backpropGradient(
                        input,
                        delta,
                        KERNEL,
                        STRIDE,
                        PAD,
                        PoolingType.MAX,
                        ConvolutionMode.Truncate,
                        DILATION,
                        CNN2DFormat.NCHW,
                        mgr)
                .getSecond();
        INDArray dl4jGrad = dl4j.backpropGradient(
                        input,
                        delta,
                        KERNEL,
                        STRIDE,
                        PAD,
                        PoolingType.MAX,
                        ConvolutionMode.Truncate,
                        DILATION,
                        CNN2DFormat.NCHW,
                        mgr)
                .getSecond();
        assertThat(grad).isEqualTo(dl4jGrad).isEqualTo(expectedGradient(input, delta));
        assertThat(ours.forwardsAgain())
                .as("the backward pass read the training forward's maxima")
                .isZero();
        assertThat(activate(ours, input, false, mgr)).isEqualTo(out);

        // A backward pass with no training forward of its input before it finds the maxima itself.
        INDArray other = input.neg();
        assertThat(ours.backpropGradient(
                                other,
                                delta,
                                KERNEL,
                                STRIDE,
                                PAD,
                                PoolingType.MAX,
                                ConvolutionMode.Truncate,
                                DILATION,
                                CNN2DFormat.NCHW,
                                mgr)
                        .getSecond())
                .isEqualTo(expectedGradient(other, delta));
        assertThat(ours.forwardsAgain()).isEqualTo(1);
        assertThat(ours.fallbacks()).isZero();
    }

    @Test
    void everyStepsPoolingGetsTheHelperAndAFitTakesNoOtherPath() {
        for (String key : List.of("1", "2", "3", "4")) {
            MultiLayerNetwork net = StepModels.network(step(key), 3);
            List<SubsamplingLayer> pools = java.util.Arrays.stream(net.getLayers())
                    .filter(SubsamplingLayer.class::isInstance)
                    .map(SubsamplingLayer.class::cast)
                    .toList();
            assertThat(pools).as("step %s", key).isNotEmpty();
            net.fit(DoublePrecision.noisyDigits(16));
            assertThat(pools).allSatisfy(p -> {
                OneDnnPooling helper = (OneDnnPooling) p.getHelper();
                assertThat(helper.fallbacks()).isZero();
                assertThat(helper.forwardsAgain()).isZero();
            });
        }
    }

    private static INDArray activate(
            MKLDNNSubsamplingHelper helper, INDArray input, boolean training, LayerWorkspaceMgr mgr) {
        return helper.activate(
                input,
                training,
                KERNEL,
                STRIDE,
                PAD,
                PoolingType.MAX,
                ConvolutionMode.Truncate,
                DILATION,
                CNN2DFormat.NCHW,
                mgr);
    }

    /** Each 2x2 window's maximum, written out. */
    private static INDArray expectedMaxima(INDArray x) {
        long n = x.size(0), c = x.size(1), oh = x.size(2) / 2, ow = x.size(3) / 2;
        INDArray out = Nd4j.create(DataType.FLOAT, n, c, oh, ow);
        for (long i = 0; i < n; i++)
            for (long j = 0; j < c; j++)
                for (long h = 0; h < oh; h++)
                    for (long w = 0; w < ow; w++) {
                        float m = Float.NEGATIVE_INFINITY;
                        for (int a = 0; a < 2; a++)
                            for (int b = 0; b < 2; b++) m = Math.max(m, x.getFloat(i, j, 2 * h + a, 2 * w + b));
                        out.putScalar(new long[] {i, j, h, w}, m);
                    }
        return out;
    }

    /** Each window's delta on its first maximum (row by row), zero elsewhere. */
    private static INDArray expectedGradient(INDArray x, INDArray delta) {
        INDArray grad = Nd4j.zeros(DataType.FLOAT, x.shape());
        for (long i = 0; i < delta.size(0); i++)
            for (long j = 0; j < delta.size(1); j++)
                for (long h = 0; h < delta.size(2); h++)
                    for (long w = 0; w < delta.size(3); w++) {
                        long bh = 2 * h, bw = 2 * w;
                        for (int a = 0; a < 2; a++)
                            for (int b = 0; b < 2; b++)
                                if (x.getFloat(i, j, 2 * h + a, 2 * w + b) > x.getFloat(i, j, bh, bw)) {
                                    bh = 2 * h + a;
                                    bw = 2 * w + b;
                                }
                        grad.putScalar(new long[] {i, j, bh, bw}, delta.getFloat(i, j, h, w));
                    }
        return grad;
    }

    private static StepSpec step(String key) {
        return ConfigLoader.load(null, Map.of("drilldown.run-steps", List.of(key)))
                .steps()
                .get(0);
    }
}

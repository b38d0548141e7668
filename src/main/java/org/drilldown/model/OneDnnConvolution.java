package org.drilldown.model;

import java.lang.reflect.Field;
import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's convolution helper on oneDNN called directly (JavaCPP's dnnl preset), with each shape's primitives built
 * once per thread ({@link ConvolutionPlan}). DL4J's own oneDNN helper goes through libnd4j's {@code conv2d} and
 * {@code conv2d_bp} ops, which build them on every call: 1.2-2.4x as much per convolution (step 1's 64→128 at batch
 * 128: 139 against 113 ms forward and backward, one thread; scripts/profile.sh --convolutions, docs/performance.md).
 * It extends that helper so DL4J treats it as its own (a layer without bias gets no bias gradient) and so anything
 * it does not handle (not float, NHWC, dilation, Same mode) runs there.
 */
public final class OneDnnConvolution extends MKLDNNConvHelper {
    private static final Field HELPER = helperField();

    /** False for the network's first layer: DL4J's fit drops the gradient of the network's input. */
    private final boolean inputGradient;

    private int fallbacks;

    OneDnnConvolution(boolean inputGradient) {
        super(DataType.FLOAT);
        this.inputGradient = inputGradient;
    }

    /** Calls this helper handed to DL4J's own oneDNN helper (arrays it does not take; none in the steps' models). */
    int fallbacks() {
        return fallbacks;
    }

    /**
     * Puts this helper in every convolution layer of {@code net} that has DL4J's oneDNN helper; a layer without one
     * (helpers off, or a CUDA backend) keeps what it has. The first layer's, where it takes the network's input as it
     * is (no input preprocessor), computes no gradient for that input: {@code MultiLayerNetwork.fit} discards it (it
     * returns the input's gradient only from {@code backpropGradient} and {@code calculateGradients}, which Drilldown
     * does not call), and with one input channel oneDNN pads that pass's channels to 16.
     */
    public static MultiLayerNetwork install(MultiLayerNetwork net) {
        for (Layer layer : net.getLayers()) {
            if (layer instanceof ConvolutionLayer conv
                    && conv.getHelper() instanceof MKLDNNConvHelper helper
                    && !(helper instanceof OneDnnConvolution)) {
                boolean first = layer.getIndex() == 0
                        && net.getLayerWiseConfigurations().getInputPreProcess(0) == null;
                try {
                    HELPER.set(conv, new OneDnnConvolution(!first));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return net;
    }

    @Override
    public INDArray preOutput(
            INDArray input,
            INDArray weights,
            INDArray bias,
            int[] kernel,
            int[] strides,
            int[] pad,
            org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode mode,
            org.deeplearning4j.nn.conf.layers.ConvolutionLayer.FwdAlgo fwdAlgo,
            ConvolutionMode convolutionMode,
            int[] dilation,
            CNN2DFormat format,
            LayerWorkspaceMgr workspaceMgr) {
        if (!handles(input, weights, convolutionMode, dilation, format)) {
            fallbacks++;
            return super.preOutput(
                    input,
                    weights,
                    bias,
                    kernel,
                    strides,
                    pad,
                    mode,
                    fwdAlgo,
                    convolutionMode,
                    dilation,
                    format,
                    workspaceMgr);
        }
        ConvolutionShape shape = shape(input, weights, bias != null, strides, pad);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, shape.output());
        OneDnnThread thread = OneDnnThread.current();
        thread.plan(shape)
                .forward(
                        thread,
                        address(dense(input)),
                        address(dense(weights)),
                        bias == null ? 0 : address(dense(bias)),
                        address(out));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(
            INDArray input,
            INDArray weights,
            INDArray bias,
            INDArray delta,
            int[] kernel,
            int[] strides,
            int[] pad,
            INDArray biasGradView,
            INDArray weightGradView,
            IActivation afn,
            org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode mode,
            org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdFilterAlgo bwdFilterAlgo,
            org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdDataAlgo bwdDataAlgo,
            ConvolutionMode convolutionMode,
            int[] dilation,
            CNN2DFormat format,
            LayerWorkspaceMgr workspaceMgr) {
        if (!handles(input, weights, convolutionMode, dilation, format)
                || !isDense(weightGradView)
                || (biasGradView != null && !isDense(biasGradView))) {
            fallbacks++;
            return super.backpropGradient(
                    input,
                    weights,
                    bias,
                    delta,
                    kernel,
                    strides,
                    pad,
                    biasGradView,
                    weightGradView,
                    afn,
                    mode,
                    bwdFilterAlgo,
                    bwdDataAlgo,
                    convolutionMode,
                    dilation,
                    format,
                    workspaceMgr);
        }
        ConvolutionShape shape = shape(input, weights, biasGradView != null, strides, pad);
        INDArray inputGrad = inputGradient
                ? workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape())
                : null;
        OneDnnThread thread = OneDnnThread.current();
        thread.plan(shape)
                .backward(
                        thread,
                        address(dense(input)),
                        address(dense(weights)),
                        address(dense(delta)),
                        inputGrad == null ? 0 : address(inputGrad),
                        address(weightGradView),
                        biasGradView == null ? 0 : address(biasGradView));
        Gradient gradient = new DefaultGradient();
        if (biasGradView != null) {
            gradient.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
        }
        gradient.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView);
        return new Pair<>(gradient, inputGrad);
    }

    private static boolean handles(
            INDArray input, INDArray weights, ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format) {
        return input.dataType() == DataType.FLOAT
                && weights.dataType() == DataType.FLOAT
                && input.rank() == 4
                && format == CNN2DFormat.NCHW
                && convolutionMode != ConvolutionMode.Same
                && Arrays.stream(dilation).allMatch(d -> d == 1);
    }

    /** The shape of a convolution of {@code input} (NCHW) by {@code weights} (OIHW): for the plans and their timing. */
    static ConvolutionShape shape(INDArray input, INDArray weights, boolean bias, int[] strides, int[] pad) {
        return new ConvolutionShape(
                input.size(0),
                input.size(1),
                input.size(2),
                input.size(3),
                weights.size(0),
                weights.size(2),
                weights.size(3),
                strides[0],
                strides[1],
                pad[0],
                pad[1],
                bias);
    }

    /** The array itself where its elements lie densely in C order (the plain layout oneDNN is told), else a copy. */
    private static INDArray dense(INDArray array) {
        return isDense(array) ? array : array.dup('c');
    }

    /** Elements densely in C order: each dimension's stride the product of the later sizes (any, for a size 1). */
    private static boolean isDense(INDArray array) {
        long[] shape = array.shape();
        long[] stride = array.stride();
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return !array.isEmpty();
    }

    /** The address of the array's first element (ND4J's buffer pointer already includes the buffer's offset). */
    static long address(INDArray array) {
        return array.data().addressPointer().address()
                + (array.offset() - array.data().offset()) * array.data().getElementSize();
    }

    private static Field helperField() {
        try {
            Field field = ConvolutionLayer.class.getDeclaredField("helper");
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(
                    "DL4J's ConvolutionLayer has no 'helper' field: OneDnnConvolution needs updating for this DL4J"
                            + " version (docs/dl4j-couplings.md)",
                    e);
        }
    }
}

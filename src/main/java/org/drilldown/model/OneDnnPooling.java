package org.drilldown.model;

import java.lang.reflect.Field;
import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's max-pooling helper on oneDNN called directly ({@link PoolingPlan}, built once per shape and thread). DL4J's
 * own oneDNN helper runs libnd4j's {@code maxpool2d} for the forward pass and {@code maxpool2d_bp} for the backward
 * one, which builds its primitives on every call and runs the forward pass again, for training, to learn where the
 * maxima were: in step 1 that second forward took 21.7 ms a call against 2.7 ms for the same primitive built once
 * (batch 64, one thread; docs/performance.md). Here the training forward keeps that workspace for the backward pass.
 * It extends DL4J's helper so anything it does not handle (not float, NHWC, padding, windows that do not tile the
 * input, average pooling) runs there.
 */
public final class OneDnnPooling extends MKLDNNSubsamplingHelper {
    private static final Field HELPER = helperField();

    /** Where the last training forward found each window's maximum, and for which input (its address and shape). */
    private BytePointer workspace;

    private long workspaceInput;
    private PoolingShape workspaceShape;

    private int fallbacks;
    private int forwardsAgain;

    OneDnnPooling() {
        super(DataType.FLOAT);
    }

    /** Calls this helper handed to DL4J's own oneDNN helper (none in the steps' models). */
    int fallbacks() {
        return fallbacks;
    }

    /** Backward passes that found no training forward of their input and ran one again (none in a fit). */
    int forwardsAgain() {
        return forwardsAgain;
    }

    /** Puts this helper in every subsampling layer of {@code net} that has DL4J's oneDNN helper. */
    public static MultiLayerNetwork install(MultiLayerNetwork net) {
        for (Layer layer : net.getLayers()) {
            if (layer instanceof SubsamplingLayer pool
                    && pool.getHelper() instanceof MKLDNNSubsamplingHelper helper
                    && !(helper instanceof OneDnnPooling)) {
                try {
                    HELPER.set(pool, new OneDnnPooling());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return net;
    }

    @Override
    public INDArray activate(
            INDArray input,
            boolean training,
            int[] kernel,
            int[] strides,
            int[] pad,
            PoolingType poolingType,
            ConvolutionMode convolutionMode,
            int[] dilation,
            CNN2DFormat format,
            LayerWorkspaceMgr workspaceMgr) {
        PoolingShape shape = shape(input, kernel, strides, pad, poolingType, dilation, format);
        if (shape == null || !OneDnnConvolution.isDense(input)) {
            fallbacks++;
            return super.activate(
                    input,
                    training,
                    kernel,
                    strides,
                    pad,
                    poolingType,
                    convolutionMode,
                    dilation,
                    format,
                    workspaceMgr);
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, shape.output());
        OneDnnThread thread = OneDnnThread.current();
        PoolingPlan plan = thread.plan(shape);
        long in = OneDnnConvolution.address(input);
        if (training) {
            plan.forward(thread, in, OneDnnConvolution.address(out), workspace(plan));
            workspaceInput = in;
            workspaceShape = shape;
        } else {
            plan.forward(thread, in, OneDnnConvolution.address(out), null);
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(
            INDArray input,
            INDArray epsilon,
            int[] kernel,
            int[] strides,
            int[] pad,
            PoolingType poolingType,
            ConvolutionMode convolutionMode,
            int[] dilation,
            CNN2DFormat format,
            LayerWorkspaceMgr workspaceMgr) {
        PoolingShape shape = shape(input, kernel, strides, pad, poolingType, dilation, format);
        if (shape == null
                || !OneDnnConvolution.isDense(input)
                || !OneDnnConvolution.isDense(epsilon)
                || !Arrays.equals(epsilon.shape(), shape.output())) {
            fallbacks++;
            return super.backpropGradient(
                    input, epsilon, kernel, strides, pad, poolingType, convolutionMode, dilation, format, workspaceMgr);
        }
        OneDnnThread thread = OneDnnThread.current();
        PoolingPlan plan = thread.plan(shape);
        long in = OneDnnConvolution.address(input);
        if (in != workspaceInput || !shape.equals(workspaceShape)) {
            // No training forward of this input to read the maxima from: run one (into scratch) for them.
            forwardsAgain++;
            INDArray scratch =
                    workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, shape.output());
            plan.forward(thread, in, OneDnnConvolution.address(scratch), workspace(plan));
        }
        INDArray inputGrad = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape());
        plan.backward(thread, OneDnnConvolution.address(epsilon), OneDnnConvolution.address(inputGrad), workspace);
        workspaceInput = 0; // used: the next backward pass needs its own forward
        workspaceShape = null;
        return new Pair<>(new DefaultGradient(), inputGrad);
    }

    /** The shape this helper runs, or null where DL4J's helper has to. */
    private static PoolingShape shape(
            INDArray input,
            int[] kernel,
            int[] strides,
            int[] pad,
            PoolingType type,
            int[] dilation,
            CNN2DFormat format) {
        if (input.dataType() != DataType.FLOAT
                || input.rank() != 4
                || type != PoolingType.MAX
                || format != CNN2DFormat.NCHW
                || Arrays.stream(pad).anyMatch(p -> p != 0)
                || Arrays.stream(dilation).anyMatch(d -> d != 1)
                || (input.size(2) - kernel[0]) % strides[0] != 0
                || (input.size(3) - kernel[1]) % strides[1] != 0) {
            return null;
        }
        return new PoolingShape(
                input.size(0),
                input.size(1),
                input.size(2),
                input.size(3),
                kernel[0],
                kernel[1],
                strides[0],
                strides[1]);
    }

    private BytePointer workspace(PoolingPlan plan) {
        long bytes = Math.max(1, plan.workspaceBytes());
        if (workspace == null || workspace.capacity() < bytes) {
            if (workspace != null) {
                workspace.deallocate();
            }
            workspace = new BytePointer(bytes);
        }
        return workspace;
    }

    private static Field helperField() {
        try {
            Field field = SubsamplingLayer.class.getDeclaredField("helper");
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(
                    "DL4J's SubsamplingLayer has no 'helper' field: OneDnnPooling needs updating for this DL4J version"
                            + " (docs/dl4j-couplings.md)",
                    e);
        }
    }
}

package org.drilldown.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Each convolution of a network timed three ways on random arrays of its shapes, forward then backward: DL4J's own
 * oneDNN helper's path (libnd4j's {@code conv2d} and {@code conv2d_bp}), and {@link ConvolutionPlan} with Winograd
 * allowed and without. What {@link ConvolutionPlan#winograd} was chosen from; {@code scripts/profile.sh
 * --convolutions} prints it.
 */
public final class ConvolutionTimes {
    /**
     * One convolution: its shape, wall milliseconds (median) each way, whether the job's plan allows Winograd, and
     * the oneDNN implementations that plan runs (forward / backward data / backward weights).
     */
    public record Row(
            int layer,
            String shape,
            double libnd4jMs,
            double winogradMs,
            double directMs,
            boolean winograd,
            String implementations) {}

    private ConvolutionTimes() {}

    /** The convolutions of {@code net} at the batch of {@code features}: 3 warm-up calls, then the median of n. */
    public static List<Row> of(MultiLayerNetwork net, INDArray features, int repeats) {
        List<INDArray> activations = net.feedForward(features, false);
        List<Row> rows = new ArrayList<>();
        for (Layer layer : net.getLayers()) {
            if (!(layer instanceof ConvolutionLayer)) {
                continue;
            }
            var conf = (org.deeplearning4j.nn.conf.layers.ConvolutionLayer)
                    layer.conf().getLayer();
            ConvolutionShape shape = OneDnnConvolution.shape(
                    activations.get(layer.getIndex()), layer.getParam("W"), false, conf.getStride(), conf.getPadding());
            ConvolutionPlan winogradPlan = OneDnnThread.plan(shape, true);
            ConvolutionPlan directPlan = OneDnnThread.plan(shape, false);
            boolean winograd = ConvolutionPlan.winograd(shape);
            rows.add(new Row(
                    layer.getIndex(),
                    String.format(
                            "%dx%d %d→%d on %dx%d",
                            shape.kernelH(),
                            shape.kernelW(),
                            shape.channels(),
                            shape.outChannels(),
                            shape.height(),
                            shape.width()),
                    median(repeats, libnd4j(shape)),
                    median(repeats, timed(winogradPlan)),
                    median(repeats, timed(directPlan)),
                    winograd,
                    String.join(" / ", (winograd ? winogradPlan : directPlan).implementations())));
        }
        return rows;
    }

    private static LongSupplier timed(ConvolutionPlan plan) {
        Operands arrays = new Operands(plan.shape());
        OneDnnThread thread = OneDnnThread.current();
        return () -> {
            long start = System.nanoTime();
            plan.forward(
                    thread,
                    OneDnnConvolution.address(arrays.x),
                    OneDnnConvolution.address(arrays.w),
                    0,
                    OneDnnConvolution.address(arrays.y));
            plan.backward(
                    thread,
                    OneDnnConvolution.address(arrays.x),
                    OneDnnConvolution.address(arrays.w),
                    OneDnnConvolution.address(arrays.dy),
                    OneDnnConvolution.address(arrays.dx),
                    OneDnnConvolution.address(arrays.dw),
                    0);
            return System.nanoTime() - start;
        };
    }

    /** libnd4j's ops as DL4J's oneDNN helper calls them: NCHW, OIHW weights, explicit padding. */
    private static LongSupplier libnd4j(ConvolutionShape shape) {
        Operands arrays = new Operands(shape);
        int[] args = {
            (int) shape.kernelH(),
            (int) shape.kernelW(),
            (int) shape.strideH(),
            (int) shape.strideW(),
            (int) shape.padH(),
            (int) shape.padW(),
            1,
            1,
            0,
            0,
            1
        };
        return () -> {
            long start = System.nanoTime();
            Nd4j.exec(DynamicCustomOp.builder("conv2d")
                    .addInputs(arrays.x, arrays.w)
                    .addOutputs(arrays.y)
                    .addIntegerArguments(args)
                    .build());
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                    .addInputs(arrays.x, arrays.w, arrays.dy)
                    .addOutputs(arrays.dx, arrays.dw)
                    .addIntegerArguments(args)
                    .build());
            return System.nanoTime() - start;
        };
    }

    private static double median(int repeats, LongSupplier call) {
        for (int i = 0; i < 3; i++) {
            call.getAsLong();
        }
        double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            ms[i] = call.getAsLong() / 1e6;
        }
        Arrays.sort(ms);
        return ms[repeats / 2];
    }

    /** Random input, weights and output gradient of a shape, and room for the rest. */
    private static final class Operands {
        final INDArray x;
        final INDArray w;
        final INDArray y;
        final INDArray dy;
        final INDArray dx;
        final INDArray dw;

        Operands(ConvolutionShape shape) {
            x = Nd4j.rand(DataType.FLOAT, shape.input());
            w = Nd4j.rand(DataType.FLOAT, shape.weights()).subi(0.5);
            y = Nd4j.create(DataType.FLOAT, shape.output());
            dy = Nd4j.rand(DataType.FLOAT, shape.output()).subi(0.5);
            dx = Nd4j.create(DataType.FLOAT, shape.input());
            dw = Nd4j.create(DataType.FLOAT, shape.weights());
        }
    }
}

package org.drilldown.model;

import java.util.List;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;

/**
 * oneDNN's primitives for one {@link ConvolutionShape}, built once: forward (training), backward data and backward
 * weights, Winograd allowed or not by {@link #winograd}, and the reorders
 * between the plain NCHW/OIHW arrays DL4J holds and the blocked layouts the primitives chose. The reordered copies
 * live in the calling thread's {@link OneDnnThread} scratch, only for the call. Not thread safe: one per thread.
 */
final class ConvolutionPlan {
    private static final memory.data_type F32 = memory.data_type.f32;

    private final ConvolutionShape shape;
    private final convolution_forward forward;
    private final convolution_backward_data backwardData;
    private final convolution_backward_weights backwardWeights;
    private final Operand fwdInput;
    private final Operand fwdWeights;
    private final Operand fwdOutput;
    private final memory fwdBias;
    private final Operand bwdDelta;
    private final Operand bwdWeights;
    private final Operand bwdInputGrad;
    private final Operand bwdwInput;
    private final Operand bwdwDelta;
    private final Operand bwdwWeightGrad;
    private final memory bwdwBiasGrad;
    private final long forwardScratch;
    private final long backwardScratch;
    private final IntMemoryMap forwardArgs = new IntMemoryMap();
    private final IntMemoryMap dataArgs = new IntMemoryMap();
    private final IntMemoryMap weightArgs = new IntMemoryMap();
    private final List<String> implementations;

    ConvolutionPlan(ConvolutionShape shape, engine eng) {
        this(shape, eng, winograd(shape));
    }

    /** With Winograd allowed or not, whatever {@link #winograd} says: for {@link ConvolutionTimes}. */
    ConvolutionPlan(ConvolutionShape shape, engine eng, boolean winograd) {
        this.shape = shape;
        memory.desc anyInput = desc(shape.input(), memory.format_tag.any);
        memory.desc anyWeights = desc(shape.weights(), memory.format_tag.any);
        memory.desc anyOutput = desc(shape.output(), memory.format_tag.any);
        memory.desc biasDesc = shape.bias() ? desc(new long[] {shape.outChannels()}, memory.format_tag.x) : null;
        long[] strides = {shape.strideH(), shape.strideW()};
        long[] pads = {shape.padH(), shape.padW()};
        dnnl.algorithm algorithm = winograd ? dnnl.algorithm.convolution_auto : dnnl.algorithm.convolution_direct;

        convolution_forward.primitive_desc fpd = new convolution_forward.primitive_desc(
                shape.bias()
                        ? new convolution_forward.desc(
                                dnnl.prop_kind.forward_training,
                                algorithm,
                                anyInput,
                                anyWeights,
                                biasDesc,
                                anyOutput,
                                strides,
                                pads,
                                pads)
                        : new convolution_forward.desc(
                                dnnl.prop_kind.forward_training,
                                algorithm,
                                anyInput,
                                anyWeights,
                                anyOutput,
                                strides,
                                pads,
                                pads),
                eng);
        convolution_backward_data.primitive_desc bdpd = new convolution_backward_data.primitive_desc(
                new convolution_backward_data.desc(algorithm, anyInput, anyWeights, anyOutput, strides, pads, pads),
                eng,
                fpd);
        convolution_backward_weights.primitive_desc bwpd = new convolution_backward_weights.primitive_desc(
                shape.bias()
                        ? new convolution_backward_weights.desc(
                                algorithm, anyInput, anyWeights, biasDesc, anyOutput, strides, pads, pads)
                        : new convolution_backward_weights.desc(
                                algorithm, anyInput, anyWeights, anyOutput, strides, pads, pads),
                eng,
                fpd);
        implementations = List.of(
                fpd.impl_info_str().getString(),
                bdpd.impl_info_str().getString(),
                bwpd.impl_info_str().getString());
        forward = new convolution_forward(fpd);
        backwardData = new convolution_backward_data(bdpd);
        backwardWeights = new convolution_backward_weights(bwpd);

        memory.desc plainInput = desc(shape.input(), memory.format_tag.nchw);
        memory.desc plainWeights = desc(shape.weights(), memory.format_tag.oihw);
        memory.desc plainOutput = desc(shape.output(), memory.format_tag.nchw);
        fwdInput = new Operand(plainInput, fpd.src_desc(), true, eng);
        fwdWeights = new Operand(plainWeights, fpd.weights_desc(), true, eng);
        fwdOutput = new Operand(plainOutput, fpd.dst_desc(), false, eng);
        fwdBias = shape.bias() ? new memory(biasDesc, eng, (Pointer) null) : null;
        bwdDelta = new Operand(plainOutput, bdpd.diff_dst_desc(), true, eng);
        bwdWeights = new Operand(plainWeights, bdpd.weights_desc(), true, eng);
        bwdInputGrad = new Operand(plainInput, bdpd.diff_src_desc(), false, eng);
        bwdwInput = new Operand(plainInput, bwpd.src_desc(), true, eng);
        bwdwDelta = new Operand(plainOutput, bwpd.diff_dst_desc(), true, eng);
        bwdwWeightGrad = new Operand(plainWeights, bwpd.diff_weights_desc(), false, eng);
        bwdwBiasGrad = shape.bias() ? new memory(biasDesc, eng, (Pointer) null) : null;
        forwardScratch = Operand.scratch(List.of(fwdInput, fwdWeights, fwdOutput));
        backwardScratch =
                Operand.scratch(List.of(bwdDelta, bwdWeights, bwdInputGrad, bwdwInput, bwdwDelta, bwdwWeightGrad));
    }

    ConvolutionShape shape() {
        return shape;
    }

    /**
     * Whether oneDNN may pick Winograd ({@code convolution_auto}) rather than only direct kernels: where input times
     * output channels reach 16 x 24. Winograd's transforms pay off with channels: at batch 128, 64→128 on 24x24
     * costs 113 against 156 ms forward and backward, 32→64 on 26x26 38 against 50; 16→24 on 28x28 is a wash (19
     * against 17 ms alone, the same whole step-2 fit); with few channels direct wins: 8→16 on 13x13 2.3 against 1.3,
     * and with one input channel 1→32 on 28x28 18 against 7.7 (one thread, scripts/profile.sh --convolutions;
     * docs/performance.md). Fixed per shape, never timed at run time, so a seed gives the same bits on any machine
     * load.
     */
    static boolean winograd(ConvolutionShape shape) {
        return shape.channels() * shape.outChannels() >= 16 * 24;
    }

    /** {@code output = input * weights (+ bias)}; addresses of dense C-order float arrays. */
    void forward(OneDnnThread thread, long input, long weights, long bias, long output) {
        OneDnnThread.Scratch scratch = thread.scratch(forwardScratch);
        stream s = thread.stream();
        IntMemoryMap args = forwardArgs;
        args.put(dnnl.DNNL_ARG_SRC, fwdInput.in(s, input, scratch));
        args.put(dnnl.DNNL_ARG_WEIGHTS, fwdWeights.in(s, weights, scratch));
        args.put(dnnl.DNNL_ARG_DST, fwdOutput.out(output, scratch));
        if (fwdBias != null) {
            fwdBias.set_data_handle(thread.address(bias));
            args.put(dnnl.DNNL_ARG_BIAS, fwdBias);
        }
        forward.execute(s, args);
        fwdOutput.finish(s);
        s._wait();
    }

    /**
     * The input's gradient from the output's ({@code delta}), unless {@code inputGrad} is 0 (nothing reads it), and
     * the weights' (and bias's, where {@code biasGrad} is not 0) gradients written in place.
     */
    void backward(
            OneDnnThread thread, long input, long weights, long delta, long inputGrad, long weightGrad, long biasGrad) {
        OneDnnThread.Scratch scratch = thread.scratch(backwardScratch);
        stream s = thread.stream();
        memory dataDelta = null;
        if (inputGrad != 0) {
            dataDelta = bwdDelta.in(s, delta, scratch);
            dataArgs.put(dnnl.DNNL_ARG_DIFF_DST, dataDelta);
            dataArgs.put(dnnl.DNNL_ARG_WEIGHTS, bwdWeights.in(s, weights, scratch));
            dataArgs.put(dnnl.DNNL_ARG_DIFF_SRC, bwdInputGrad.out(inputGrad, scratch));
            backwardData.execute(s, dataArgs);
            bwdInputGrad.finish(s);
        }

        weightArgs.put(dnnl.DNNL_ARG_SRC, bwdwInput.in(s, input, scratch));
        // The two backward primitives mostly want the delta in the same layout: reordered once then.
        weightArgs.put(
                dnnl.DNNL_ARG_DIFF_DST,
                dataDelta != null && bwdwDelta.sameLayout(bwdDelta) ? dataDelta : bwdwDelta.in(s, delta, scratch));
        weightArgs.put(dnnl.DNNL_ARG_DIFF_WEIGHTS, bwdwWeightGrad.out(weightGrad, scratch));
        if (bwdwBiasGrad != null) {
            bwdwBiasGrad.set_data_handle(thread.address(biasGrad));
            weightArgs.put(dnnl.DNNL_ARG_DIFF_BIAS, bwdwBiasGrad);
        }
        backwardWeights.execute(s, weightArgs);
        bwdwWeightGrad.finish(s);
        s._wait();
    }

    private static memory.desc desc(long[] dims, memory.format_tag tag) {
        return new memory.desc(dims, F32, tag);
    }

    /**
     * One array a primitive reads or writes: DL4J's plain memory, and where the primitive wants another layout, its
     * memory in the scratch and the reorder between the two (plain to blocked for inputs, back for outputs).
     */
    private static final class Operand {
        private final memory plain;
        private final memory inner;
        private final reorder reorder;
        private final long bytes;

        Operand(memory.desc plainDesc, memory.desc innerDesc, boolean input, engine eng) {
            plain = new memory(plainDesc, eng, (Pointer) null);
            if (innerDesc.equals(plainDesc)) {
                inner = null;
                reorder = null;
                bytes = 0;
            } else {
                inner = new memory(innerDesc, eng, (Pointer) null);
                reorder = input ? new reorder(plain, inner) : new reorder(inner, plain);
                bytes = OneDnnThread.aligned(innerDesc.get_size());
            }
        }

        static long scratch(List<Operand> operands) {
            return operands.stream().mapToLong(o -> o.bytes).sum();
        }

        boolean sameLayout(Operand other) {
            return inner != null && other.inner != null && inner.get_desc().equals(other.inner.get_desc());
        }

        /** The memory the primitive reads: DL4J's array itself, or its copy reordered into the scratch. */
        memory in(stream s, long address, OneDnnThread.Scratch scratch) {
            plain.set_data_handle(scratch.thread().address(address));
            if (inner == null) {
                return plain;
            }
            inner.set_data_handle(scratch.take(bytes));
            reorder.execute(s, plain, inner);
            return inner;
        }

        /** The memory the primitive writes: DL4J's array itself, or scratch that {@link #finish} copies back. */
        memory out(long address, OneDnnThread.Scratch scratch) {
            plain.set_data_handle(scratch.thread().address(address));
            if (inner == null) {
                return plain;
            }
            inner.set_data_handle(scratch.take(bytes));
            return inner;
        }

        void finish(stream s) {
            if (inner != null) {
                reorder.execute(s, inner, plain);
            }
        }
    }

    /** The oneDNN implementations chosen: forward, backward data, backward weights (e.g. "jit_wino_4x3:avx512_core"). */
    List<String> implementations() {
        return implementations;
    }
}

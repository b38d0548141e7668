package org.drilldown.model;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_backward;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;

/**
 * oneDNN's max-pooling primitives for one {@link PoolingShape}, built once: forward for training (which writes the
 * workspace, where each window's maximum was), forward for inference, and backward, which reads that workspace. All
 * on DL4J's plain NCHW arrays, so no reorders. Not thread safe: one per thread ({@link OneDnnThread}).
 */
final class PoolingPlan {
    private final pooling_forward training;
    private final pooling_forward inference;
    private final pooling_backward backward;
    private final memory src;
    private final memory dst;
    private final memory workspace;
    private final long workspaceBytes;
    private final IntMemoryMap trainingArgs = new IntMemoryMap();
    private final IntMemoryMap inferenceArgs = new IntMemoryMap();
    private final IntMemoryMap backwardArgs = new IntMemoryMap();

    PoolingPlan(PoolingShape shape, engine eng) {
        memory.desc in = new memory.desc(shape.input(), memory.data_type.f32, memory.format_tag.nchw);
        memory.desc out = new memory.desc(shape.output(), memory.data_type.f32, memory.format_tag.nchw);
        long[] strides = {shape.strideH(), shape.strideW()};
        long[] kernel = {shape.kernelH(), shape.kernelW()};
        long[] pad = {0, 0};
        pooling_forward.primitive_desc tpd = new pooling_forward.primitive_desc(
                new pooling_forward.desc(
                        dnnl.prop_kind.forward_training,
                        dnnl.algorithm.pooling_max,
                        in,
                        out,
                        strides,
                        kernel,
                        pad,
                        pad),
                eng);
        pooling_forward.primitive_desc ipd = new pooling_forward.primitive_desc(
                new pooling_forward.desc(
                        dnnl.prop_kind.forward_inference,
                        dnnl.algorithm.pooling_max,
                        in,
                        out,
                        strides,
                        kernel,
                        pad,
                        pad),
                eng);
        pooling_backward.primitive_desc bpd = new pooling_backward.primitive_desc(
                new pooling_backward.desc(dnnl.algorithm.pooling_max, in, out, strides, kernel, pad, pad), eng, tpd);
        training = new pooling_forward(tpd);
        inference = new pooling_forward(ipd);
        backward = new pooling_backward(bpd);
        src = new memory(in, eng, (Pointer) null);
        dst = new memory(out, eng, (Pointer) null);
        workspace = new memory(tpd.workspace_desc(), eng, (Pointer) null);
        workspaceBytes = tpd.workspace_desc().get_size();
    }

    /** Bytes of the workspace a training forward writes and the backward pass reads. */
    long workspaceBytes() {
        return workspaceBytes;
    }

    /** {@code output} = the windows' maxima of {@code input}; with a {@code workspace} (training), where they were. */
    void forward(OneDnnThread thread, long input, long output, Pointer workspaceAt) {
        IntMemoryMap args = workspaceAt == null ? inferenceArgs : trainingArgs;
        src.set_data_handle(thread.address(input));
        dst.set_data_handle(thread.address(output));
        args.put(dnnl.DNNL_ARG_SRC, src);
        args.put(dnnl.DNNL_ARG_DST, dst);
        stream s = thread.stream();
        if (workspaceAt == null) {
            inference.execute(s, args);
        } else {
            workspace.set_data_handle(workspaceAt);
            args.put(dnnl.DNNL_ARG_WORKSPACE, workspace);
            training.execute(s, args);
        }
        s._wait();
    }

    /** {@code inputGrad} = {@code delta} routed to where the training forward found each window's maximum. */
    void backward(OneDnnThread thread, long delta, long inputGrad, Pointer workspaceAt) {
        dst.set_data_handle(thread.address(delta));
        src.set_data_handle(thread.address(inputGrad));
        workspace.set_data_handle(workspaceAt);
        backwardArgs.put(dnnl.DNNL_ARG_DIFF_DST, dst);
        backwardArgs.put(dnnl.DNNL_ARG_DIFF_SRC, src);
        backwardArgs.put(dnnl.DNNL_ARG_WORKSPACE, workspace);
        stream s = thread.stream();
        backward.execute(s, backwardArgs);
        s._wait();
    }
}

package org.drilldown.model;

/** What a {@link PoolingPlan} is built for: an NCHW float max pooling whose windows tile the input, no padding. */
record PoolingShape(
        long batch, long channels, long height, long width, long kernelH, long kernelW, long strideH, long strideW) {

    long outHeight() {
        return (height - kernelH) / strideH + 1;
    }

    long outWidth() {
        return (width - kernelW) / strideW + 1;
    }

    long[] input() {
        return new long[] {batch, channels, height, width};
    }

    long[] output() {
        return new long[] {batch, channels, outHeight(), outWidth()};
    }
}

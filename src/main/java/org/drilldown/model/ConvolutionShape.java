package org.drilldown.model;

/**
 * What a {@link ConvolutionPlan} is built for: an NCHW float convolution's sizes, explicit padding and whether it
 * has a bias. Dilation is 1 (the only one the helper takes).
 */
record ConvolutionShape(
        long batch,
        long channels,
        long height,
        long width,
        long outChannels,
        long kernelH,
        long kernelW,
        long strideH,
        long strideW,
        long padH,
        long padW,
        boolean bias) {

    long outHeight() {
        return (height + 2 * padH - kernelH) / strideH + 1;
    }

    long outWidth() {
        return (width + 2 * padW - kernelW) / strideW + 1;
    }

    long[] input() {
        return new long[] {batch, channels, height, width};
    }

    long[] weights() {
        return new long[] {outChannels, channels, kernelH, kernelW};
    }

    long[] output() {
        return new long[] {batch, outChannels, outHeight(), outWidth()};
    }
}

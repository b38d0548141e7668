package org.drilldown.model;

import java.util.stream.IntStream;

/**
 * BatchNorm + ReLU for training, forward and backward, on NCHW float arrays in the Java heap, one channel
 * at a time: each pass reads a channel's planes once and does all its arithmetic there. The same work as
 * ND4J ops takes a dozen native calls per block and direction (statistics, normalise, ReLU, ReLU's
 * derivative, libnd4j's batchnorm_bp and its broadcasts), each a full pass over the activations with its
 * own per-op cost; at batch 32 those made up more than half of a step 4 training step (docs/performance.md).
 *
 * <p>Sums are taken per plane in float with four accumulators, then over the batch in double, and the
 * variance is the mean squared distance from the mean (two passes): close to exact, as PyTorch's.
 * Inverted dropout is part of the forward pass: each activation draws 16 random bits (SplitMix64, four
 * draws per 64-bit number, one stream per channel from the caller's seed) and is dropped when they fall
 * under {@code round(dropProbability * 65536)}, so the rate is the configured one to within 1 / 131,072;
 * kept ones are scaled by 1 / (1 - dropProbability). ND4J's random op took twice as long
 * (1.6 against 0.8 ns an activation, perf and a loop over one block's activations).
 */
final class BatchNormKernel {
    private BatchNormKernel() {}

    /**
     * Batch statistics of {@code x} [n, c, hw] into {@code mean} and {@code var} (biased, as DL4J's), and
     * {@code out} = dropout(max(0, gamma (x - mean) / sqrt(var + eps) + beta)), dropout as described above
     * ({@code dropProbability} 0: none).
     */
    static void forward(
            float[] x,
            int n,
            int c,
            int hw,
            float[] gamma,
            float[] beta,
            double eps,
            double dropProbability,
            long seed,
            double[] mean,
            double[] var,
            float[] out,
            boolean parallel) {
        int dropBelow = (int) Math.round(dropProbability * 65536);
        float keptScale = (float) (1 / (1 - dropProbability));
        channels(c, parallel).forEach(ch -> {
            double count = (double) n * hw;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += sum(x, (i * c + ch) * hw, hw);
            }
            double m = sum / count;
            float mf = (float) m;
            double squares = 0;
            for (int i = 0; i < n; i++) {
                squares += squaredDistance(x, (i * c + ch) * hw, hw, mf);
            }
            double v = squares / count;
            mean[ch] = m;
            var[ch] = v;
            double scale = gamma[ch] / Math.sqrt(v + eps);
            float a = (float) scale;
            float b = (float) (beta[ch] - m * scale);
            long state = seed ^ (ch * 0xD1B54A32D192ED03L); // this channel's dropout stream
            for (int i = 0; i < n; i++) {
                int from = (i * c + ch) * hw;
                int end = from + hw;
                if (dropBelow == 0) {
                    for (int j = from; j < end; j++) {
                        out[j] = Math.max(0f, x[j] * a + b);
                    }
                    continue;
                }
                int j = from;
                for (; j + 3 < end; j += 4) {
                    state += 0x9E3779B97F4A7C15L;
                    long bits = mix(state);
                    out[j] = Math.max(0f, x[j] * a + b) * keep((int) bits & 0xFFFF, dropBelow, keptScale);
                    out[j + 1] =
                            Math.max(0f, x[j + 1] * a + b) * keep((int) (bits >>> 16) & 0xFFFF, dropBelow, keptScale);
                    out[j + 2] =
                            Math.max(0f, x[j + 2] * a + b) * keep((int) (bits >>> 32) & 0xFFFF, dropBelow, keptScale);
                    out[j + 3] = Math.max(0f, x[j + 3] * a + b) * keep((int) (bits >>> 48), dropBelow, keptScale);
                }
                state += 0x9E3779B97F4A7C15L;
                long bits = mix(state);
                for (; j < end; j++, bits >>>= 16) {
                    out[j] = Math.max(0f, x[j] * a + b) * keep((int) bits & 0xFFFF, dropBelow, keptScale);
                }
            }
        });
    }

    /** keptScale, or 0 when the 16-bit {@code draw} is under {@code dropBelow}; no branch (the draws are random). */
    private static float keep(int draw, int dropBelow, float keptScale) {
        int dropped = (draw - dropBelow) >> 31; // all ones when draw < dropBelow
        return Float.intBitsToFloat(Float.floatToRawIntBits(keptScale) & ~dropped);
    }

    // SplitMix64's output function (Steele, Lea, Flood 2014), as java.util.SplittableRandom's.
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Backprop through {@link #forward} and a dropout that kept an activation with scale {@code keptScale}
     * (1 / retain probability; 1 without dropout): {@code out} is the layer's final output, whose sign is both
     * ReLU's derivative and the dropout mask. {@code grad} holds dL/d(out) on entry and dL/dx on return.
     * dL/dgamma and dL/dbeta go to {@code dGamma}, {@code dBeta}.
     */
    static void backward(
            float[] x,
            float[] out,
            float[] grad,
            int n,
            int c,
            int hw,
            float[] gamma,
            double eps,
            double[] mean,
            double[] var,
            float keptScale,
            double[] dGamma,
            double[] dBeta,
            boolean parallel) {
        channels(c, parallel).forEach(ch -> {
            double count = (double) n * hw;
            float mf = (float) mean[ch];
            double invStd = 1 / Math.sqrt(var[ch] + eps);
            double sumG = 0;
            double sumGx = 0;
            for (int i = 0; i < n; i++) {
                int from = (i * c + ch) * hw;
                // g = dL/d(bn output), written back in place: grad where the output is positive, times keptScale.
                float g0 = 0, g1 = 0, gx0 = 0, gx1 = 0;
                int j = from;
                int end = from + hw;
                for (; j + 1 < end; j += 2) {
                    float ga = kept(out[j], grad[j] * keptScale);
                    float gb = kept(out[j + 1], grad[j + 1] * keptScale);
                    grad[j] = ga;
                    grad[j + 1] = gb;
                    g0 += ga;
                    g1 += gb;
                    gx0 += ga * (x[j] - mf);
                    gx1 += gb * (x[j + 1] - mf);
                }
                for (; j < end; j++) {
                    float ga = kept(out[j], grad[j] * keptScale);
                    grad[j] = ga;
                    g0 += ga;
                    gx0 += ga * (x[j] - mf);
                }
                sumG += g0 + g1;
                sumGx += gx0 + gx1;
            }
            dBeta[ch] = sumG;
            dGamma[ch] = sumGx * invStd;
            // dL/dx = gamma/std * (g - mean(g) - xhat * mean(g * xhat)), as a * g + b * (x - mean) + k
            double a = gamma[ch] * invStd;
            float af = (float) a;
            float bf = (float) (-a * invStd * dGamma[ch] / count);
            float kf = (float) (-a * sumG / count);
            for (int i = 0; i < n; i++) {
                int from = (i * c + ch) * hw;
                for (int j = from; j < from + hw; j++) {
                    grad[j] = af * grad[j] + bf * (x[j] - mf) + kf;
                }
            }
        });
    }

    /**
     * {@code value} where {@code output} is positive, else 0, without a branch: the sign of a ReLU output is as
     * good as a coin toss, and a mispredicted branch per element cost more than all the arithmetic here.
     * Outputs are never negative; -0.0 and NaN count as not positive.
     */
    private static float kept(float output, float value) {
        int bits = Float.floatToRawIntBits(output);
        int mask = (-bits & ~bits) >> 31; // all ones for 0 < bits (a positive float), else 0
        return Float.intBitsToFloat(Float.floatToRawIntBits(value) & mask);
    }

    private static IntStream channels(int c, boolean parallel) {
        IntStream all = IntStream.range(0, c);
        return parallel ? all.parallel() : all;
    }

    // Four independent accumulators: a float sum in one chain waits on each add; four keep the adder busy.
    private static float sum(float[] x, int from, int length) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = from;
        int end = from + length;
        for (; j + 3 < end; j += 4) {
            s0 += x[j];
            s1 += x[j + 1];
            s2 += x[j + 2];
            s3 += x[j + 3];
        }
        for (; j < end; j++) {
            s0 += x[j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static float squaredDistance(float[] x, int from, int length, float mean) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = from;
        int end = from + length;
        for (; j + 3 < end; j += 4) {
            float d0 = x[j] - mean, d1 = x[j + 1] - mean, d2 = x[j + 2] - mean, d3 = x[j + 3] - mean;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; j < end; j++) {
            float d = x[j] - mean;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }
}

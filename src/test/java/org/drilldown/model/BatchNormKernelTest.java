package org.drilldown.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchNormKernel}'s two paths that training on 2 cores under surefire (OMP_NUM_THREADS=1) never takes
 * through the network: channels in parallel (a single-process run with more native threads), and the dropout
 * tail loop of a plane whose size is not a multiple of four.
 */
class BatchNormKernelTest {
    private static final double EPS = 1e-5;

    @Test
    void channelsInParallelGiveTheSameBitsAsOneThread() {
        int n = 16, c = 16, hw = 7 * 7; // 49 = 12 x 4 + 1: every plane ends in the tail loop
        float[] x = random(n * c * hw, 1);
        float[] gamma = random(c, 2);
        float[] beta = random(c, 3);
        Pass sequential = pass(x, n, c, hw, gamma, beta, 0.1, false);
        Pass parallel = pass(x, n, c, hw, gamma, beta, 0.1, true);
        assertThat(parallel.out).containsExactly(sequential.out);
        assertThat(parallel.grad).containsExactly(sequential.grad);
        assertThat(parallel.dGamma).containsExactly(sequential.dGamma);
        assertThat(parallel.dBeta).containsExactly(sequential.dBeta);
    }

    /**
     * The parallel path really splits the channels across threads: run inside a pool of its own, the pass's
     * stream hands channels to the pool's other workers, which steal them. A sequential pass shows at most one
     * steal (the pool's worker taking the submitted task itself), so a kernel that went sequential, which the
     * same-bits test above would not notice, fails here. Up to five fresh pools, in case the other workers are
     * slow to wake on a busy machine.
     */
    @Test
    void theParallelPathRunsChannelsOnSeveralThreads() throws Exception {
        int n = 32, c = 64, hw = 14 * 14;
        float[] x = random(n * c * hw, 6);
        float[] gamma = random(c, 7);
        float[] beta = random(c, 8);
        long steals = 0;
        for (int attempt = 0; attempt < 5 && steals < 2; attempt++) {
            java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(4);
            try {
                pool.submit(() -> pass(x, n, c, hw, gamma, beta, 0.1, true)).get();
                steals = pool.getStealCount();
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(steals).as("tasks the pool's workers took from one another").isGreaterThanOrEqualTo(2);
    }

    @Test
    void theTailOfEachPlaneIsDroppedAtTheConfiguredRate() {
        // hw = 5: four activations through the unrolled loop, the fifth through the tail loop. beta = 10 keeps
        // every activation positive after ReLU, so a zero is a dropped one.
        int n = 4000, c = 4, hw = 5;
        float[] x = random(n * c * hw, 4);
        float[] gamma = {1, 1, 1, 1};
        float[] beta = {10, 10, 10, 10};
        Pass p = pass(x, n, c, hw, gamma, beta, 0.1, false);
        int tailDropped = 0, bodyDropped = 0;
        for (int plane = 0; plane < n * c; plane++) {
            for (int j = 0; j < hw; j++) {
                if (p.out[plane * hw + j] == 0f) {
                    if (j == hw - 1) {
                        tailDropped++;
                    } else {
                        bodyDropped++;
                    }
                }
            }
        }
        // 16,000 tail draws at p = 0.1: standard deviation 0.24 points; four deviations either side.
        assertThat(tailDropped / (double) (n * c)).isBetween(0.09, 0.11);
        assertThat(bodyDropped / (double) (n * c * (hw - 1))).isBetween(0.095, 0.105);
    }

    private record Pass(float[] out, float[] grad, double[] dGamma, double[] dBeta) {}

    private static Pass pass(
            float[] x, int n, int c, int hw, float[] gamma, float[] beta, double drop, boolean parallel) {
        double[] mean = new double[c];
        double[] var = new double[c];
        float[] out = new float[x.length];
        BatchNormKernel.forward(x, n, c, hw, gamma, beta, EPS, drop, 42L, mean, var, out, parallel);
        float[] grad = random(x.length, 5);
        double[] dGamma = new double[c];
        double[] dBeta = new double[c];
        BatchNormKernel.backward(
                x, out, grad, n, c, hw, gamma, EPS, mean, var, (float) (1 / (1 - drop)), dGamma, dBeta, parallel);
        return new Pass(out, grad, dGamma, dBeta);
    }

    private static float[] random(int length, long seed) {
        Random r = new Random(seed);
        float[] a = new float[length];
        for (int i = 0; i < length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }
}

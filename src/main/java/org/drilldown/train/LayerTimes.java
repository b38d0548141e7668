package org.drilldown.train;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Where a training step's time goes, layer by layer: the forward (training mode) and backward pass of each
 * layer on one minibatch, and the whole {@code fit} of that minibatch, as CPU time of the calling thread. CPU
 * time, not wall time, so that a busy machine stretches the figures less; with one native thread
 * ({@code OMP_NUM_THREADS=1}) every ND4J and oneDNN op runs on the calling thread and is counted. The per-layer
 * passes run outside DL4J's workspaces, so their sum may differ from {@code fit}; the difference (updater,
 * workspaces, score) is reported as its own line.
 */
public final class LayerTimes {
    /** One layer's median times per minibatch, in milliseconds. */
    public record Row(int index, String layer, double forwardMs, double backwardMs) {}

    /** Per-layer rows and the median CPU time of a whole {@code fit} of the same minibatch. */
    public record Profile(List<Row> layers, double fitMs) {
        public Profile {
            layers = List.copyOf(layers);
        }

        public double layersMs() {
            return layers.stream()
                    .mapToDouble(r -> r.forwardMs() + r.backwardMs())
                    .sum();
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private LayerTimes() {}

    /** Profiles {@code net} on {@code batch}: {@code warmup} untimed repetitions, then the median of {@code repeats}. */
    public static Profile of(MultiLayerNetwork net, DataSet batch, int warmup, int repeats) {
        int n = net.getnLayers();
        double[][] forward = new double[n][repeats];
        double[][] backward = new double[n][repeats];
        double[] fit = new double[repeats];
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        for (int r = -warmup; r < repeats; r++) {
            long[] f = new long[n];
            long[] b = new long[n];
            pass(net, batch, mgr, f, b);
            long start = THREADS.getCurrentThreadCpuTime();
            net.fit(batch);
            long fitNanos = THREADS.getCurrentThreadCpuTime() - start;
            if (r >= 0) {
                for (int i = 0; i < n; i++) {
                    forward[i][r] = f[i] / 1e6;
                    backward[i][r] = b[i] / 1e6;
                }
                fit[r] = fitNanos / 1e6;
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new Row(i, describe(net.getLayer(i)), median(forward[i]), median(backward[i])));
        }
        return new Profile(rows, median(fit));
    }

    /** One forward and backward pass, layer by layer, adding each layer's CPU nanoseconds to {@code f} and {@code b}. */
    private static void pass(MultiLayerNetwork net, DataSet batch, LayerWorkspaceMgr mgr, long[] f, long[] b) {
        int n = net.getnLayers();
        int size = (int) batch.getFeatures().size(0);
        InputPreProcessor[] pre = new InputPreProcessor[n];
        INDArray x = batch.getFeatures();
        for (int i = 0; i < n; i++) {
            pre[i] = net.getLayerWiseConfigurations().getInputPreProcess(i);
            long start = THREADS.getCurrentThreadCpuTime();
            if (pre[i] != null) {
                x = pre[i].preProcess(x, size, mgr);
            }
            Layer layer = net.getLayer(i);
            if (layer instanceof BaseOutputLayer<?> out) {
                out.setLabels(batch.getLabels());
            }
            x = layer.activate(x, true, mgr);
            f[i] += THREADS.getCurrentThreadCpuTime() - start;
        }
        INDArray epsilon = null;
        for (int i = n - 1; i >= 0; i--) {
            long start = THREADS.getCurrentThreadCpuTime();
            Pair<Gradient, INDArray> g = net.getLayer(i).backpropGradient(epsilon, mgr);
            epsilon = g.getSecond();
            if (pre[i] != null && epsilon != null) {
                epsilon = pre[i].backprop(epsilon, size, mgr);
            }
            b[i] += THREADS.getCurrentThreadCpuTime() - start;
        }
    }

    private static String describe(Layer layer) {
        String name = layer.getClass().getSimpleName();
        if (layer.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer c) {
            return String.format(
                    java.util.Locale.ROOT,
                    "%s %dx%d %d→%d",
                    name,
                    c.getKernelSize()[0],
                    c.getKernelSize()[1],
                    c.getNIn(),
                    c.getNOut());
        }
        return name;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}

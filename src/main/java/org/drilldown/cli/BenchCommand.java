package org.drilldown.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.drilldown.augment.RandomRotation;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.JobConfig;
import org.drilldown.config.StepSpec;
import org.drilldown.data.MnistData;
import org.drilldown.model.ConvolutionTimes;
import org.drilldown.model.InPlaceUpdater;
import org.drilldown.model.ParamCount;
import org.drilldown.model.StepModels;
import org.drilldown.train.LayerTimes;
import org.drilldown.train.NativeHelpers;
import org.drilldown.train.Score;
import org.drilldown.train.SingleProcessTrainer;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code drilldown bench}: single-process DL4J training and evaluation throughput for one step, one JSON line
 * per epoch, for scripts/bench.sh to set beside Spark and PyTorch.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Single-process DL4J throughput of one step (no Spark); prints one JSON line per epoch.")
final class BenchCommand implements Callable<Integer> {
    private static final int EVAL_PASSES = 3;

    @Option(names = "--step", description = "step key (default: 4)")
    String step = "4";

    @Option(names = "--batch", description = "minibatch size (default: the step's)")
    Integer batch;

    @Option(names = "--epochs", description = "epochs to time (default: 1)")
    int epochs = 1;

    @Option(names = "--train-limit", description = "training images (default: all)")
    int trainLimit;

    @Option(names = "--data", description = "MNIST directory (default: data/mnist)")
    Path data = Path.of("data/mnist");
    // Picocli: a negatable option true by default is declared by its negative name (--no-X sets false, --X true).
    @Option(
            names = "--no-onednn",
            negatable = true,
            description = "--no-onednn: DL4J's built-in layer code instead of its oneDNN helpers")
    boolean onednn = true;

    @Option(
            names = "--no-fused",
            negatable = true,
            description =
                    "--no-fused: BatchNorm, ReLU and dropout as DL4J's three stock layers instead of one BatchNormBlock")
    boolean fused = true;

    @Option(
            names = "--layers",
            paramLabel = "N",
            description = "instead of epochs: each layer's forward and backward CPU time on one minibatch, median of N"
                    + " repetitions after 20 warm-up ones, and a whole fit's (run with OMP_NUM_THREADS=1)")
    int layerRepeats;

    @Option(
            names = "--convolutions",
            paramLabel = "N",
            description = "instead of epochs: each convolution's forward and backward wall time on random arrays of its"
                    + " shapes, median of N: libnd4j's ops (DL4J's oneDNN helper) and oneDNN called directly with"
                    + " Winograd allowed and without")
    int convolutionRepeats;

    @Override
    public Integer call() throws Exception {
        NativeHelpers.configure(onednn);
        JobConfig config = ConfigLoader.load(null, Map.of("drilldown.run-steps", List.of(step)));
        StepSpec spec = config.steps().get(0);
        int batchSize = batch != null ? batch : spec.batchSize();
        MnistData mnist = MnistData.load(data, trainLimit, 0, 0);
        // MNIST's training mean and std; the job computes them with Spark, the bench needs no Spark.
        SingleProcessTrainer trainer = new SingleProcessTrainer(0.1307, 0.3081);
        MultiLayerNetwork net = StepModels.network(spec, config.seed(), fused);
        if (layerRepeats > 0) {
            printLayerTimes(
                    net, trainer.batches(mnist.train(), null, batchSize, null).get(0), spec, batchSize);
            return 0;
        }
        if (convolutionRepeats > 0) {
            printConvolutionTimes(
                    net, trainer.batches(mnist.train(), null, batchSize, null).get(0), spec, batchSize);
            return 0;
        }
        List<DataSet> test = trainer.batches(mnist.test(), null, 1000, null);
        ObjectMapper json = new ObjectMapper();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            InPlaceUpdater.setLearningRate(net, spec.learningRateAt(epoch));
            RandomRotation rotation = spec.rotationDegrees() > 0
                    ? new RandomRotation(config.seed(), epoch, spec.rotationDegrees())
                    : null;
            // Timed from the raw images on: building the minibatches (rotation, normalisation) counts, as in the
            // yardstick's epoch; DL4J's prefetching iterator overlaps it with training.
            double trainSeconds = SingleProcessTrainer.fit(
                    net, trainer.lazyBatches(mnist.train(), rotation, batchSize, (long) epoch));
            // The first pass also pays for JIT compilation and the inference workspaces; the figure is the median
            // of the next three: one pass is ~1 s, and a collection of training's garbage landing in it halved it.
            double[] firstEvalSeconds = new double[1];
            SingleProcessTrainer.score(net, test, firstEvalSeconds);
            double[] evalSeconds = new double[EVAL_PASSES];
            Score score = null;
            for (int pass = 0; pass < EVAL_PASSES; pass++) {
                double[] seconds = new double[1];
                score = SingleProcessTrainer.score(net, test, seconds);
                evalSeconds[pass] = seconds[0];
            }
            Arrays.sort(evalSeconds);
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("framework", "dl4j-single-process");
            line.put("step", spec.key());
            line.put("epoch", epoch);
            line.put("params", ParamCount.trainable(net));
            line.put("batch", batchSize);
            line.put("threads", Nd4j.getEnvironment().maxMasterThreads());
            line.put("onednn", onednn);
            line.put("fused", fused);
            line.put("train_images", mnist.train().size());
            line.put("train_seconds", trainSeconds);
            line.put("train_images_per_second", mnist.train().size() / trainSeconds);
            line.put("eval_images_per_second", mnist.test().size() / evalSeconds[EVAL_PASSES / 2]);
            line.put("eval_slowest_pass_images_per_second", mnist.test().size() / evalSeconds[EVAL_PASSES - 1]);
            line.put("eval_first_pass_images_per_second", mnist.test().size() / firstEvalSeconds[0]);
            line.put("test_accuracy", score.accuracy());
            System.out.println(json.writeValueAsString(line));
        }
        return 0;
    }

    private void printConvolutionTimes(MultiLayerNetwork net, DataSet batch, StepSpec spec, int batchSize) {
        System.out.printf(
                Locale.ROOT,
                "step %s, batch %d, %d native thread(s): wall ms per forward + backward, median of %d%n",
                spec.key(),
                batchSize,
                Nd4j.getEnvironment().maxMasterThreads(),
                convolutionRepeats);
        System.out.printf(
                Locale.ROOT,
                "%3s  %-22s %9s %9s %9s  %s%n",
                "#",
                "convolution",
                "libnd4j",
                "winograd",
                "direct",
                "Drilldown runs");
        for (ConvolutionTimes.Row r : ConvolutionTimes.of(net, batch.getFeatures(), convolutionRepeats)) {
            System.out.printf(
                    Locale.ROOT,
                    "%3d  %-22s %9.3f %9.3f %9.3f  %s%n",
                    r.layer(),
                    r.shape(),
                    r.libnd4jMs(),
                    r.winogradMs(),
                    r.directMs(),
                    (r.winograd() ? "winograd: " : "direct: ") + r.implementations());
        }
    }

    private void printLayerTimes(MultiLayerNetwork net, DataSet batch, StepSpec spec, int batchSize) {
        InPlaceUpdater.setLearningRate(net, spec.learningRateAt(1));
        LayerTimes.Profile p = LayerTimes.of(net, batch, 20, layerRepeats);
        System.out.printf(
                Locale.ROOT,
                "step %s, batch %d, %d native thread(s): CPU ms per minibatch, median of %d%n",
                spec.key(),
                batchSize,
                Nd4j.getEnvironment().maxMasterThreads(),
                layerRepeats);
        System.out.printf(Locale.ROOT, "%3s  %-36s %9s %9s%n", "#", "layer", "forward", "backward");
        for (LayerTimes.Row r : p.layers()) {
            System.out.printf(
                    Locale.ROOT, "%3d  %-36s %9.3f %9.3f%n", r.index(), r.layer(), r.forwardMs(), r.backwardMs());
        }
        System.out.printf(Locale.ROOT, "     %-36s %19.3f%n", "layers, forward + backward", p.layersMs());
        System.out.printf(Locale.ROOT, "     %-36s %19.3f%n", "whole fit (updater, workspaces, score)", p.fitMs());
    }
}

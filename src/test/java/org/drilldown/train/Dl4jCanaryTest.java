package org.drilldown.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.drilldown.SharedSpark;
import org.drilldown.TestData;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.StepSpec;
import org.drilldown.data.MnistFiles;
import org.drilldown.model.InPlaceUpdater;
import org.drilldown.model.StepModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Canaries for the DL4J couplings the job's speed rests on (docs/dl4j-couplings.md): each fails the day a
 * DL4J or ND4J upgrade quietly undoes one, instead of training going slower with nothing said.
 */
class Dl4jCanaryTest {
    @TempDir
    static java.nio.file.Path exportDir;

    static List<DataSet> batches;

    @BeforeAll
    static void setUp() {
        NativeHelpers.configure(true);
        batches = new SingleProcessTrainer(0.1307, 0.3081)
                .batches(new MnistFiles(TestData.mnistDir()).train().limit(256), null, 32, 1L);
    }

    /** NativeHelpers' switches reach every convolution and max-pooling layer, and survive training steps. */
    @Test
    void oneDnnRunsEveryConvolutionAndPoolingLayer() throws Exception {
        StepSpec step1 = step("1");
        MultiLayerNetwork net = StepModels.network(step1, 3);
        net.fit(batches.get(0));
        net.fit(batches.get(1));
        int convolutions = 0, pools = 0;
        for (Layer layer : net.getLayers()) {
            if (layer instanceof ConvolutionLayer) {
                assertThat(layer.getHelper())
                        .as("layer %d's helper", layer.getIndex())
                        .isInstanceOf(MKLDNNConvHelper.class);
                assertThat(helperFailures(layer, ConvolutionLayer.class))
                        .as("DL4J's fallbacks from oneDNN")
                        .isZero();
                convolutions++;
            } else if (layer instanceof SubsamplingLayer) {
                assertThat(layer.getHelper()).isInstanceOf(MKLDNNSubsamplingHelper.class);
                assertThat(helperFailures(layer, SubsamplingLayer.class)).isZero();
                pools++;
            }
        }
        // Step 1's layers: seven convolutions before the output, one max pooling.
        assertThat(convolutions).isEqualTo(7);
        assertThat(pools).isEqualTo(1);
    }

    /** Every minibatch's update takes the in-place path, in one process and on parameter-averaging workers. */
    @Test
    void everyUpdateTakesTheInPlacePathLocallyAndOnSparkWorkers() {
        MultiLayerNetwork net = StepModels.network(step("4"), 3);
        long before = InPlaceUpdater.inPlaceUpdates();
        for (DataSet batch : batches.subList(0, 3)) {
            net.fit(batch);
        }
        assertThat(InPlaceUpdater.inPlaceUpdates() - before)
                .as("in-place updates, one process")
                .isEqualTo(3);

        // Two workers in local[2] (their tasks run in this JVM), four minibatches each, averaging every two.
        JavaSparkContext sc =
                JavaSparkContext.fromSparkContext(SharedSpark.get().sparkContext());
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(
                sc, StepModels.network(step("4"), 3), StepTrainer.trainingMaster(2, 32, 2, 0, exportDir.toString(), 1));
        before = InPlaceUpdater.inPlaceUpdates();
        sparkNet.fit(sc.parallelize(batches, 2));
        assertThat(InPlaceUpdater.inPlaceUpdates() - before)
                .as("in-place updates on the workers")
                .isEqualTo(batches.size());
    }

    /**
     * RecordingTrainingMaster hands each round's worker its parameters in an InTaskBroadcast: DL4J's worker must
     * still build its initial model from that broadcast's value alone (dl4j-spark 1.0.0-M2 reads it with
     * getValue), and Spark must get no broadcast of its own for it.
     */
    @Test
    void aRoundsWorkerBuildsItsModelFromTheParametersInItsTask() {
        JavaSparkContext sc =
                JavaSparkContext.fromSparkContext(SharedSpark.get().sparkContext());
        MultiLayerNetwork net = StepModels.network(step("4"), 3);
        net.fit(batches.get(0)); // an updater with state
        SparkDl4jMultiLayer sparkNet =
                new SparkDl4jMultiLayer(sc, net, StepTrainer.trainingMaster(2, 32, 2, 0, exportDir.toString(), 1));
        var worker = ((RecordingTrainingMaster) sparkNet.getTrainingMaster()).getWorkerInstance(sparkNet);
        MultiLayerNetwork initial = worker.getInitialModel();
        assertThat(initial.params()).isEqualTo(net.params());
        assertThat(initial.getUpdater().getStateViewArray())
                .isEqualTo(net.getUpdater().getStateViewArray());
    }

    /**
     * A barrier stage's worker fits every round after its first on the network it kept: that network starts the
     * round with the round's parameters and updater state, as DL4J's rebuilt one would, and DL4J's stats helper,
     * which only DL4J's own getInitialModel creates, is there for every round's timings (KeptNetworkWorker sets its
     * private field).
     */
    @Test
    void aKeptNetworkStartsEachRoundFromItsStateAndReportsItsTimings() {
        TrainingStats.useSystemClock(); // as the job does: DL4J's default clock asks a public NTP pool
        MultiLayerNetwork net = StepModels.network(step("2"), 3);
        net.fit(batches.get(0)); // an updater with state
        var workerConf = new org.deeplearning4j.spark.api.WorkerConfiguration(false, 32, 32, 1, 0, true);
        KeptNetworkWorker.Kept kept = new KeptNetworkWorker.Kept();
        MultiLayerNetwork first = null;
        for (int round = 0; round < 2; round++) {
            var start = new org.deeplearning4j.spark.api.worker.NetBroadcastTuple(
                    net.getLayerWiseConfigurations(),
                    net.params(),
                    net.getUpdater().getStateViewArray());
            var worker = new KeptNetworkWorker(start, workerConf, EpochFitter.workerHooks(), List.of(), kept);
            MultiLayerNetwork initial = worker.getInitialModel();
            first = first == null ? initial : first;
            assertThat(initial).isSameAs(first);
            assertThat(initial.params()).isEqualTo(net.params());
            assertThat(initial.getUpdater().getStateViewArray())
                    .isEqualTo(net.getUpdater().getStateViewArray());
            var result = worker.processMinibatchWithStats(batches.get(1 + round), initial, true);
            assertThat(TrainingStats.timings(result.getSecond()))
                    .extracting(WorkerTiming::stat)
                    .contains("ModelInit", "Fit");
            // The result's arrays are copies: the next round's start must not change them.
            assertThat(result.getFirst().getParameters()).isNotSameAs(initial.params());
            net.fit(batches.get(1 + round)); // the next round starts elsewhere
        }
    }

    private static StepSpec step(String key) {
        return ConfigLoader.load(null, Map.of("drilldown.run-steps", List.of(key)))
                .steps()
                .get(0);
    }

    /**
     * StepModels' cache mode keeps each convolution's training forward output for its backward pass: one fit
     * runs every convolution forward once. Without it DL4J recomputes the forward in backpropGradient (twice
     * per fit, measured with DNNL_VERBOSE: 92 forward calls of step 2's first convolution in 46 fits).
     */
    @Test
    void everyConvolutionRunsItsForwardPassOncePerFit() throws Exception {
        MultiLayerNetwork net = StepModels.network(step("2"), 3);
        net.fit(batches.get(0)); // helpers and workspaces settle in the first fit
        Field helper = ConvolutionLayer.class.getDeclaredField("helper");
        helper.setAccessible(true);
        Map<Integer, java.util.concurrent.atomic.AtomicInteger> forwards = new java.util.TreeMap<>();
        for (Layer layer : net.getLayers()) {
            if (layer instanceof ConvolutionLayer) {
                Object real = helper.get(layer);
                java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
                forwards.put(layer.getIndex(), count);
                helper.set(
                        layer,
                        java.lang.reflect.Proxy.newProxyInstance(
                                getClass().getClassLoader(),
                                new Class<?>[] {org.deeplearning4j.nn.layers.convolution.ConvolutionHelper.class},
                                (proxy, method, args) -> {
                                    if (method.getName().equals("preOutput")) {
                                        count.incrementAndGet();
                                    }
                                    try {
                                        return method.invoke(real, args);
                                    } catch (java.lang.reflect.InvocationTargetException e) {
                                        throw e.getCause();
                                    }
                                }));
            }
        }
        net.fit(batches.get(1));
        // Step 2: six convolutions before the output layer.
        assertThat(forwards).hasSize(6);
        assertThat(forwards.values()).allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
    }

    /** DL4J counts the exceptions its helper threw and silently runs its own code instead. */
    private static int helperFailures(Layer layer, Class<?> declaring) throws Exception {
        Field count = declaring.getDeclaredField("helperCountFail");
        count.setAccessible(true);
        return count.getInt(layer);
    }
}

package org.drilldown.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.StepSpec;
import org.drilldown.train.NativeHelpers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fused BatchNorm + ReLU + dropout layer as the job trains it (float, workspaces on: {@link BatchNormKernel};
 * inference through its oneDNN helper), against DL4J's stock layers computed in double precision on DL4J's
 * built-in path (helpers and workspaces off): same parameters, same batch → same outputs, loss, gradients and
 * running statistics; with dropout, the same gradients given the fused layer's mask.
 *
 * <p>The batch is 64 real training digits plus a little Gaussian noise. Without the noise, MNIST's flat
 * background gives max pooling exact ties, and which tied input receives the gradient then turns on the
 * last bit of the BatchNorm output: gradients of two correct implementations differed by 1 % that way.
 * With it, the fused layer's float gradient is within 3e-6 of double precision (DL4J's stock layers with
 * their oneDNN helpers: 3e-6; on DL4J's built-in float path: 5e-4).
 */
class BatchNormBlockTest {
    private static StepSpec step4; // dropout 0.2
    private static StepSpec step4NoDropout;
    private static DataSet batch;

    @BeforeAll
    static void setUp() {
        NativeHelpers.configure(true);
        step4 = step4WithDropout(0.2);
        step4NoDropout = step4WithDropout(0);
        batch = DoublePrecision.noisyDigits(64);
    }

    @Test
    void fusedBlocksMatchStockLayersInDoublePrecision() {
        MultiLayerNetwork fused = StepModels.network(step4NoDropout, 5);
        MultiLayerNetwork reference = DoublePrecision.stockReference(step4NoDropout);
        assertThat(fused.getnLayers()).isEqualTo(reference.getnLayers() - 6); // 6 blocks: BatchNorm + ReLU become 1
        assertThat(fused.getLayer(1).getHelper())
                .as("the fused layer's BatchNorm helper")
                .isInstanceOf(OneDnnBatchNorm.class);
        assertThat(reference.getLayer(1).getHelper())
                .as("stock BatchNorm with helpers off")
                .isNull();
        reference.setParams(fused.params().castTo(DataType.DOUBLE));
        DataSet batch64 = DoublePrecision.inDouble(batch);

        // Inference: running statistics, no dropout.
        DoublePrecision.assertClose(
                fused.output(batch.getFeatures(), false), reference.output(batch64.getFeatures(), false), 1e-5);

        // Training step: batch statistics. The fused blocks write their running statistics during backprop and
        // give them zero gradients; DL4J's layers give their no-op updater the change as a "gradient".
        INDArray paramsBefore = fused.params().dup();
        DoublePrecision.computeGradient(fused, batch);
        DoublePrecision.computeGradient(reference, batch64);
        assertThat(fused.score()).isCloseTo(reference.score(), within(1e-5 * Math.max(1, reference.score())));
        boolean[] runningStatistic = runningStatisticPositions(fused);
        INDArray g = withZeros(reference.gradient().gradient(), runningStatistic);
        assertThat(g.norm2Number().doubleValue()).as("a real gradient").isGreaterThan(1e-3);
        DoublePrecision.assertClose(fused.gradient().gradient(), g, 1e-4);
        assertThat(withZeros(fused.gradient().gradient(), negate(runningStatistic))
                        .amaxNumber()
                        .doubleValue())
                .as("running statistics' gradients")
                .isZero();
        assertThat(withZeros(fused.params().sub(paramsBefore), negate(runningStatistic))
                        .norm2Number()
                        .doubleValue())
                .as("running statistics written during backprop")
                .isGreaterThan(1e-4);
        fused.setParams(paramsBefore);

        // A whole fit step moves both networks alike (updater, running mean and variance included).
        Nd4j.getRandom().setSeed(12);
        fused.fit(batch);
        Nd4j.getRandom().setSeed(12);
        reference.fit(batch64);
        DoublePrecision.assertClose(fused.params(), reference.params(), 1e-5);
        for (int i = 0; i < fused.getnLayers(); i++) {
            if (fused.getLayer(i) instanceof BatchNormBlockLayer block) {
                assertThat(block.helperFailures())
                        .as("layer %d fell back to DL4J's built-in code", i)
                        .isZero();
                assertThat(block.javaSteps())
                        .as("layer %d trained by BatchNormKernel", i)
                        .isEqualTo(2);
            }
        }
    }

    @Test
    void dropoutGradientsAreTheStockLayersGivenTheSameMask() {
        MultiLayerNetwork fused = StepModels.network(step4, 5);
        MultiLayerNetwork reference = DoublePrecision.stockReference(step4NoDropout);
        reference.setParams(fused.params().castTo(DataType.DOUBLE));
        fused.initGradientsView(); // what fit does before the first backprop
        reference.initGradientsView();
        LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
        // The first block (the largest), on the first convolution's output for the batch.
        INDArray x = fused.feedForwardToLayer(0, batch.getFeatures(), false).get(1);
        BatchNormBlockLayer block = (BatchNormBlockLayer) fused.getLayer(1);
        block.setInput(x, noWorkspaces);
        INDArray out = block.activate(true, noWorkspaces).dup();
        Nd4j.getRandom().setSeed(21);
        INDArray epsilon = Nd4j.randn(DataType.FLOAT, out.shape());
        Pair<Gradient, INDArray> fusedGrad = block.backpropGradient(epsilon, noWorkspaces);
        assertThat(block.javaSteps()).isEqualTo(1);

        Layer stockBatchNorm = reference.getLayer(1);
        stockBatchNorm.setInput(x.castTo(DataType.DOUBLE), noWorkspaces);
        INDArray y = stockBatchNorm.activate(true, noWorkspaces);
        INDArray kept = out.gt(0).castTo(DataType.DOUBLE);
        double positive = y.gt(0).castTo(DataType.DOUBLE).sumNumber().doubleValue();
        assertThat(kept.mul(y.lte(0).castTo(DataType.DOUBLE)).sumNumber().doubleValue())
                .as("outputs kept where BatchNorm was not positive")
                .isZero();
        assertThat(1 - kept.sumNumber().doubleValue() / positive)
                .as("dropped share of ReLU's positives")
                .isCloseTo(0.2, within(0.005));
        DoublePrecision.assertClose(out, y.mul(kept).divi(0.8), 1e-5);

        Pair<Gradient, INDArray> stockGrad = stockBatchNorm.backpropGradient(
                epsilon.castTo(DataType.DOUBLE).mul(kept).divi(0.8), noWorkspaces);
        assertThat(fusedGrad.getSecond().norm2Number().doubleValue())
                .as("a real gradient")
                .isGreaterThan(1e-3);
        DoublePrecision.assertClose(fusedGrad.getSecond(), stockGrad.getSecond(), 1e-4);
        for (String param : List.of("gamma", "beta")) {
            DoublePrecision.assertClose(
                    fusedGrad.getFirst().getGradientFor(param),
                    stockGrad.getFirst().getGradientFor(param),
                    1e-4);
        }
    }

    /**
     * Blocks of two networks on one thread (a worker's network of the round before and this round's) share its free
     * arrays, never the arrays a block holds from its training forward pass to its backprop.
     */
    @Test
    void twoNetworksOnOneThreadKeepTheirOwnActivationsFromForwardPassToBackprop() {
        INDArray x1 = StepModels.network(step4NoDropout, 5)
                .feedForwardToLayer(0, batch.getFeatures(), false)
                .get(1);
        INDArray x2 = x1.mul(-0.5).addi(0.25);
        Nd4j.getRandom().setSeed(21);
        INDArray epsilon = Nd4j.randn(DataType.FLOAT, x1.shape());
        Pair<Gradient, INDArray> alone1 = blockStep(firstBlock(), x1, epsilon);
        Pair<Gradient, INDArray> alone2 = blockStep(firstBlock(), x2, epsilon);

        LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
        BatchNormBlockLayer a = firstBlock();
        BatchNormBlockLayer b = firstBlock();
        a.setInput(x1, noWorkspaces);
        a.activate(true, noWorkspaces);
        b.setInput(x2, noWorkspaces);
        b.activate(true, noWorkspaces);
        Pair<Gradient, INDArray> interleaved1 = a.backpropGradient(epsilon, noWorkspaces);
        Pair<Gradient, INDArray> interleaved2 = b.backpropGradient(epsilon, noWorkspaces);

        assertThat(alone1.getSecond()).isNotEqualTo(alone2.getSecond());
        assertThat(interleaved1.getSecond()).isEqualTo(alone1.getSecond());
        assertThat(interleaved2.getSecond()).isEqualTo(alone2.getSecond());
        for (String param : List.of("gamma", "beta")) {
            assertThat(interleaved1.getFirst().getGradientFor(param))
                    .isEqualTo(alone1.getFirst().getGradientFor(param));
            assertThat(interleaved2.getFirst().getGradientFor(param))
                    .isEqualTo(alone2.getFirst().getGradientFor(param));
        }
    }

    private static BatchNormBlockLayer firstBlock() {
        MultiLayerNetwork net = StepModels.network(step4NoDropout, 5);
        net.initGradientsView(); // what fit does before the first backprop
        return (BatchNormBlockLayer) net.getLayer(1);
    }

    /** A training forward pass and backprop of {@code block} on {@code x}. */
    private static Pair<Gradient, INDArray> blockStep(BatchNormBlockLayer block, INDArray x, INDArray epsilon) {
        LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
        block.setInput(x, noWorkspaces);
        block.activate(true, noWorkspaces);
        return block.backpropGradient(epsilon, noWorkspaces);
    }

    @Test
    void trainingAnythingButFloatIsRefusedWithWhatToDo() {
        MultiLayerConfiguration conf = StepModels.configuration(step4, 5, true);
        conf.setDataType(DataType.DOUBLE);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        DataSet doubles = new DataSet(
                batch.getFeatures().castTo(DataType.DOUBLE), batch.getLabels().castTo(DataType.DOUBLE));
        assertThat(net.output(doubles.getFeatures(), false).shape()).containsExactly(64, 10); // inference works
        assertThatThrownBy(() -> net.fit(doubles))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("BatchNormBlock trains float NCHW activations")
                .hasMessageContaining("DOUBLE")
                .hasMessageContaining("fusedBlocks = false");
    }

    @Test
    void dropoutOnlyInTrainingAndAtTheConfiguredRate() {
        MultiLayerNetwork net = new MultiLayerNetwork(StepModels.configuration(step4, 5, true));
        net.init();
        INDArray x = batch.getFeatures();
        // Layer 1 is the first block (after the first convolution): ReLU zeros about half, dropout 20 % of the rest.
        double zerosTest = zeroFraction(net.feedForwardToLayer(1, x, false).get(2));
        double zerosTrain = zeroFraction(net.feedForwardToLayer(1, x, true).get(2));
        assertThat(zerosTest).isBetween(0.2, 0.8);
        assertThat(1 - zerosTrain).isCloseTo((1 - zerosTest) * 0.8, within(0.02));
    }

    @Test
    void theBlockSurvivesDl4jsJsonAsSparkWorkersAndCheckpointsUseIt() {
        MultiLayerConfiguration conf = StepModels.configuration(step4, 5, true);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
        assertThat(back).isEqualTo(conf);
        assertThat(back.getConf(1).getLayer())
                .isInstanceOfSatisfying(BatchNormBlock.class, b -> assertThat(b.getRetainProbability())
                        .isEqualTo(0.8));
    }

    private static double zeroFraction(INDArray a) {
        return a.eq(0).castTo(DataType.FLOAT).meanNumber().doubleValue();
    }

    private static StepSpec step4WithDropout(double dropout) {
        return ConfigLoader.load(
                        null, Map.of("drilldown.run-steps", List.of("4"), "drilldown.steps.4.dropout", dropout))
                .steps()
                .get(0);
    }

    @Test
    void oneUpdaterBlockForTheWholeNetwork() {
        // The running statistics share the network's updater, so DL4J applies it once per step, not once per run of
        // equal updaters (13 blocks in step 4 with DL4J's no-op updater on them).
        MultiLayerNetwork net = StepModels.network(step4, 5);
        net.fit(batch);
        assertThat(((BaseMultiLayerUpdater<?>) net.getUpdater()).getUpdaterBlocks())
                .hasSize(1);
        assertThat(StepModels.network(step4, 5, false).getUpdater())
                .isInstanceOfSatisfying(
                        BaseMultiLayerUpdater.class,
                        u -> assertThat(u.getUpdaterBlocks()).as("stock layers").hasSizeGreaterThan(1));
    }

    /** For each entry of the flattened parameters: whether it is a BatchNorm running mean or variance. */
    private static boolean[] runningStatisticPositions(MultiLayerNetwork net) {
        boolean[] positions = new boolean[(int) net.numParams()];
        int offset = 0;
        for (Layer layer : net.getLayers()) {
            for (Map.Entry<String, INDArray> param : layer.paramTable().entrySet()) {
                int length = (int) param.getValue().length();
                if (ParamCount.isRunningStatistic(param.getKey())) {
                    Arrays.fill(positions, offset, offset + length, true);
                }
                offset += length;
            }
        }
        return positions;
    }

    private static INDArray withZeros(INDArray flat, boolean[] where) {
        INDArray out = flat.dup().reshape(flat.length());
        for (int i = 0; i < where.length; i++) {
            if (where[i]) {
                out.putScalar(i, 0);
            }
        }
        return out.reshape(flat.shape());
    }

    private static boolean[] negate(boolean[] positions) {
        boolean[] out = new boolean[positions.length];
        for (int i = 0; i < positions.length; i++) {
            out[i] = !positions[i];
        }
        return out;
    }
}

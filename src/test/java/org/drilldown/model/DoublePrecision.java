package org.drilldown.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.drilldown.TestData;
import org.drilldown.config.StepSpec;
import org.drilldown.data.MnistFiles;
import org.drilldown.train.NativeHelpers;
import org.drilldown.train.SingleProcessTrainer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The yardstick for Drilldown's own layers and helpers: a step's network with DL4J's stock layers computed in
 * double precision on DL4J's built-in path (helpers and workspaces off), and the batch to compare them on.
 */
final class DoublePrecision {
    private DoublePrecision() {}

    /** The step's network with DL4J's stock layers, in double precision, helpers and workspaces off. */
    static MultiLayerNetwork stockReference(StepSpec step) {
        String old = System.getProperty(NativeHelpers.HELPERS_DISABLE);
        System.setProperty(NativeHelpers.HELPERS_DISABLE, "true");
        try {
            MultiLayerConfiguration conf = StepModels.configuration(step, 5, false);
            conf.setDataType(DataType.DOUBLE);
            conf.setTrainingWorkspaceMode(WorkspaceMode.NONE);
            conf.setInferenceWorkspaceMode(WorkspaceMode.NONE);
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            return net;
        } finally {
            System.setProperty(NativeHelpers.HELPERS_DISABLE, old == null ? "false" : old);
        }
    }

    /**
     * {@code n} real training digits plus a little Gaussian noise. Without the noise, MNIST's flat background gives
     * max pooling exact ties, and which tied input receives the gradient then turns on the last bit of the layer
     * below: gradients of two correct implementations differed by 1 % that way.
     */
    static DataSet noisyDigits(int n) {
        DataSet digits = new SingleProcessTrainer(0.1307, 0.3081)
                .batches(new MnistFiles(TestData.mnistDir()).train().limit(n), null, n, null)
                .get(0);
        Nd4j.getRandom().setSeed(3);
        return new DataSet(
                digits.getFeatures()
                        .add(Nd4j.randn(DataType.FLOAT, digits.getFeatures().shape())
                                .muli(0.05)),
                digits.getLabels());
    }

    static DataSet inDouble(DataSet batch) {
        return new DataSet(
                batch.getFeatures().castTo(DataType.DOUBLE), batch.getLabels().castTo(DataType.DOUBLE));
    }

    /** Score and gradients of {@code data}, as fit computes them before its update. */
    static void computeGradient(MultiLayerNetwork net, DataSet data) {
        Nd4j.getRandom().setSeed(11);
        net.setInput(data.getFeatures());
        net.setLabels(data.getLabels());
        net.computeGradientAndScore();
    }

    static void assertClose(INDArray actual, INDArray expected, double relTolerance) {
        assertThat(relativeDifference(actual, expected))
                .as("relative L2 difference")
                .isLessThan(relTolerance);
    }

    static double relativeDifference(INDArray actual, INDArray expected) {
        double scale = Math.max(1e-6, expected.norm2Number().doubleValue());
        return actual.castTo(expected.dataType()).sub(expected).norm2Number().doubleValue() / scale;
    }
}

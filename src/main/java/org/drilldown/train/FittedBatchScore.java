package org.drilldown.train;

import java.io.Serializable;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scores each minibatch as a worker fits it: loss and accuracy of the network's predictions in the training
 * forward pass (dropout on, before the update), added to a Spark accumulator that the driver reads after the
 * epoch. DL4J hands listeners the activations up to the output layer's input, so the listener applies the
 * output layer (dense, softmax) itself: a [batch x 10] product, free next to the forward pass it rides on.
 * Parameter averaging ships it to the workers with the network (DL4J's {@code setListeners}).
 */
final class FittedBatchScore extends BaseTrainingListener implements Serializable {
    private final ScoreAccumulator total;

    FittedBatchScore(ScoreAccumulator total) {
        this.total = total;
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        MultiLayerNetwork net = (MultiLayerNetwork) model;
        total.add(score(net, activations.get(activations.size() - 1), net.getLabels()));
    }

    /** Cross-entropy and correct predictions of the output layer applied to {@code outputLayerInput}. */
    static Score score(MultiLayerNetwork net, INDArray outputLayerInput, INDArray labels) {
        IOutputLayer layer = (IOutputLayer) net.getOutputLayer();
        if (!(layer instanceof OutputLayer dense)
                || !(dense.layerConf().getActivationFn() instanceof ActivationSoftmax)
                || net.getLayerWiseConfigurations().getInputPreProcess(net.getnLayers() - 1) != null) {
            throw new IllegalStateException("train-accuracy = \"fitted-batches\" needs a dense softmax OutputLayer"
                    + " fed directly by the layer before it; got " + layer.getClass().getSimpleName()
                    + " (use train-accuracy = \"after-epoch\")");
        }
        float[][] x = outputLayerInput.toFloatMatrix();
        float[][] w = dense.getParam("W").toFloatMatrix();
        float[] b = dense.hasBias() ? dense.getParam("b").toFloatVector() : null;
        float[][] y = labels.toFloatMatrix();
        long correct = 0;
        double loss = 0;
        float[] logits = new float[w[0].length]; // float, as the network computes them
        for (int i = 0; i < x.length; i++) {
            for (int k = 0; k < logits.length; k++) {
                double z = b == null ? 0 : b[k];
                for (int j = 0; j < w.length; j++) {
                    z += x[i][j] * w[j][k];
                }
                logits[k] = (float) z;
            }
            int predicted = ScorePartition.argMax(logits);
            int actual = ScorePartition.argMax(y[i]);
            if (predicted == actual) {
                correct++;
            }
            loss += logSumExp(logits) - logits[actual];
        }
        return new Score(x.length, correct, loss);
    }

    private static double logSumExp(float[] z) {
        double max = z[ScorePartition.argMax(z)];
        double sum = 0;
        for (float v : z) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }
}

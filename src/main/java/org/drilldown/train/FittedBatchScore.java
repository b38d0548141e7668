package org.drilldown.train;

import java.io.Serializable;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Scores each minibatch as a worker fits it: loss and accuracy of the network's predictions in the training
 * forward pass (dropout on, before the update), added to a Spark accumulator that the driver reads after the
 * epoch. DL4J hands listeners the activations up to the output layer's input, so the listener applies the
 * output layer (dense, softmax) itself: a [batch x 10] product and a softmax, free next to the forward pass.
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
                || !(dense.layerConf().getActivationFn() instanceof ActivationSoftmax)) {
            // StepModels ends every step with one; the job scores and counts fitted minibatches through it.
            throw new IllegalStateException("scoring fitted minibatches needs a dense softmax OutputLayer"
                    + " (as StepModels builds); got " + layer.getClass().getSimpleName());
        }
        // Out of DL4J's workspaces: the activations' workspace is reset for the next minibatch.
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray features = outputLayerInput;
            // Without global average pooling (step 1) DL4J flattens the last convolution's [batch, C, 1, 1]
            // through a preprocessor before the output layer; the listener gets the activations before it.
            InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(net.getnLayers() - 1);
            if (pre != null) {
                features = pre.preProcess(
                        outputLayerInput, (int) outputLayerInput.size(0), LayerWorkspaceMgr.noWorkspaces());
            }
            INDArray logits = features.mmul(dense.getParam("W"));
            if (dense.hasBias()) {
                logits.addiRowVector(dense.getParam("b"));
            }
            return ScorePartition.score(Transforms.softmax(logits, false), labels); // as the test set is scored
        }
    }
}

package org.drilldown.model;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The seed's "BatchNorm, ReLU, Dropout" after a convolution as one DL4J layer. Same parameters, same
 * maths as DL4J's {@code BatchNormalization} + {@code ActivationLayer(ReLU)} + {@code DropoutLayer}
 * ({@code StepModelsTest} compares them), but one layer instead of three: at batch 32 a training step of
 * these small models is dominated by per-layer overhead, not arithmetic (docs/performance.md).
 * Serialised with the network configuration like any DL4J layer (a no-argument constructor and a field).
 */
public class BatchNormBlock extends BatchNormalization {
    /** DL4J's convention: the probability of keeping an activation; 1 = no dropout. */
    private double retainProbability = 1.0;

    public BatchNormBlock() {}

    /** {@code dropProbability}: PyTorch's convention, the probability of zeroing an activation. */
    public BatchNormBlock(double dropProbability) {
        this.retainProbability = 1.0 - dropProbability;
    }

    public double getRetainProbability() {
        return retainProbability;
    }

    public void setRetainProbability(double retainProbability) {
        this.retainProbability = retainProbability;
    }

    /**
     * The network's updater for every parameter, the running mean and variance included: DL4J's BatchNormalization
     * gives those a no-op updater, which splits a network's updater into one block per run of parameters with
     * equal updaters — 13 in step 4 instead of 1, each its own native ops and array views every minibatch
     * (docs/performance.md). The layer writes the running statistics itself and hands the updater zero
     * gradients for them, which Nesterov momentum (or any updater whose state starts at zero) turns into zero
     * updates.
     */
    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        super.getUpdaterByParam(paramName); // rejects an unknown name
        return getIUpdater();
    }

    @Override
    public Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int index,
            INDArray paramsView,
            boolean initializeParams,
            DataType dataType) {
        // As BatchNormalization.instantiate, with the fused layer class.
        LayerValidation.assertNOutSet("BatchNormBlock", getLayerName(), index, getNOut());
        BatchNormBlockLayer layer = new BatchNormBlockLayer(conf, dataType);
        layer.setListeners(listeners);
        layer.setIndex(index);
        layer.setParamsViewArray(paramsView);
        Map<String, INDArray> params = initializer().init(conf, paramsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchNormBlock other
                && super.equals(o)
                && Double.compare(other.retainProbability, retainProbability) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Double.hashCode(retainProbability);
    }
}

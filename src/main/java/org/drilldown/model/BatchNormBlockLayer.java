package org.drilldown.model;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.random.impl.DropOutInverted;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link BatchNormBlock} at work: DL4J's BatchNormalization, then ReLU and dropout in place on its output.
 * Backprop runs them in reverse on that output (its sign is both ReLU's derivative and the dropout mask), so
 * no mask or extra activation is kept.
 * Where DL4J chose its oneDNN helper, {@link OneDnnBatchNorm} replaces it (same ops, cheaper statistics).
 */
final class BatchNormBlockLayer extends BatchNormalization {
    private final double retain;  // probability of keeping an activation; 1 = no dropout
    private INDArray output;      // this iteration's output, kept for backprop

    BatchNormBlockLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        this.retain = ((BatchNormBlock) conf.getLayer()).getRetainProbability();
        replaceOneDnnHelper();
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray out = super.activate(training, workspaceMgr);
        Transforms.relu(out, false);
        if (training && retain < 1.0) {
            // Inverted dropout in place: zero with probability 1 - retain, else scale by 1 / retain. The same
            // random op (and draws) as DL4J's Dropout, which applies it to a mask of ones and multiplies.
            Nd4j.getExecutioner().exec(new DropOutInverted(out, out, retain));
        }
        output = training ? out : null;
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (output == null) {
            throw new IllegalStateException("BatchNormBlock: backprop without a training forward pass");
        }
        // d(out)/d(bn) is 1 / retain where the output is positive (kept by dropout and by ReLU), else 0: no mask
        // needs keeping, the output's sign is the mask.
        INDArray grad = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, output.dataType(), output.shape());
        Nd4j.exec(new RectifiedLinearDerivative(output, epsilon, grad));
        if (retain < 1.0) {
            grad.muli(1.0 / retain);
        }
        output = null;
        return super.backpropGradient(grad, workspaceMgr);
    }

    @Override
    public void clear() {
        super.clear();
        output = null;
    }

    /** Times DL4J caught an exception from the helper and fell back to its built-in code (it only logs them). */
    int helperFailures() {
        return helperCountFail;
    }

    private void replaceOneDnnHelper() {
        try {
            Field helper = BatchNormalization.class.getDeclaredField("helper");
            helper.setAccessible(true);
            if (helper.get(this) instanceof MKLDNNBatchNormHelper) {
                helper.set(this, new OneDnnBatchNorm());
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("DL4J's BatchNormalization has no 'helper' field: "
                    + "BatchNormBlock is written for DL4J 1.0.0-M2.1 (see pom.xml)", e);
        }
    }
}

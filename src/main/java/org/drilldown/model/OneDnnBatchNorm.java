package org.drilldown.model;

import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's oneDNN BatchNorm helper ({@code MKLDNNBatchNormHelper}) for inference only: libnd4j's {@code batchnorm}
 * op (oneDNN inside) with the running statistics, for NCHW float input; for anything else it returns null and
 * DL4J's built-in code runs. Training never reaches it: {@link BatchNormBlockLayer} trains with
 * {@link BatchNormKernel}.
 */
final class OneDnnBatchNorm implements BatchNormalizationHelper {
    @Override
    public boolean checkSupported(double eps, boolean fixedGammaBeta) {
        return !fixedGammaBeta;
    }

    @Override
    public boolean checkSupported() {
        return true;
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return Map.of();
    }

    @Override
    public INDArray preOutput(
            INDArray x,
            boolean training,
            long[] shape,
            INDArray gamma,
            INDArray beta,
            INDArray mean,
            INDArray var,
            double decay,
            double eps,
            CNN2DFormat format,
            LayerWorkspaceMgr workspaceMgr) {
        if (training
                || x.dataType() != DataType.FLOAT
                || x.rank() != 4
                || format != CNN2DFormat.NCHW
                || gamma == null
                || beta == null) {
            return null;
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape());
        Nd4j.exec(DynamicCustomOp.builder("batchnorm")
                .addInputs(
                        x,
                        mean.reshape(mean.length()),
                        var.reshape(var.length()),
                        gamma.reshape(gamma.length()),
                        beta.reshape(beta.length()))
                .addOutputs(out)
                .addIntegerArguments(1, 1, 1) // apply gamma, apply beta, channel axis (NCHW)
                .addFloatingPointArguments(eps)
                .build());
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(
            INDArray input,
            INDArray epsilon,
            long[] shape,
            INDArray gamma,
            INDArray beta,
            INDArray dGammaView,
            INDArray dBetaView,
            double eps,
            CNN2DFormat format,
            LayerWorkspaceMgr workspaceMgr) {
        return null; // no training forward pass went through this helper
    }

    @Override
    public INDArray getMeanCache(DataType dataType) {
        return null;
    }

    @Override
    public INDArray getVarCache(DataType dataType) {
        return null;
    }
}

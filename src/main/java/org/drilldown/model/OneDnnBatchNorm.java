package org.drilldown.model;

import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.api.ops.impl.reduce.floating.SquaredNorm;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's oneDNN BatchNorm helper ({@code MKLDNNBatchNormHelper}) for NCHW float input, with the batch
 * statistics computed another way. ND4J's {@code Variance} op, a generic strided reduction, was the most
 * expensive op of a training step (8.5 % of it, {@code perf}); here mean and variance are sums per image
 * followed by a sum over the batch, in two passes, which is faster and in float closer to the exact value.
 * Forward and backward are libnd4j's {@code batchnorm} / {@code batchnorm_bp} ops (oneDNN inside), as in
 * DL4J's helper; for anything else it returns null and DL4J's built-in path runs.
 */
final class OneDnnBatchNorm implements BatchNormalizationHelper {
    private static final int[] SPATIAL = {2, 3};

    private INDArray batchMean; // statistics of the last training batch, for backprop and DL4J's running averages
    private INDArray batchVar;

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
    public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta,
                              INDArray mean, INDArray var, double decay, double eps, CNN2DFormat format,
                              LayerWorkspaceMgr workspaceMgr) {
        if (!supported(x, format) || gamma == null || beta == null) {
            return null;
        }
        INDArray m;
        INDArray v;
        if (training) {
            long channels = x.size(1);
            if (batchMean == null || batchMean.length() != channels) {
                try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    batchMean = Nd4j.createUninitialized(x.dataType(), channels);
                    batchVar = Nd4j.createUninitialized(x.dataType(), channels);
                }
            }
            // Two passes, as ND4J's Variance (E[x²] − E[x]² loses digits), and each sum in two stages, over
            // one image's H x W and then over the batch: one float sum over the whole batch (50,176 terms in the
            // first block) drifted by 0.2 % of the variance. Scratch arrays live in the layer's working memory.
            double n = x.length() / (double) channels;
            INDArray partial = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, x.dataType(), x.size(0), channels);
            Nd4j.exec(new Sum(x, partial, SPATIAL));
            Nd4j.exec(new Sum(partial, batchMean, 0));
            batchMean.divi(n);
            INDArray centred = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, x.dataType(), x.shape());
            Nd4j.exec(new BroadcastSubOp(x, batchMean, centred, 1));
            Nd4j.exec(new SquaredNorm(centred, partial, SPATIAL));
            Nd4j.exec(new Sum(partial, batchVar, 0));
            batchVar.divi(n);
            m = batchMean;
            v = batchVar;
        } else {
            m = mean.reshape(mean.length());
            v = var.reshape(var.length());
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape());
        Nd4j.exec(DynamicCustomOp.builder("batchnorm")
                .addInputs(x, m, v, gamma.reshape(gamma.length()), beta.reshape(beta.length()))
                .addOutputs(out)
                .addIntegerArguments(1, 1, 1) // apply gamma, apply beta, channel axis (NCHW)
                .addFloatingPointArguments(eps)
                .build());
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, long[] shape, INDArray gamma,
                                                     INDArray beta, INDArray dGammaView, INDArray dBetaView, double eps,
                                                     CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        if (!supported(input, format) || gamma == null || beta == null || dGammaView == null || batchMean == null) {
            return null;
        }
        INDArray eps4 = epsilon.isView() || epsilon.ordering() != 'c' ? epsilon.dup('c') : epsilon;
        INDArray dLdIn = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape());
        INDArray dLdMean = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, batchMean.dataType(), batchMean.shape());
        INDArray dLdVar = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, batchVar.dataType(), batchVar.shape());
        Nd4j.exec(DynamicCustomOp.builder("batchnorm_bp")
                .addInputs(input, batchMean, batchVar, gamma.reshape(gamma.length()), beta.reshape(beta.length()), eps4)
                .addOutputs(dLdIn, dLdMean, dLdVar, dGammaView.reshape(dGammaView.length()), dBetaView.reshape(dBetaView.length()))
                .addIntegerArguments(1, 1, 1)
                .addFloatingPointArguments(eps)
                .build());
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
        gradient.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
        return new Pair<>(gradient, dLdIn);
    }

    @Override
    public INDArray getMeanCache(DataType dataType) {
        return batchMean;
    }

    @Override
    public INDArray getVarCache(DataType dataType) {
        return batchVar;
    }

    private static boolean supported(INDArray x, CNN2DFormat format) {
        return x.dataType() == DataType.FLOAT && x.rank() == 4 && format == CNN2DFormat.NCHW;
    }
}

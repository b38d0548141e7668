package org.drilldown.model;

import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Trainable parameters in PyTorch's convention: DL4J stores BatchNorm's running mean and variance in the
 * parameter vector (4 per channel), PyTorch keeps them as buffers (2 trainable per channel).
 */
public final class ParamCount {
    private static final Set<String> RUNNING_STATS = Set.of(
            BatchNormalizationParamInitializer.GLOBAL_MEAN,
            BatchNormalizationParamInitializer.GLOBAL_VAR,
            BatchNormalizationParamInitializer.GLOBAL_LOG_STD);

    private ParamCount() {}

    public static long trainable(MultiLayerNetwork net) {
        long total = 0;
        for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
            String name = e.getKey().substring(e.getKey().indexOf('_') + 1);
            if (!isRunningStatistic(name)) {
                total += e.getValue().length();
            }
        }
        return total;
    }

    /** Whether a layer's parameter (its name within the layer) is a BatchNorm running mean or variance. */
    static boolean isRunningStatistic(String paramName) {
        return RUNNING_STATS.contains(paramName);
    }
}

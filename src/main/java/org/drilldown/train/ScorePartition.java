package org.drilldown.train;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.drilldown.model.OneDnnConvolution;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Partition function: loss and accuracy of the broadcast network on a partition of DataSets, in one
 * inference pass. (DL4J's {@code doEvaluation} and {@code calculateScore} would take two passes.)
 */
final class ScorePartition implements FlatMapFunction<Iterator<DataSet>, Score> {
    private final String configurationJson;
    private final Broadcast<INDArray> parameters;

    ScorePartition(String configurationJson, Broadcast<INDArray> parameters) {
        this.configurationJson = configurationJson;
        this.parameters = parameters;
    }

    @Override
    public Iterator<Score> call(Iterator<DataSet> batches) {
        if (!batches.hasNext()) {
            return List.of(Score.EMPTY).iterator();
        }
        MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configurationJson));
        net.init(parameters.value(), false);
        OneDnnConvolution.install(net);
        Score total = Score.EMPTY;
        while (batches.hasNext()) {
            DataSet batch = batches.next();
            total = total.plus(score(net.output(batch.getFeatures(), false), batch.getLabels()));
        }
        return List.of(total).iterator();
    }

    /** Cross-entropy and correct predictions of softmax outputs against one-hot labels. */
    static Score score(INDArray probabilities, INDArray labels) {
        float[][] p = probabilities.toFloatMatrix();
        float[][] y = labels.toFloatMatrix();
        long correct = 0;
        double loss = 0;
        for (int i = 0; i < p.length; i++) {
            int predicted = argMax(p[i]);
            int actual = argMax(y[i]);
            if (predicted == actual) {
                correct++;
            }
            loss -= Math.log(Math.max(p[i][actual], 1e-12));
        }
        return Score.ofSum(p.length, correct, loss);
    }

    private static int argMax(float[] row) {
        int best = 0;
        for (int j = 1; j < row.length; j++) {
            if (row[j] > row[best]) {
                best = j;
            }
        }
        return best;
    }
}

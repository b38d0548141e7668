package org.drilldown.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * A dl4j-spark {@link TrainingHook} that prepares a worker's network before each of its minibatches: DL4J calls
 * hooks on the task thread right before every {@code fit}. The job trains MultiLayerNetworks on DataSets only.
 */
abstract class BeforeEachMinibatch implements TrainingHook {
    private static final long serialVersionUID = 1L;

    abstract void prepare(MultiLayerNetwork net);

    @Override
    public final void preUpdate(DataSet minibatch, Model model) {
        if (model instanceof MultiLayerNetwork net) {
            prepare(net);
        }
    }

    @Override
    public final void postUpdate(DataSet minibatch, Model model) {}

    @Override
    public final void preUpdate(MultiDataSet minibatch, Model model) {}

    @Override
    public final void postUpdate(MultiDataSet minibatch, Model model) {}
}

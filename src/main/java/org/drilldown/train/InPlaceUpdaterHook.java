package org.drilldown.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingHook;
import org.drilldown.model.InPlaceUpdater;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Gives each Spark worker's network an {@link InPlaceUpdater} before its first minibatch: DL4J's parameter
 * averaging worker builds the network itself (with DL4J's own updater) from the broadcast configuration,
 * parameters and updater state, and calls its hooks before every {@code fit}.
 */
final class InPlaceUpdaterHook implements TrainingHook {
    private static final long serialVersionUID = 1L;

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        if (model instanceof MultiLayerNetwork net) {
            InPlaceUpdater.install(net);
        }
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {}

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {}

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {}
}

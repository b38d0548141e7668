package org.drilldown.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.drilldown.model.InPlaceUpdater;
import org.drilldown.model.OneDnnConvolution;

/**
 * Gives each Spark worker's network an {@link InPlaceUpdater} before its first minibatch: DL4J's parameter
 * averaging worker builds the network itself (with DL4J's own updater) from the broadcast configuration,
 * parameters and updater state, and calls its hooks before every {@code fit}.
 */
final class InPlaceUpdaterHook extends BeforeEachMinibatch {
    private static final long serialVersionUID = 1L;

    @Override
    void prepare(MultiLayerNetwork net) {
        InPlaceUpdater.install(OneDnnConvolution.install(net));
    }
}

package org.drilldown.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Selects which dropout stream a network's BatchNorm blocks draw from. Parameter-averaging workers fit the same
 * iterations from the same network seed, so each needs its own stream (its partition); one process uses 0.
 */
public final class DropoutStream {
    private DropoutStream() {}

    public static void select(MultiLayerNetwork net, long stream) {
        for (Layer layer : net.getLayers()) {
            if (layer instanceof BatchNormBlockLayer block) {
                block.setDropoutStream(stream);
            }
        }
    }
}

package org.drilldown.train;

import org.apache.spark.TaskContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.drilldown.model.DropoutStream;

/**
 * Gives each Spark worker's network the dropout stream of its partition before every minibatch: the masks
 * then depend on (step seed, partition, iteration, layer) only, never on which thread or executor runs the
 * task, so a seed replays the same run on any schedule (ND4J's own generator is per thread and clock-seeded).
 */
final class DropoutStreamHook extends BeforeEachMinibatch {
    private static final long serialVersionUID = 1L;

    @Override
    void prepare(MultiLayerNetwork net) {
        DropoutStream.select(net, TaskContext.getPartitionId());
    }
}

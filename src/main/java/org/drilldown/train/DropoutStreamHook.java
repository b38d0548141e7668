package org.drilldown.train;

import org.apache.spark.TaskContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingHook;
import org.drilldown.model.DropoutStream;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Gives each Spark worker's network the dropout stream of its partition before every minibatch: the masks
 * then depend on (step seed, partition, iteration, layer) only, never on which thread or executor runs the
 * task, so a seed replays the same run on any schedule (ND4J's own generator is per thread and clock-seeded).
 */
final class DropoutStreamHook implements TrainingHook {
    private static final long serialVersionUID = 1L;

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        if (model instanceof MultiLayerNetwork net) {
            DropoutStream.select(net, TaskContext.getPartitionId());
        }
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {}

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {}

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {}
}

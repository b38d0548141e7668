package org.drilldown.train;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;
import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingWorkerStats.ParameterAveragingTrainingWorkerStatsHelper;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's parameter-averaging worker for one round of a barrier stage, fitting on the network its task built in its
 * first round rather than a new one each round. DL4J's worker rebuilds the network from the configuration every
 * round (layers, parameter and gradient views, updater blocks; then the hooks install Drilldown's updater and
 * convolution helpers again): 4.3 ms of a step-2 round of 54 ms, 10 ms of step 1's (docs/performance.md). From the
 * second round on this worker writes the round's starting parameters, updater state and iteration and epoch counts
 * into the kept network instead, which DL4J's rebuilt one would hold; the fit itself is DL4J's, as before.
 *
 * <p>DL4J keeps the round's training stats (its {@code ModelInit} and {@code Fit} timings) in a private field that only
 * its own {@code getInitialModel} creates, so this worker sets that field itself (docs/dl4j-couplings.md).
 */
final class KeptNetworkWorker extends ParameterAveragingTrainingWorker {
    private static final long serialVersionUID = 1L;
    private static final Field STATS = statsField();

    /** The network a task fits its rounds on; empty until its first round. One per task, on the task's thread. */
    static final class Kept {
        private MultiLayerNetwork net;
    }

    private final NetBroadcastTuple start;
    private final WorkerConfiguration workerConf;
    // Built inside the task and never serialized (DL4J's workers are Serializable for its own per-round jobs).
    private final transient Kept kept;

    KeptNetworkWorker(
            NetBroadcastTuple start,
            WorkerConfiguration workerConf,
            List<TrainingHook> hooks,
            List<TrainingListener> listeners,
            Kept kept) {
        super(new InTaskBroadcast<>(start), true, workerConf, new ArrayList<>(hooks), listeners, null);
        this.start = start;
        this.workerConf = workerConf;
        this.kept = kept;
    }

    @Override
    public MultiLayerNetwork getInitialModel() {
        if (kept.net == null) {
            kept.net = super.getInitialModel();
            return kept.net;
        }
        ParameterAveragingTrainingWorkerStatsHelper stats = null;
        if (workerConf.isCollectTrainingStats()) {
            stats = new ParameterAveragingTrainingWorkerStatsHelper();
            setStats(stats);
            stats.logBroadcastGetValueStart();
            stats.logBroadcastGetValueEnd();
        }
        MultiLayerNetwork net = kept.net;
        net.getLayerWiseConfigurations()
                .setIterationCount(start.getConfiguration().getIterationCount());
        net.getLayerWiseConfigurations().setEpochCount(start.getConfiguration().getEpochCount());
        net.params().assign(start.getParameters());
        if (start.getUpdaterState() != null) {
            net.getUpdater().getStateViewArray().assign(start.getUpdaterState());
        }
        Nd4j.getExecutioner().commit();
        if (stats != null) {
            stats.logInitEnd();
        }
        return net;
    }

    /**
     * DL4J's result holds the network's own parameter and updater arrays; the next round overwrites them while
     * another worker may still be reading them for its mean ({@link StateExchange}), so the result holds copies.
     */
    @Override
    public ParameterAveragingTrainingResult getFinalResult(MultiLayerNetwork network) {
        ParameterAveragingTrainingResult own = super.getFinalResult(network);
        INDArray updater = own.getUpdaterState();
        return new ParameterAveragingTrainingResult(
                own.getParameters().dup(),
                updater == null ? null : updater.dup(),
                own.getScore(),
                own.getListenerMetaData(),
                own.getListenerStaticInfo(),
                own.getListenerUpdates());
    }

    private void setStats(ParameterAveragingTrainingWorkerStatsHelper stats) {
        try {
            STATS.set(this, stats);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Field statsField() {
        try {
            Field f = ParameterAveragingTrainingWorker.class.getDeclaredField("stats");
            if (f.getType() != ParameterAveragingTrainingWorkerStatsHelper.class) {
                throw new IllegalStateException("ParameterAveragingTrainingWorker.stats is a " + f.getType()
                        + ", not the stats helper KeptNetworkWorker sets (dl4j-spark changed: docs/dl4j-couplings.md)");
            }
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(
                    "ParameterAveragingTrainingWorker has no field 'stats', which KeptNetworkWorker sets (dl4j-spark"
                            + " changed: docs/dl4j-couplings.md)",
                    e);
        }
    }
}

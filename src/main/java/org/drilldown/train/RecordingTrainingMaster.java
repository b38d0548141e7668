package org.drilldown.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;
import org.deeplearning4j.spark.impl.paramavg.aggregator.ParameterAveragingAggregationTuple;
import org.deeplearning4j.spark.impl.paramavg.aggregator.ParameterAveragingElementAddFunction;
import org.deeplearning4j.spark.impl.paramavg.aggregator.ParameterAveragingElementCombineFunction;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's parameter averaging, plus a driver-side record of every averaging round (loss, time), which
 * DL4J only logs. {@code processResults} runs on the driver once per round, after the averaged
 * parameters and the workers' mean score are set on the network.
 */
final class RecordingTrainingMaster extends ParameterAveragingTrainingMaster {
    private final transient List<AveragingRound> rounds = new ArrayList<>();
    private transient long roundStartNanos = System.nanoTime();

    RecordingTrainingMaster(Builder builder) {
        super(builder);
    }

    /**
     * Forgets the previous epoch's rounds and starts the clock for the first round of the next one. DL4J splits
     * each fit's data with its generator {@code rng}; seeded per epoch from {@code epochSeed}, a resumed run
     * splits epoch N as an uninterrupted one does (seeded once per step, it restarted on resume).
     */
    void startEpoch(long epochSeed) {
        rng = new java.util.Random(epochSeed);
        rounds.clear();
        roundStartNanos = System.nanoTime();
    }

    /** The rounds since {@link #startEpoch(long)}, in order. */
    List<AveragingRound> rounds() {
        return List.copyOf(rounds);
    }

    /**
     * DL4J's worker for a round (dl4j-spark 1.0.0-M2's {@code getWorkerInstance}), with the round's parameters and
     * updater state in an {@link InTaskBroadcast} instead of a new Spark broadcast: one fetch from the driver per
     * executor and round instead of two. Same values, so the same bits.
     */
    @Override
    public ParameterAveragingTrainingWorker getWorkerInstance(SparkDl4jMultiLayer network) {
        MultiLayerNetwork net = network.getNetwork();
        if (collectTrainingStats) {
            stats.logBroadcastStart();
        }
        // Copies: the task is serialized when its job starts, and nothing may change the arrays before that.
        NetBroadcastTuple tuple = new NetBroadcastTuple(
                net.getLayerWiseConfigurations(),
                net.params().dup(),
                net.getUpdater().getStateViewArray().dup());
        if (collectTrainingStats) {
            stats.logBroadcastEnd();
        }
        WorkerConfiguration conf = new WorkerConfiguration(
                false,
                rddDataSetNumExamples,
                batchSizePerWorker,
                averagingFrequency,
                prefetchNumBatches,
                collectTrainingStats);
        return new ParameterAveragingTrainingWorker(
                new InTaskBroadcast<>(tuple), saveUpdater, conf, trainingHookList, listeners, getRouterProvider());
    }

    @Override
    protected void processResults(
            SparkDl4jMultiLayer network,
            SparkComputationGraph graph,
            JavaRDD<ParameterAveragingTrainingResult> results,
            int splitNum,
            int totalSplits) {
        if (network != null && results.getNumPartitions() >= 3) {
            averageInPartitionOrder(network, results);
        } else {
            super.processResults(network, graph, results, splitNum, totalSplits);
        }
        long now = System.nanoTime();
        if (network != null) {
            rounds.add(new AveragingRound(
                    rounds.size() + 1,
                    network.getNetwork().getLayerWiseConfigurations().getIterationCount(),
                    network.getScore(),
                    (now - roundStartNanos) / 1e9));
        }
        roundStartNanos = now;
    }

    /**
     * DL4J's {@code processResults} for a network (dl4j-spark 1.0.0-M2), with one change: DL4J sums the workers'
     * parameters, updater state and scores with {@code treeAggregate}, in the order their tasks finish, so from
     * three workers on the float rounding depended on timing. Here each partition sums its results (one per
     * worker) with DL4J's own functions, and the driver adds the partitions' sums in partition order. Two workers
     * keep DL4J's path: a + b is b + a exactly. (No listener storage: the job sets none.)
     */
    private void averageInPartitionOrder(
            SparkDl4jMultiLayer network, JavaRDD<ParameterAveragingTrainingResult> results) {
        if (collectTrainingStats) {
            stats.logAggregateStartTime();
        }
        ParameterAveragingAggregationTuple total = null;
        try {
            for (ParameterAveragingAggregationTuple part :
                    results.mapPartitions(new SumPartition()).collect()) {
                total = new ParameterAveragingElementCombineFunction().call(total, part);
            }
        } catch (Exception e) { // DL4J's functions declare Exception; they throw none of their own
            throw new IllegalStateException("averaging the workers' results failed", e);
        }
        if (collectTrainingStats) {
            stats.logAggregationEndTime();
            stats.logProcessParamsUpdaterStart();
        }
        if (total != null && total.getParametersSum() != null) {
            int n = total.getAggregationsCount();
            MultiLayerNetwork net = network.getNetwork();
            net.setParameters(total.getParametersSum().divi(n));
            if (total.getUpdaterStateSum() != null) {
                net.getUpdater()
                        .setStateViewArray(null, total.getUpdaterStateSum().divi(n), false);
            }
            network.setScore(total.getScoreSum() / n);
            MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
            conf.setIterationCount(conf.getIterationCount() + averagingFrequency);
        }
        if (collectTrainingStats) {
            stats.logProcessParamsUpdaterEnd();
            if (total != null) {
                stats.addWorkerStats(total.getSparkTrainingStats());
            }
        }
        Nd4j.getExecutioner().commit();
    }

    /** A partition's results summed by DL4J's own function, in the partition's order. */
    private static final class SumPartition
            implements FlatMapFunction<Iterator<ParameterAveragingTrainingResult>, ParameterAveragingAggregationTuple> {
        @Override
        public Iterator<ParameterAveragingAggregationTuple> call(Iterator<ParameterAveragingTrainingResult> results)
                throws Exception {
            ParameterAveragingAggregationTuple sum = null;
            ParameterAveragingElementAddFunction add = new ParameterAveragingElementAddFunction();
            while (results.hasNext()) {
                sum = add.call(sum, results.next());
            }
            return sum == null ? Collections.emptyIterator() : List.of(sum).iterator();
        }
    }
}

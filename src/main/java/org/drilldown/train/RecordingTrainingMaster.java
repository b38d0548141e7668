package org.drilldown.train;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;

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

    @Override
    protected void processResults(SparkDl4jMultiLayer network, SparkComputationGraph graph,
                                  JavaRDD<ParameterAveragingTrainingResult> results, int splitNum, int totalSplits) {
        super.processResults(network, graph, results, splitNum, totalSplits);
        long now = System.nanoTime();
        if (network != null) {
            rounds.add(new AveragingRound(rounds.size() + 1,
                    network.getNetwork().getLayerWiseConfigurations().getIterationCount(),
                    network.getScore(), (now - roundStartNanos) / 1e9));
        }
        roundStartNanos = now;
    }
}

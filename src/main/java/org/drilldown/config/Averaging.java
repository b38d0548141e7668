package org.drilldown.config;

/**
 * How an epoch's parameter-averaging rounds run ({@code drilldown.training.averaging}). Both average the same
 * minibatches in the same order, so a seed gives the same parameters either way.
 */
public enum Averaging {
    /**
     * All of an epoch's rounds in one Spark barrier stage: the workers stay up for the epoch and average through
     * the stage's {@code allGather}. Needs the export approach and a free task slot for every worker.
     */
    BARRIER("barrier"),
    /** DL4J's ParameterAveragingTrainingMaster: one Spark job a round, its network broadcast and collected. */
    DL4J("dl4j");

    private final String configName;

    Averaging(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    static Averaging parse(String key, String value) {
        return ConfigChoice.parse(key, value, values(), Averaging::configName);
    }
}

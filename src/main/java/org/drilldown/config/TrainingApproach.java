package org.drilldown.config;

/**
 * How each epoch's minibatches reach the parameter-averaging workers ({@code drilldown.training.approach}), DL4J's
 * two approaches.
 */
public enum TrainingApproach {
    /**
     * Written once an epoch as files under {@code export-dir}, which every executor must reach (any Hadoop
     * filesystem: a shared POSIX path, {@code hdfs://}, {@code s3a://}); each worker then reads its own files.
     */
    EXPORT("export"),
    /** Shipped inside each averaging round's Spark job: no storage needed, more work per round. */
    DIRECT("direct");

    private final String configName;

    TrainingApproach(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    static TrainingApproach parse(String key, String value) {
        return ConfigChoice.parse(key, value, values(), TrainingApproach::configName);
    }
}

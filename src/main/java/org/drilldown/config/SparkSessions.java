package org.drilldown.config;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The one place a SparkSession is built: the job's settings, and the master only if the launcher set none. */
public final class SparkSessions {
    private static final String EXECUTOR_JAVA_OPTIONS = "spark.executor.extraJavaOptions";

    private SparkSessions() {}

    /** {@code extra} settings (from stages that own them) apply like the configured ones. */
    public static SparkSession create(JobConfig config, java.util.Map<String, String> extra) {
        SparkConf conf = new SparkConf().setAppName(config.appName());
        merged(config.sparkSettings(), extra).forEach((k, v) -> {
            if (!conf.contains(k)) {
                conf.set(k, v);
            } else if (k.equals(EXECUTOR_JAVA_OPTIONS) && !v.isBlank()) {
                conf.set(k, conf.get(k) + " " + v); // the user's flags and the ones the job needs (oneDNN)
            }
        });
        if (!conf.contains("spark.master")) {
            conf.setMaster(config.defaultMaster());
        }
        if (conf.get("spark.master").startsWith("local")) {
            // Local mode talks to no other machine: keep its RPC and block manager on loopback.
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1").setIfMissing("spark.driver.host", "127.0.0.1");
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }

    /** The {@code spark.*} settings the launcher passed (spark-submit's --conf): they win over conf/ and the job's. */
    public static java.util.Map<String, String> launcherSettings() {
        java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
        for (scala.Tuple2<String, String> setting : new SparkConf().getAll()) {
            settings.put(setting._1(), setting._2());
        }
        return settings;
    }

    /**
     * The configured settings with {@code extra} on top; executor JVM flags from both are kept, the
     * configured ones first (a collector chosen in conf/, then the flags the job needs).
     */
    static java.util.Map<String, String> merged(
            java.util.Map<String, String> configured, java.util.Map<String, String> extra) {
        java.util.Map<String, String> settings = new java.util.LinkedHashMap<>(configured);
        extra.forEach(
                (k, v) -> settings.merge(k, v, (a, b) -> k.equals(EXECUTOR_JAVA_OPTIONS) ? (a + " " + b).trim() : b));
        return settings;
    }
}

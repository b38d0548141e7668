package org.drilldown.cli;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options {@code run} and {@code sweep} share: the configuration file, the data and its splits, where the output
 * goes and where Spark runs (a picocli mixin), and how they become configuration overrides.
 */
final class JobOptions {
    @Option(names = "--conf", description = "HOCON file overriding conf/drilldown.conf and conf/steps.conf")
    Path conf;

    @Option(names = "--data", description = "directory of the four MNIST IDX files, plain or .gz")
    Path data;

    @Option(
            names = "--train-limit",
            description = "train on the first N images after the validation set (default: all)")
    Integer trainLimit;

    @Option(
            names = "--validation",
            description = "hold out the first N training images as the validation set (default 5000; 0 = none,"
                    + " which a sweep refuses: it ranks on validation)")
    Integer validation;

    @Option(names = "--test-limit", description = "use the first N test images (default: all)")
    Integer testLimit;

    @Option(
            names = "--out",
            description = "output directory for metrics and manifests: a path, or a URI (hdfs://, s3a://, file:)")
    String out;

    @Option(names = "--master", description = "Spark master when the launcher sets none (default: local[*])")
    String master;

    /** The data flags given, as dotted configuration paths. */
    void putData(Map<String, Object> o) {
        put(o, "drilldown.data.train-limit", trainLimit);
        put(o, "drilldown.data.test-limit", testLimit);
        put(o, "drilldown.data.validation", validation);
        put(o, "drilldown.data.dir", data == null ? null : data.toString());
    }

    /** Where the output goes and where Spark runs: all that a resumed run or sweep may change. */
    void putSession(Map<String, Object> o) {
        put(o, "drilldown.output.dir", out);
        put(o, "drilldown.spark.default-master", master);
    }

    /** Whether a flag was given that a resumption refuses: it continues with the configuration and data it recorded. */
    boolean changesTheRecord() {
        return conf != null || changesTheRecordBesidesSettings();
    }

    /** As {@link #changesTheRecord()}, leaving out --conf, which --resume reads for Spark settings only. */
    boolean changesTheRecordBesidesSettings() {
        return data != null || trainLimit != null || testLimit != null || validation != null;
    }

    static void put(Map<String, Object> o, String key, Object value) {
        if (value != null) {
            o.put(key, value);
        }
    }
}

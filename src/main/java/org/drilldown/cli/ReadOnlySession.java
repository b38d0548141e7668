package org.drilldown.cli;

import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.JobConfig;
import org.drilldown.config.SparkSessions;
import org.drilldown.metrics.MetricsLocation;
import org.drilldown.metrics.ReadOnlySql;

/**
 * What {@code query} and {@code report} read with: a one-core local Spark session, locked down to reading
 * (see {@link ReadOnlySql}), and the output directory.
 */
record ReadOnlySession(SparkSession spark, MetricsLocation location) implements AutoCloseable {

    /**
     * {@code out} may be null: the configured default output directory. {@code conf} (may be null) is a --conf file:
     * its {@code drilldown.spark.settings} reach the store (an {@code s3a://} endpoint and keys).
     */
    static ReadOnlySession open(String out, Path conf) {
        JobConfig config = ConfigLoader.load(conf, Map.of("drilldown.spark.default-master", "local[1]"));
        MetricsLocation location = MetricsLocation.of(out != null ? out : config.outputDir(), config);
        return new ReadOnlySession(ReadOnlySql.session(SparkSessions.create(config, Map.of())), location);
    }

    @Override
    public void close() {
        spark.stop();
    }
}

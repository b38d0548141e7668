package org.drilldown;

import org.apache.spark.sql.SparkSession;
import org.drilldown.train.NativeHelpers;

/** One local[2] SparkSession for all Spark tests (UI off, few shuffle partitions), as Spark's SharedSparkSession. */
public final class SharedSpark {
    private static SparkSession session;

    private SharedSpark() {}

    public static synchronized SparkSession get() {
        if (session == null || session.sparkContext().isStopped()) {
            NativeHelpers.configure(true);
            session = SparkSession.builder()
                    .master("local[2]")
                    .appName("drilldown-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .getOrCreate();
        }
        return session;
    }
}

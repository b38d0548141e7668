package org.drilldown.storage;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * The Hadoop configuration Spark would give the job, available before Spark starts (the output directory is checked
 * and locked first): Hadoop's defaults plus every {@code spark.hadoop.*} setting, from spark-submit's {@code --conf}
 * (system properties) first, then from {@code drilldown.spark.settings}.
 */
public final class HadoopSettings {
    private static final String PREFIX = "spark.hadoop.";

    private HadoopSettings() {}

    public static Configuration of(Map<String, String> sparkSettings) {
        SparkConf spark = new SparkConf(); // loads spark.* system properties, as spark-submit sets them
        sparkSettings.forEach(spark::setIfMissing);
        Configuration conf = new Configuration();
        for (Tuple2<String, String> setting : spark.getAll()) {
            if (setting._1().startsWith(PREFIX)) {
                conf.set(setting._1().substring(PREFIX.length()), setting._2());
            }
        }
        return conf;
    }
}

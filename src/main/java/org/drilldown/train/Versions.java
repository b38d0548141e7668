package org.drilldown.train;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;

/** The versions recorded with every run: Java, Spark, Scala, DL4J, ND4J and its backend, Drilldown and its commit. */
final class Versions {
    private Versions() {}

    static Map<String, String> of(SparkSession spark) {
        Map<String, String> v = new TreeMap<>();
        v.put("java", System.getProperty("java.version"));
        v.put("spark", spark.version());
        v.put("scala", scala.util.Properties.versionNumberString());
        v.put("dl4j", maven("org.deeplearning4j", "deeplearning4j-nn"));
        v.put("dl4j-spark", maven("org.deeplearning4j", "dl4j-spark_2.12"));
        v.put("nd4j", maven("org.nd4j", "nd4j-api"));
        v.put(
                "nd4j-backend",
                Nd4j.getBackend().getClass().getSimpleName() + " "
                        + System.getProperty(NativeHelpers.PLATFORM_EXTENSION, ""));
        v.put("drilldown", maven("org.drilldown", "drilldown"));
        // The launcher scripts pass the checkout's commit; a jar run elsewhere says "unknown".
        v.put("drilldown-commit", System.getenv().getOrDefault("DRILLDOWN_COMMIT", "unknown"));
        return v;
    }

    /** The version Maven recorded in the artifact's jar, or "unknown" when run from classes. */
    private static String maven(String group, String artifact) {
        String resource = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = MultiLayerNetwork.class.getResourceAsStream(resource)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}

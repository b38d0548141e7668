package org.drilldown.train;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.drilldown.config.JobConfig;
import org.drilldown.config.StepSpec;
import org.drilldown.data.MnistData;
import org.drilldown.data.MnistFrames;
import org.drilldown.data.SplitStats;
import org.drilldown.model.StepModels;

/**
 * The drill-down as one Spark job: read and check MNIST on the driver, spread it into DataFrames,
 * compute statistics, then train every configured step in order. Reports to listeners; returns results.
 */
public final class DrilldownJob {
    private final SparkSession spark;
    private final JobConfig config;

    public DrilldownJob(SparkSession spark, JobConfig config) {
        this.spark = spark;
        this.config = config;
    }

    /** Checks what can be checked without Spark: every step's model builds and the data reads cleanly. */
    public static MnistData preflight(JobConfig config) {
        config.steps().forEach(step -> StepModels.configuration(step, config.seed()));
        return MnistData.load(config.dataDir(), config.trainLimit(), config.testLimit());
    }

    /** Trains every configured step on {@code data} (from {@link #preflight}), reporting to the listeners. */
    public List<StepResult> run(String runId, String commandLine, MnistData data, List<TrainingListener> listeners) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int workers = config.workers() > 0 ? config.workers() : sc.defaultParallelism();
        // The driver is listed too; in local mode it is the only one and runs the tasks itself.
        int executors = Math.max(1, sc.sc().statusTracker().getExecutorInfos().length - (sc.isLocal() ? 0 : 1));
        RunInfo run = new RunInfo(runId, Instant.now(), config.seed(), sc.master(), executors, workers, config.resolvedJson(),
                Versions.of(spark), data.checksums(), commandLine);

        listeners.forEach(l -> l.onRunStart(run));
        Dataset<Row> trainFrame = MnistFrames.toFrame(spark, data.train(), workers).persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> testFrame = MnistFrames.toFrame(spark, data.test(), workers).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            SplitStats trainStats = SplitStats.of("train", trainFrame);
            List<SplitStats> stats = List.of(trainStats, SplitStats.of("test", testFrame));
            listeners.forEach(l -> l.onDataStats(run, stats));
            StepTrainer trainer = new StepTrainer(sc, config, workers, trainStats, config.exportPath(runId).toString());
            List<StepResult> results = new ArrayList<>();
            for (StepSpec step : config.steps()) {
                StepResult result = trainer.train(run, step, trainFrame, testFrame, listeners);
                results.add(result);
                listeners.forEach(l -> l.onStepEnd(run, result));
            }
            listeners.forEach(l -> l.onRunEnd(run, null));
            return results;
        } catch (RuntimeException | Error e) {
            listeners.forEach(l -> l.onRunEnd(run, e));
            throw e;
        } finally {
            trainFrame.unpersist();
            testFrame.unpersist();
        }
    }

    /** Versions recorded with every run. */
    static final class Versions {
        private Versions() {
        }

        static Map<String, String> of(SparkSession spark) {
            Map<String, String> v = new java.util.TreeMap<>();
            v.put("java", System.getProperty("java.version"));
            v.put("spark", spark.version());
            v.put("scala", scala.util.Properties.versionNumberString());
            v.put("dl4j", maven("org.deeplearning4j", "deeplearning4j-nn"));
            v.put("dl4j-spark", maven("org.deeplearning4j", "dl4j-spark_2.12"));
            v.put("nd4j", maven("org.nd4j", "nd4j-api"));
            v.put("nd4j-backend", org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName()
                    + " " + System.getProperty(NativeHelpers.PLATFORM_EXTENSION, ""));
            v.put("drilldown", maven("org.drilldown", "drilldown"));
            v.put("drilldown-commit", System.getenv().getOrDefault("DRILLDOWN_COMMIT", "unknown"));
            return v;
        }

        /** The version Maven recorded in the artifact's jar, or "unknown" when run from classes. */
        private static String maven(String group, String artifact) {
            String resource = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
            try (java.io.InputStream in = Versions.class.getResourceAsStream(resource)) {
                if (in == null) {
                    return "unknown";
                }
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            } catch (java.io.IOException e) {
                return "unknown";
            }
        }
    }
}

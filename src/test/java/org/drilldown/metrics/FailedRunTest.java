package org.drilldown.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkException;
import org.apache.spark.sql.SparkSession;
import org.drilldown.SharedSpark;
import org.drilldown.TestData;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.JobConfig;
import org.drilldown.data.MnistData;
import org.drilldown.data.SplitStats;
import org.drilldown.train.Checkpoints;
import org.drilldown.train.DrilldownJob;
import org.drilldown.train.ResumePoint;
import org.drilldown.train.RunInfo;
import org.drilldown.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure inside the job is recorded as {@code failed} with its cause, also when it is a Spark job's
 * {@link SparkException} (a checked exception Scala code throws undeclared), not left "running".
 */
class FailedRunTest {
    @TempDir
    Path out;

    @Test
    void aSparkExceptionDuringTheRunIsRecordedAsFailedWithItsCause() {
        SparkSession spark = SharedSpark.get();
        JobConfig config = ConfigLoader.load(
                null,
                Map.of(
                        "drilldown.run-steps",
                        List.of("3"),
                        "drilldown.data.train-limit",
                        300,
                        "drilldown.data.test-limit",
                        100,
                        "drilldown.data.dir",
                        TestData.mnistDir().toString(),
                        "drilldown.output.dir",
                        out.toString(),
                        "drilldown.training.workers",
                        2,
                        "drilldown.training.averaging-frequency",
                        1));
        MnistData data = DrilldownJob.preflight(config);
        MetricsLocation location = new MetricsLocation(out);
        SparkException cause = new SparkException("Job aborted: no space left on device");
        TrainingListener failing = new TrainingListener() {
            @Override
            public void onDataStats(RunInfo run, List<SplitStats> stats) {
                throwUnchecked(cause);
            }
        };

        assertThatThrownBy(() -> new DrilldownJob(spark, config)
                        .run(
                                "broken",
                                "test",
                                data,
                                List.of(failing, new MetricsWriter(spark, location, config.target())),
                                new Checkpoints(location.checkpoints("broken")),
                                ResumePoint.NONE))
                .isSameAs(cause);

        MetricsReader.registerViews(spark, location);
        assertThat(spark.sql("select status, error from runs_history order by recorded_at")
                        .collectAsList())
                .extracting(r -> r.getString(0) + ": " + r.getString(1))
                .containsExactly(
                        "running: null",
                        "failed: org.apache.spark.SparkException: Job aborted: no space left on device");
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void throwUnchecked(Throwable e) throws E {
        throw (E) e;
    }
}

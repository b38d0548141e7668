package org.drilldown.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.drilldown.MetricsFixtures.epoch;
import static org.drilldown.MetricsFixtures.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.drilldown.SharedSpark;
import org.drilldown.config.TargetSpec;
import org.drilldown.train.RunInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metric writer's guarantees against the real Parquet files it writes. */
class MetricsWriterTest {
    private static final TargetSpec TARGET = new TargetSpec(99.4, 3, 10000, 15);

    @TempDir
    Path out;

    @Test
    void twoRunsAppendingToTheSameOutputAtOnceKeepEveryRow() throws Exception {
        SparkSession spark = SharedSpark.get();
        MetricsLocation location = new MetricsLocation(out);
        int epochs = 12;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (String id : List.of("run-a", "run-b")) {
                runs.add(pool.submit(() -> {
                    MetricsWriter writer = new MetricsWriter(spark, location, TARGET);
                    RunInfo run = run(id);
                    writer.onRunStart(run);
                    for (int e = 1; e <= epochs; e++) {
                        writer.onEpochEnd(run, epoch(e));
                    }
                    writer.onRunEnd(run, null);
                }));
            }
            for (Future<?> f : runs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        MetricsReader.registerViews(spark, location);
        List<Row> counts = spark.sql(
                        "select run_id, count(*) n, count(distinct epoch) d from epochs group by run_id order by run_id")
                .collectAsList();
        assertThat(counts)
                .extracting(r -> r.getString(0) + "=" + r.getLong(1) + "/" + r.getLong(2))
                .containsExactly("run-a=12/12", "run-b=12/12");
        assertThat(spark.sql("select count(*) from iterations").first().getLong(0))
                .isEqualTo(2L * epochs * 2);
        assertThat(spark.sql("select run_id, status from runs order by run_id").collectAsList())
                .extracting(r -> r.getString(0) + ":" + r.getString(1))
                .containsExactly("run-a:succeeded", "run-b:succeeded");
        // No scratch left behind: no Spark _temporary in a table, no staged file.
        try (var files = Files.walk(location.metricsDir().local())) {
            assertThat(files.map(
                            p -> location.metricsDir().local().relativize(p).toString()))
                    .noneMatch(n -> n.contains("_temporary"))
                    .noneMatch(n -> n.startsWith(".staging/") && n.split("/").length > 2);
        }
    }
}

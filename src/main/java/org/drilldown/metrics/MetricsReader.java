package org.drilldown.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Registers every metric table under {@code <out>/metrics/} as a temporary view named after it. The view
 * {@code runs} keeps the latest row per run, and says "interrupted" for a run marked "running" whose
 * driver is gone; every row stays in {@code runs_history}.
 */
public final class MetricsReader {
    static final String INTERRUPTED = "interrupted";
    static final String DIED = "the driver ended without recording an outcome (killed or crashed); "
            + "epochs it recorded are complete";
    private MetricsReader() {
    }

    /** Returns the tables found; fails with the directory named when there are none. */
    public static List<String> registerViews(SparkSession spark, MetricsLocation location) {
        Path dir = location.metricsDir();
        List<String> found = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> tables = Files.list(dir)) {
                tables.filter(t -> !t.getFileName().toString().startsWith(".")).filter(MetricsReader::hasParquet).sorted().forEach(t -> {
                    String name = t.getFileName().toString();
                    spark.read().option("mergeSchema", "true").parquet(t.toString()).createOrReplaceTempView(name.equals(Tables.RUNS) ? "runs_history" : name);
                    found.add(name);
                });
            } catch (IOException e) {
                throw new IllegalStateException("cannot list " + dir + ": " + e.getMessage(), e);
            }
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no metric tables under " + dir
                    + "; run scripts/run-local.sh first, or pass --out DIR of an earlier run");
        }
        if (found.contains(Tables.RUNS)) {
            Dataset<Row> latest = spark.sql("select *, row_number() over "
                    + "(partition by run_id order by recorded_at desc) as rn from runs_history").where("rn = 1").drop("rn");
            latest.createOrReplaceTempView(Tables.RUNS);
            // A run still "running" whose driver no longer holds its lock was killed or crashed.
            List<String> dead = spark.sql("select run_id from runs where status = 'running'").collectAsList().stream()
                    .map(r -> r.getString(0)).filter(id -> !DriverLock.isHeld(location, id)).toList();
            if (!dead.isEmpty()) {
                Column isDead = functions.col("run_id").isin(dead.toArray());
                latest.withColumn("status", functions.when(isDead, INTERRUPTED).otherwise(functions.col("status")))
                        .withColumn("error", functions.when(isDead, DIED).otherwise(functions.col("error")))
                        .createOrReplaceTempView(Tables.RUNS);
            }
        }
        return found;
    }

    private static boolean hasParquet(Path tableDir) {
        try (Stream<Path> files = Files.list(tableDir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".parquet"));
        } catch (IOException e) {
            return false;
        }
    }
}

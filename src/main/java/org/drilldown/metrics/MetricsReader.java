package org.drilldown.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Registers every metric table under {@code <out>/metrics/} as a temporary view named after it. The view
 * {@code runs} keeps the latest row per run; every row stays in {@code runs_history}.
 */
public final class MetricsReader {
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
                    + "(partition by run_id order by recorded_at desc) as rn from runs_history");
            latest.where("rn = 1").drop("rn").createOrReplaceTempView(Tables.RUNS);
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

package org.drilldown.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.drilldown.config.ScopedDelete;

/** How every metric table grows: whole rows, one Parquet file per write, renamed into the table at once. */
public final class TableAppender {
    private TableAppender() {}

    /**
     * Writes the rows as one Parquet file in a private staging directory, then renames the file into the
     * table. Appending straight into the table would share Spark's {@code <table>/_temporary} with any other
     * run writing the same table, and the first job to commit deletes it under the others (rows lost).
     * {@code beforeMove} runs between the two (a test halts there).
     */
    public static void append(
            SparkSession spark,
            MetricsLocation location,
            String table,
            StructType schema,
            List<Row> rows,
            Runnable beforeMove) {
        Path staging = location.staging(table);
        try {
            spark.createDataFrame(rows, schema).coalesce(1).write().parquet(staging.toString());
            beforeMove.run();
            Path tableDir = Files.createDirectories(location.table(table));
            try (Stream<Path> files = Files.list(staging)) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".parquet"))
                        .toList()) {
                    Files.move(file, tableDir.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to table " + table + " under " + location.metricsDir(), e);
        } finally {
            Path stagingRoot = staging.getParent();
            if (stagingRoot != null) {
                ScopedDelete.quietly(stagingRoot, staging); // scratch only: readers skip the staging directory
            }
        }
    }
}

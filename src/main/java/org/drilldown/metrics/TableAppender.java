package org.drilldown.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.drilldown.storage.StorePath;

/** How every metric table grows: whole rows, one Parquet file per write, moved into the table at once. */
public final class TableAppender {
    private TableAppender() {}

    /**
     * Writes the rows as one Parquet file in a private staging directory, then moves the file into the
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
        StorePath staging = location.staging(table);
        try {
            spark.createDataFrame(rows, schema).coalesce(1).write().parquet(staging.uri());
            beforeMove.run();
            StorePath tableDir = location.table(table);
            tableDir.mkdirs();
            for (StorePath file : staging.list()) {
                if (file.name().endsWith(".parquet")) {
                    file.moveTo(tableDir.resolve(file.name())); // unique names: never onto another file
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to table " + table + " under " + location.metricsDir(), e);
        } finally {
            staging.deleteQuietly(staging.parent()); // scratch only: readers skip the staging directory
        }
    }
}

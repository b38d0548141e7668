package org.drilldown.metrics;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.drilldown.config.BadInput;
import org.drilldown.storage.StorePath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers every metric table under {@code <out>/metrics/} as a temporary view named after it. The view
 * {@code runs} keeps the latest row per run, and says "interrupted" for a run marked "running" whose
 * driver is gone; every row stays in {@code runs_history}.
 */
public final class MetricsReader {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsReader.class);
    static final String INTERRUPTED = "interrupted";
    static final String DIED =
            "the driver ended without recording an outcome (killed or crashed); " + "epochs it recorded are complete";

    private MetricsReader() {}

    /**
     * Returns the tables that have files; fails with the directory named when none has. Every table in
     * {@link Tables#SCHEMAS} gets a view, empty when it has no files yet.
     */
    public static List<String> registerViews(SparkSession spark, MetricsLocation location) {
        StorePath dir = location.metricsDir();
        List<String> found = new ArrayList<>();
        try {
            for (StorePath t : dir.list()) {
                if (!hasParquet(t)) {
                    continue;
                }
                String name = t.name();
                StructType expected = Tables.SCHEMAS.get(name);
                if (expected == null) {
                    LOG.warn("{} is not a Drilldown table; left out of the views", t);
                    continue;
                }
                read(spark, t, expected).createOrReplaceTempView(viewOfFiles(name));
                found.add(name);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            throw new BadInput("no metric tables under " + dir
                    + "; run scripts/run-local.sh first, or pass --out DIR of an earlier run");
        }
        registerEmptyViews(spark, found);
        registerLatestRuns(spark, location);
        spark.sql("select *, row_number() over (partition by sweep_id, trial_id order by recorded_at desc) as rn"
                        + " from trials_history")
                .where("rn = 1")
                .drop("rn")
                .createOrReplaceTempView(Tables.TRIALS);
        return found;
    }

    /**
     * The view a table's files are registered as: every row, under the table's name, except for the tables whose
     * view keeps the latest row per key ({@code runs}, {@code trials}): their rows are {@code <table>_history}.
     */
    static String viewOfFiles(String table) {
        return table.equals(Tables.RUNS) || table.equals(Tables.TRIALS) ? table + "_history" : table;
    }

    /** The view {@code runs}: the latest row of each run, a dead driver's "running" read as interrupted. */
    private static void registerLatestRuns(SparkSession spark, MetricsLocation location) {
        Dataset<Row> latest = spark.sql("select *, row_number() over "
                        + "(partition by run_id order by recorded_at desc) as rn from runs_history")
                .where("rn = 1")
                .drop("rn");
        latest.createOrReplaceTempView(Tables.RUNS);
        // A run still "running" whose driver no longer holds its lock was killed or crashed.
        List<String> dead = spark.sql("select run_id from runs where status = 'running'").collectAsList().stream()
                .map(r -> r.getString(0))
                .filter(id -> !DriverLock.isHeld(location, id))
                .toList();
        if (!dead.isEmpty()) {
            Column isDead = functions.col("run_id").isin(dead.toArray());
            latest.withColumn("status", functions.when(isDead, INTERRUPTED).otherwise(functions.col("status")))
                    .withColumn("error", functions.when(isDead, DIED).otherwise(functions.col("error")))
                    .createOrReplaceTempView(Tables.RUNS);
        }
    }

    /**
     * A table no run has written yet (every run died before its first epoch, say) is an empty view with its
     * schema, so a correct query over it returns no rows instead of "table not found".
     */
    private static void registerEmptyViews(SparkSession spark, List<String> found) {
        Tables.SCHEMAS.forEach((name, schema) -> {
            if (!found.contains(name)) {
                spark.createDataFrame(List.<Row>of(), schema).createOrReplaceTempView(viewOfFiles(name));
            }
        });
    }

    /** Whether the {@code runs} table holds a row of {@code runId}; reads that table alone. */
    public static boolean hasRun(SparkSession spark, MetricsLocation location, String runId) {
        StorePath table = location.table(Tables.RUNS);
        return hasParquet(table)
                && !read(spark, table, Tables.RUNS_SCHEMA)
                        .where(functions.col("run_id").equalTo(runId))
                        .isEmpty();
    }

    /**
     * Reads one table, refusing what would give a misleading result: files Spark cannot read as Parquet,
     * a column of the wrong type, or rows without a run id (files some other program put there).
     */
    private static Dataset<Row> read(SparkSession spark, StorePath table, StructType expected) {
        Dataset<Row> frame;
        try {
            frame = spark.read().option("mergeSchema", "true").parquet(table.uri());
        } catch (Exception e) { // Scala's SparkException is checked in Java terms but thrown undeclared
            throw culprit(spark, table, expected)
                    .orElseGet(() -> new BadInput(
                            "table " + table + " holds files that are not readable Parquet of one schema ("
                                    + rootMessage(e) + ")",
                            e));
        }
        String mismatch = typeMismatch(frame.schema(), expected);
        if (mismatch != null) {
            throw new BadInput("table " + table + ": " + mismatch + "; a file there was not written by Drilldown");
        }
        for (StructField field : expected.fields()) {
            // Columns newer than a table's files read as null (see Tables.SCHEMA_VERSION).
            if (Arrays.stream(frame.schema().fieldNames()).noneMatch(field.name()::equals)) {
                frame = frame.withColumn(field.name(), functions.lit(null).cast(field.dataType()));
            }
        }
        List<Row> foreign = frame.where(functions.col("run_id").isNull())
                .select(functions.input_file_name())
                .limit(1)
                .collectAsList();
        if (!foreign.isEmpty()) {
            throw new BadInput(
                    "table " + table + ": " + foreign.get(0).getString(0)
                            + " holds rows without a run_id; it was not written by Drilldown, move it out of the table directory");
        }
        return frame;
    }

    /**
     * Reads the table's files one by one to name the one that broke the whole read, and why: unreadable, a
     * column of the wrong type, or a column whose type differs from an earlier file's (Spark's merge error
     * names neither the column nor the files).
     */
    private static Optional<BadInput> culprit(SparkSession spark, StorePath table, StructType expected) {
        try {
            Map<String, String> firstSeen = new HashMap<>(); // column -> "type in file" of the first file having it
            for (StorePath file : table.list().stream()
                    .filter(f -> f.name().endsWith(".parquet"))
                    .sorted(Comparator.comparing(StorePath::name))
                    .toList()) {
                String problem;
                try {
                    StructType schema = spark.read().parquet(file.uri()).schema();
                    problem = typeMismatch(schema, expected);
                    for (StructField field : schema.fields()) {
                        String type = field.dataType().simpleString();
                        String earlier = firstSeen.putIfAbsent(field.name(), type + " in " + file.name());
                        if (problem == null && earlier != null && !earlier.startsWith(type + " in ")) {
                            problem = "column " + field.name() + " is " + type + ", but " + earlier;
                        }
                    }
                } catch (Exception e) {
                    problem = "not readable Parquet (" + rootMessage(e) + ")";
                }
                if (problem != null) {
                    return Optional.of(new BadInput("table " + table + ": file " + file.name() + ": " + problem
                            + "; move it out of the table directory"));
                }
            }
        } catch (IOException e) {
            // unlistable: fall back to Spark's own message
        }
        return Optional.empty();
    }

    /** Null when every column the schema shares with {@code expected} has the expected type. */
    private static String typeMismatch(StructType actual, StructType expected) {
        for (StructField field : expected.fields()) {
            Optional<StructField> found = Arrays.stream(actual.fields())
                    .filter(f -> f.name().equals(field.name()))
                    .findFirst();
            if (found.isPresent() && !found.get().dataType().equals(field.dataType())) {
                return "column " + field.name() + " is "
                        + found.get().dataType().simpleString() + ", expected "
                        + field.dataType().simpleString();
            }
        }
        return null;
    }

    /**
     * The useful part of a Spark failure: the innermost message in its cause chain that names a Parquet file
     * (Spark wraps it several times), else the innermost message; at most its first three lines.
     */
    public static String rootMessage(Throwable e) {
        String named = null;
        String innermost = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            innermost = t.getMessage() != null ? t.getMessage() : t.toString();
            if (innermost.contains(".parquet")) {
                named = innermost;
            }
        }
        String chosen = named != null ? named : innermost;
        String[] lines = chosen.split("\n");
        return String.join(" ", java.util.Arrays.copyOf(lines, Math.min(3, lines.length)))
                .trim();
    }

    /** Whether {@code tableDir} is a directory holding a Parquet file (a file is no table: it lists itself). */
    private static boolean hasParquet(StorePath tableDir) {
        try {
            return tableDir.isDirectory()
                    && tableDir.list().stream().anyMatch(f -> f.name().endsWith(".parquet"));
        } catch (IOException e) {
            return false;
        }
    }
}

package org.drilldown.metrics;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The metric tables' names and schemas: plain Parquet types, accuracies as percent doubles. See docs/metrics.md. */
public final class Tables {
    /**
     * Version of the table layout, stored in every {@code runs} row. Columns are only ever added (old rows
     * read null in them); a rename or type change would bump this and keep readers of older versions.
     * 1: before the column existed; 2: adds {@code iterations}, {@code worker_stats}, {@code runs.schema_version},
     * {@code cores}, {@code gpus}; 3: adds {@code epochs.params_sha256},
     * {@code val_loss}, {@code val_accuracy}, {@code val_images}.
     */
    public static final int SCHEMA_VERSION = 3;

    public static final String RUNS = "runs";
    public static final String EPOCHS = "epochs";
    public static final String STEPS = "steps";
    public static final String DATA_STATS = "data_stats";
    public static final String ITERATIONS = "iterations";
    public static final String WORKER_STATS = "worker_stats";
    public static final String TRIALS = "trials";

    /** One row when a run starts (status "running") and one when it ends; the latest row per run_id holds. */
    public static final StructType RUNS_SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("started_at", DataTypes.TimestampType, false)
            .add("finished_at", DataTypes.TimestampType, true)
            .add("status", DataTypes.StringType, false)
            .add("error", DataTypes.StringType, true)
            .add("seed", DataTypes.LongType, false)
            .add("spark_master", DataTypes.StringType, false)
            .add("executors", DataTypes.IntegerType, false)
            .add("cores", DataTypes.IntegerType, true)
            .add("gpus", DataTypes.IntegerType, true)
            .add("workers", DataTypes.IntegerType, false)
            .add("config", DataTypes.StringType, false)
            .add("versions", DataTypes.StringType, false)
            .add("data_checksums", DataTypes.StringType, false)
            .add("command_line", DataTypes.StringType, false)
            .add("recorded_at", DataTypes.TimestampType, false)
            .add("schema_version", DataTypes.IntegerType, false);

    public static final StructType EPOCHS_SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("step", DataTypes.StringType, false)
            .add("epoch", DataTypes.IntegerType, false)
            .add("learning_rate", DataTypes.DoubleType, false)
            .add("train_loss", DataTypes.DoubleType, false)
            .add("train_accuracy", DataTypes.DoubleType, false)
            .add("test_loss", DataTypes.DoubleType, false)
            .add("test_accuracy", DataTypes.DoubleType, false)
            .add("epoch_seconds", DataTypes.DoubleType, false)
            .add("train_images_per_second", DataTypes.DoubleType, false)
            .add("train_images", DataTypes.LongType, false)
            .add("test_images", DataTypes.LongType, false)
            .add("eval_seconds", DataTypes.DoubleType, false)
            .add("params_sha256", DataTypes.StringType, true)
            .add("val_loss", DataTypes.DoubleType, true)
            .add("val_accuracy", DataTypes.DoubleType, true)
            .add("val_images", DataTypes.LongType, true);

    /** One row per parameter-averaging round; written just before its epoch's row. */
    public static final StructType ITERATIONS_SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("step", DataTypes.StringType, false)
            .add("epoch", DataTypes.IntegerType, false)
            .add("round", DataTypes.IntegerType, false)
            .add("iteration", DataTypes.IntegerType, false)
            .add("loss", DataTypes.DoubleType, false)
            .add("learning_rate", DataTypes.DoubleType, false)
            .add("seconds", DataTypes.DoubleType, false);

    /** DL4J's training stats of an epoch, summed per stat and JVM thread; written just before its epoch's row. */
    public static final StructType WORKER_STATS_SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("step", DataTypes.StringType, false)
            .add("epoch", DataTypes.IntegerType, false)
            .add("stat", DataTypes.StringType, false)
            .add("machine", DataTypes.StringType, false)
            .add("jvm", DataTypes.StringType, false)
            .add("thread", DataTypes.LongType, false)
            .add("events", DataTypes.IntegerType, false)
            .add("total_ms", DataTypes.LongType, false);

    public static final StructType STEPS_SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("step", DataTypes.StringType, false)
            .add("name", DataTypes.StringType, false)
            .add("params", DataTypes.LongType, false)
            .add("epochs", DataTypes.IntegerType, false)
            .add("best_train_accuracy", DataTypes.DoubleType, false)
            .add("best_test_accuracy", DataTypes.DoubleType, false)
            .add("final_test_accuracy", DataTypes.DoubleType, false)
            .add("batch_size", DataTypes.IntegerType, false)
            .add("rotation_degrees", DataTypes.DoubleType, false)
            .add("step_seconds", DataTypes.DoubleType, false)
            .add("last3_min_test_accuracy", DataTypes.DoubleType, false)
            .add("last3_max_test_accuracy", DataTypes.DoubleType, false)
            .add("train_test_gap", DataTypes.DoubleType, false)
            .add("target_met", DataTypes.BooleanType, false)
            .add("analysis", DataTypes.StringType, false);

    public static final StructType DATA_STATS_SCHEMA = dataStatsSchema();

    /**
     * A sweep's trials (drilldown sweep): a row each time a trial starts a rung, ends one and is promoted or
     * pruned, finishes or fails; the view keeps the latest row per (sweep_id, trial_id), {@code trials_history}
     * every row (the pruning ladder). {@code run_id} is the trial's run, in {@code runs} and {@code epochs}. The
     * step's values the trial trained with are columns; {@code space_values} holds the drawn ones as JSON.
     */
    public static final StructType TRIALS_SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("sweep_id", DataTypes.StringType, false)
            .add("trial_id", DataTypes.StringType, false)
            .add("config_id", DataTypes.IntegerType, false)
            .add("seed", DataTypes.LongType, false)
            .add("step", DataTypes.StringType, false)
            .add("learning_rate", DataTypes.DoubleType, false)
            .add("momentum", DataTypes.DoubleType, false)
            .add("dropout", DataTypes.DoubleType, false)
            .add("weight_decay", DataTypes.DoubleType, false)
            .add("rotation_degrees", DataTypes.DoubleType, false)
            .add("batch_size", DataTypes.IntegerType, false)
            .add("lr_schedule", DataTypes.StringType, false)
            .add("layers", DataTypes.StringType, false)
            .add("space_values", DataTypes.StringType, false)
            .add("rung", DataTypes.IntegerType, false)
            .add("rung_epochs", DataTypes.IntegerType, false)
            .add("epochs_trained", DataTypes.IntegerType, false)
            .add("best_val_accuracy", DataTypes.DoubleType, true)
            .add("last_val_accuracy", DataTypes.DoubleType, true)
            .add("status", DataTypes.StringType, false)
            .add("decision", DataTypes.StringType, true)
            .add("recorded_at", DataTypes.TimestampType, false);

    /** Every table by name; readers check files against these. */
    public static final java.util.Map<String, StructType> SCHEMAS = java.util.Map.of(
            RUNS,
            RUNS_SCHEMA,
            EPOCHS,
            EPOCHS_SCHEMA,
            ITERATIONS,
            ITERATIONS_SCHEMA,
            WORKER_STATS,
            WORKER_STATS_SCHEMA,
            STEPS,
            STEPS_SCHEMA,
            DATA_STATS,
            DATA_STATS_SCHEMA,
            TRIALS,
            TRIALS_SCHEMA);

    private Tables() {}

    private static StructType dataStatsSchema() {
        StructType s = new StructType()
                .add("run_id", DataTypes.StringType, false)
                .add("split", DataTypes.StringType, false)
                .add("count", DataTypes.LongType, false)
                .add("mean", DataTypes.DoubleType, false)
                .add("std", DataTypes.DoubleType, false);
        for (int c = 0; c < 10; c++) {
            s = s.add("class_" + c, DataTypes.LongType, false);
        }
        return s;
    }
}

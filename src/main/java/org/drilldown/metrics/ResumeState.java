package org.drilldown.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.drilldown.config.BadInput;
import org.drilldown.config.JobConfig;
import org.drilldown.config.StepSpec;
import org.drilldown.train.Checkpoints;
import org.drilldown.train.EpochResult;
import org.drilldown.train.ResumePoint;
import org.drilldown.train.Score;

/**
 * Reads back what an interrupted run recorded, to continue it: its finished steps, and for the step it
 * was in, the complete epochs (each must have its checkpoint). Refuses runs that cannot be resumed.
 */
public final class ResumeState {
    private ResumeState() {}

    /**
     * Call while holding the run's {@link DriverLock}. {@code trainEvalImages}: how many training images each
     * epoch's train accuracy was measured on; 0 = the epoch's own training images (train accuracy from the
     * fitted minibatches).
     */
    public static ResumePoint read(
            SparkSession spark,
            MetricsLocation location,
            String runId,
            JobConfig config,
            long trainEvalImages,
            Checkpoints checkpoints) {
        List<String> tables = MetricsReader.registerViews(spark, location);
        List<Row> runs = spark.sql("select * from runs")
                .where(functions.col("run_id").equalTo(runId))
                .collectAsList();
        if (runs.isEmpty()) {
            throw new BadInput("no run '" + runId + "' in the tables under " + location.metricsDir());
        }
        Row run = runs.get(0);
        String status = run.getAs("status");
        if (status.equals("succeeded")) {
            throw new BadInput("run '" + runId + "' already succeeded; nothing to resume");
        }
        // "running" here means interrupted: the caller holds the run's driver lock, so no other driver lives.
        Set<String> finished = new HashSet<>();
        if (tables.contains(Tables.STEPS)) {
            spark.sql("select step from steps where run_id = '" + runId + "'")
                    .collectAsList()
                    .forEach(r -> finished.add(r.getString(0)));
        }
        Map<String, List<EpochResult>> recorded = new LinkedHashMap<>();
        for (StepSpec step : config.steps()) {
            if (finished.contains(step.key()) || !tables.contains(Tables.EPOCHS)) {
                continue;
            }
            List<Row> rows = spark.sql("select * from epochs where run_id = '" + runId + "' and step = '" + step.key()
                            + "' order by epoch")
                    .collectAsList();
            List<EpochResult> epochs = new ArrayList<>();
            for (Row r : rows) {
                int epoch = r.getAs("epoch");
                if (epoch != epochs.size() + 1) {
                    throw new BadInput("run '" + runId + "' step " + step.key() + " has epoch rows "
                            + rows.stream()
                                    .map(x -> x.getAs("epoch").toString())
                                    .toList() + ", not 1..n once each; it cannot be resumed");
                }
                epochs.add(epoch(step, r, trainEvalImages));
            }
            if (!epochs.isEmpty()) {
                if (!checkpoints.has(step.key(), epochs.size())) {
                    throw missingCheckpoint(runId, step.key(), epochs.size(), checkpoints);
                }
                recorded.put(step.key(), epochs);
            }
        }
        return new ResumePoint(run.<java.sql.Timestamp>getAs("started_at").toInstant(), finished, recorded);
    }

    /**
     * How many training images each epoch's train accuracy is measured on, the {@code trainEvalImages} of
     * {@link #read}: 0 when it comes from the fitted minibatches.
     */
    public static long trainEvalImages(JobConfig config, long trainImages) {
        if (config.trainAccuracy() == org.drilldown.config.TrainAccuracy.FITTED_BATCHES) {
            return 0;
        }
        return config.trainEvalImages() > 0 ? Math.min(config.trainEvalImages(), trainImages) : trainImages;
    }

    /** The step's rows end at {@code epoch}, whose checkpoint is gone: say what is there, and what to do. */
    private static BadInput missingCheckpoint(String runId, String step, int epoch, Checkpoints checkpoints) {
        List<Integer> present;
        try {
            present = checkpoints.epochs(step);
        } catch (java.io.IOException e) {
            present = List.of();
        }
        return new BadInput("run '" + runId + "' cannot be resumed: its rows of step " + step + " end at epoch " + epoch
                + ", and " + checkpoints.file(step, epoch) + " is missing (checkpoints of the step: "
                + (present.isEmpty() ? "none" : "epochs " + present) + "); start the run afresh with a new --run-id");
    }

    private static EpochResult epoch(StepSpec step, Row r, long trainEvalImages) {
        long testImages = r.getAs("test_images");
        long trainScored = trainEvalImages > 0 ? trainEvalImages : r.<Long>getAs("train_images");
        return new EpochResult(
                step.key(),
                r.getAs("epoch"),
                step.epochs(),
                r.getAs("learning_rate"),
                Score.of(trainScored, r.getAs("train_accuracy"), r.getAs("train_loss")),
                validation(r),
                Score.of(testImages, r.getAs("test_accuracy"), r.getAs("test_loss")),
                r.getAs("epoch_seconds"),
                r.getAs("train_images"),
                r.getAs("eval_seconds"),
                List.of(),
                List.of(),
                r.schema().getFieldIndex("params_sha256").isDefined() ? r.getAs("params_sha256") : null);
    }

    /** The validation score a row recorded; none in rows without a validation set or from before the columns. */
    private static Score validation(Row r) {
        if (!r.schema().getFieldIndex("val_images").isDefined() || r.isNullAt(r.fieldIndex("val_images"))) {
            return Score.EMPTY;
        }
        return Score.of(r.getAs("val_images"), r.getAs("val_accuracy"), r.getAs("val_loss"));
    }
}

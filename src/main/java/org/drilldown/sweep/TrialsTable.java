package org.drilldown.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.drilldown.config.StepSpec;
import org.drilldown.metrics.MetricsLocation;
import org.drilldown.metrics.MetricsReader;
import org.drilldown.metrics.TableAppender;
import org.drilldown.metrics.Tables;

/** Writes a sweep's rows to the {@code trials} table (whole rows, as every metric table) and reads them back. */
public final class TrialsTable {
    public static final String RUNNING = "running";
    public static final String PRUNED = "pruned";
    public static final String FINISHED = "finished";
    public static final String FAILED = "failed";

    private final SparkSession spark;
    private final MetricsLocation location;
    private final String baseJson;
    private final Map<String, StepSpec> specs = new ConcurrentHashMap<>();

    public TrialsTable(SparkSession spark, MetricsLocation location, String baseJson) {
        this.spark = spark;
        this.location = location;
        this.baseJson = baseJson;
    }

    /** One row of a trial's history, as read back. */
    public record Recorded(
            String trialId,
            int rung,
            int epochsTrained,
            Double bestValAccuracy,
            Double lastValAccuracy,
            String status,
            String decision) {

        TrialResult result() {
            return status.equals(FAILED)
                    ? TrialResult.failed(epochsTrained, decision)
                    : new TrialResult(epochsTrained, bestValAccuracy, lastValAccuracy, null);
        }
    }

    /** Appends one row: {@code trial} at {@code rung} (of {@code rungEpochs}), where {@code result} left it. */
    public void record(Trial trial, int rung, int rungEpochs, TrialResult result, String status, String decision) {
        StepSpec s = specs.computeIfAbsent(trial.id(), id -> trial.spec(baseJson));
        Row row = RowFactory.create(
                trial.runId(),
                trial.sweepId(),
                trial.id(),
                trial.configId(),
                trial.seed(),
                s.key(),
                s.learningRate(),
                s.momentum(),
                s.dropout(),
                s.weightDecay(),
                s.rotationDegrees(),
                s.batchSize(),
                json(schedule(s)),
                json(s.layers()),
                trial.valuesJson(),
                rung,
                rungEpochs,
                result.epochsTrained(),
                result.bestValAccuracy(),
                result.lastValAccuracy(),
                status,
                decision,
                Timestamp.from(Instant.now()));
        TableAppender.append(spark, location, Tables.TRIALS, Tables.TRIALS_SCHEMA, List.of(row), () -> {});
    }

    private static boolean isDirectory(org.drilldown.storage.StorePath dir) {
        try {
            return dir.isDirectory();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + dir, e);
        }
    }

    /** Every row the sweep recorded, oldest first; none for a new sweep. */
    public static List<Recorded> history(SparkSession spark, MetricsLocation location, String sweepId) {
        if (!isDirectory(location.table(Tables.TRIALS))) {
            return List.of();
        }
        MetricsReader.registerViews(spark, location);
        List<Recorded> out = new ArrayList<>();
        for (Row r : spark.table("trials_history")
                .where(functions.col("sweep_id").equalTo(sweepId))
                .orderBy("recorded_at")
                .collectAsList()) {
            out.add(new Recorded(
                    r.getAs("trial_id"),
                    r.<Integer>getAs("rung"),
                    r.<Integer>getAs("epochs_trained"),
                    r.getAs("best_val_accuracy"),
                    r.getAs("last_val_accuracy"),
                    r.getAs("status"),
                    r.getAs("decision")));
        }
        return List.copyOf(out);
    }

    private static Map<String, Object> schedule(StepSpec s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", s.lrSchedule().type());
        switch (s.lrSchedule().type()) {
            case "step" -> {
                m.put("step-epochs", s.lrSchedule().stepEpochs());
                m.put("gamma", s.lrSchedule().gamma());
            }
            case "per-epoch" -> m.put("factors", s.lrSchedule().factors());
            default -> {}
        }
        return m;
    }

    private static String json(Object value) {
        try {
            return new ObjectMapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

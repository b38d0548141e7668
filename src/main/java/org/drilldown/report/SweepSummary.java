package org.drilldown.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.drilldown.config.BadInput;
import org.drilldown.metrics.MetricsLocation;
import org.drilldown.metrics.MetricsReader;
import org.drilldown.metrics.ReadOnlySql;
import org.drilldown.storage.StorePath;
import org.drilldown.sweep.Dimension;
import org.drilldown.sweep.SweepManifest;
import org.drilldown.sweep.SweepPlan;

/**
 * One sweep as the {@code trials} tables recorded it: its trials ranked by best validation accuracy (never test;
 * configurations by their seeds' mean, as successive halving ranks them),
 * the values each drew, and the pruning ladder from {@code trials_history}. {@code plan} and {@code dimensions}
 * come from the sweep's manifest (eta, the epochs asked for, log or linear scale); null and empty without one.
 */
public record SweepSummary(
        String sweepId,
        String step,
        String outputDir,
        SweepPlan plan,
        List<Dimension> dimensions,
        List<TrialLine> trials,
        List<Rung> ladder) {
    public SweepSummary {
        dimensions = List.copyOf(dimensions);
        trials = List.copyOf(trials);
        ladder = List.copyOf(ladder);
    }

    /**
     * A trial's latest row; {@code values} the drawn ones by step key, as JSON nodes; bestVal null if none yet.
     * {@code configMeanBestValAccuracy}: the mean over its configuration's seeds, what successive halving ranks by.
     */
    public record TrialLine(
            String trialId,
            String runId,
            String status,
            int epochsTrained,
            Double bestValAccuracy,
            int configId,
            Double configMeanBestValAccuracy,
            Map<String, JsonNode> values) {
        public TrialLine {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values)); // in the order drawn
        }
    }

    /** One rung: its epochs, the trials that trained it and what became of them. */
    public record Rung(int rung, int epochs, int entering, int promoted, int pruned, int failed, int finished) {}

    public static SweepSummary load(SparkSession spark, MetricsLocation location, String sweepId) {
        MetricsReader.registerViews(spark, location);
        List<Row> rows = ReadOnlySql.sql(
                        spark,
                        // Configurations ranked as successive halving ranks them, by their seeds' mean best
                        // validation accuracy, one without a figure for every seed (failed, or not yet) last;
                        // then each configuration's seeds, best first.
                        "select trial_id, run_id, status, epochs_trained, best_val_accuracy, space_values, step,"
                                + " config_id, case when count(best_val_accuracy) over (partition by config_id)"
                                + " = count(*) over (partition by config_id)"
                                + " then avg(best_val_accuracy) over (partition by config_id) end as config_mean"
                                + " from trials where sweep_id = '" + sweepId + "'"
                                + " order by config_mean desc nulls last, config_id, best_val_accuracy desc nulls last,"
                                + " trial_id")
                .collectAsList();
        if (rows.isEmpty()) {
            List<String> sweeps =
                    ReadOnlySql.sql(spark, "select distinct sweep_id from trials order by sweep_id")
                            .collectAsList()
                            .stream()
                            .map(r -> r.getString(0))
                            .toList();
            throw new BadInput(
                    "no sweep '" + sweepId + "' under " + location.outputDir() + "; sweeps recorded there: " + sweeps);
        }
        List<TrialLine> trials = new ArrayList<>();
        for (Row r : rows) {
            trials.add(new TrialLine(
                    r.getString(0),
                    r.getString(1),
                    r.getString(2),
                    r.getInt(3),
                    r.isNullAt(4) ? null : r.getDouble(4),
                    r.getInt(7),
                    r.isNullAt(8) ? null : r.getDouble(8),
                    values(r.getString(5))));
        }
        SweepManifest manifest = manifest(location, sweepId);
        return new SweepSummary(
                sweepId,
                rows.get(0).getString(6),
                location.outputDir().toString(),
                manifest == null ? null : manifest.plan(),
                manifest == null ? List.of() : manifest.space().dimensions(),
                trials,
                ladder(spark, sweepId));
    }

    /** The step keys the trials drew, in the order the first trial lists them. */
    public List<String> drawnKeys() {
        Set<String> keys = new LinkedHashSet<>();
        trials.forEach(t -> keys.addAll(t.values().keySet()));
        return List.copyOf(keys);
    }

    /** Whether the manifest says {@code key} was drawn uniformly in its logarithm. */
    public boolean isLogScale(String key) {
        return dimensions.stream().anyMatch(d -> d.key().equals(key) && d.scale() == Dimension.Scale.LOG);
    }

    /** Per rung: a trial enters it with its first row there; a promotion is recorded as the next rung's row. */
    private static List<Rung> ladder(SparkSession spark, String sweepId) {
        List<Row> rows = ReadOnlySql.sql(
                        spark,
                        "select rung, max(rung_epochs), count(distinct trial_id),"
                                + " count(distinct case when decision like 'promoted%' then trial_id end),"
                                + " count(distinct case when status = 'pruned' then trial_id end),"
                                + " count(distinct case when status = 'failed' then trial_id end),"
                                + " count(distinct case when status = 'finished' then trial_id end)"
                                + " from trials_history where sweep_id = '" + sweepId + "' group by rung order by rung")
                .collectAsList();
        List<Rung> ladder = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            Row next = i + 1 < rows.size() ? rows.get(i + 1) : null;
            int promoted = next != null && next.getInt(0) == r.getInt(0) + 1 ? (int) next.getLong(3) : 0;
            ladder.add(new Rung(
                    r.getInt(0),
                    r.getInt(1),
                    (int) r.getLong(2),
                    promoted,
                    (int) r.getLong(4),
                    (int) r.getLong(5),
                    (int) r.getLong(6)));
        }
        return ladder;
    }

    private static Map<String, JsonNode> values(String json) {
        try {
            Map<String, JsonNode> values = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields =
                    new ObjectMapper().readTree(json).fields();
            fields.forEachRemaining(e -> values.put(e.getKey(), e.getValue()));
            return values;
        } catch (IOException e) {
            throw new BadInput("trials.space_values is not the JSON a sweep writes: " + json);
        }
    }

    /** The sweep's manifest, or null when {@code --out} holds its rows without it (copied tables, say). */
    private static SweepManifest manifest(MetricsLocation location, String sweepId) {
        StorePath file = SweepManifest.file(location, sweepId);
        try {
            return file.isFile() ? SweepManifest.read(location, sweepId, null) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}

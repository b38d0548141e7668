package org.drilldown.report;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.drilldown.config.BadInput;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.JobConfig;
import org.drilldown.config.TargetSpec;
import org.drilldown.metrics.MetricsLocation;
import org.drilldown.metrics.MetricsReader;
import org.drilldown.metrics.ReadOnlySql;

/**
 * One step of several runs side by side (typically the same recipe on several seeds): per run its seed, the
 * minimum test accuracy of its last target epochs and its best test and validation accuracy, then their mean,
 * standard deviation and worst case. Accuracy on 10,000 test images has a standard error of about 0.07 points,
 * so one run says little about a recipe; a distribution over seeds does.
 */
public record RunComparison(String step, TargetSpec target, List<RunLine> runs) {
    public RunComparison {
        runs = List.copyOf(runs);
    }

    /** One run's figures for the step; {@code epochs} its test accuracies in epoch order. */
    public record RunLine(
            String runId, long seed, List<Double> epochs, double lastMin, double bestTest, Double bestVal) {
        public RunLine {
            epochs = List.copyOf(epochs);
        }

        boolean targetMet(TargetSpec target) {
            return epochs.size() >= target.lastEpochs() && lastMin >= target.testAccuracy();
        }
    }

    /** Loads {@code step} of {@code runIds} (all must have trained it); the target is the first run's. */
    public static RunComparison load(SparkSession spark, MetricsLocation location, List<String> runIds, String step) {
        MetricsReader.registerViews(spark, location);
        String ids = String.join("', '", runIds);
        List<Row> runRows = ReadOnlySql.sql(
                        spark, "select run_id, seed, config from runs where run_id in ('" + ids + "')")
                .collectAsList();
        TargetSpec target = null;
        List<RunLine> lines = new ArrayList<>();
        for (String id : runIds) {
            Row run = runRows.stream()
                    .filter(r -> id.equals(r.getString(0)))
                    .findFirst()
                    .orElseThrow(() -> new BadInput("no run '" + id + "' under " + location.outputDir()));
            if (target == null) {
                JobConfig recorded = ConfigLoader.fromRecorded(run.getString(2));
                target = recorded.steps().stream()
                        .filter(s -> s.key().equals(step))
                        .findFirst()
                        .map(recorded.target()::forStep)
                        .orElse(recorded.target());
            }
            // --step is the user's text: a column filter, never pasted into SQL.
            List<Row> epochs = ReadOnlySql.sql(
                            spark, "select run_id, step, epoch, test_accuracy, val_accuracy from epochs")
                    .where(col("run_id").equalTo(id).and(col("step").equalTo(step)))
                    .orderBy("epoch")
                    .select("test_accuracy", "val_accuracy")
                    .collectAsList();
            if (epochs.isEmpty()) {
                throw new BadInput("run '" + id + "' has no epoch of step " + step
                        + "; pass --step S of a step every run trained");
            }
            lines.add(line(id, run.getLong(1), epochs, target.lastEpochs()));
        }
        return new RunComparison(step, target, lines);
    }

    private static RunLine line(String id, long seed, List<Row> epochs, int lastEpochs) {
        List<Double> test = epochs.stream().map(r -> r.getDouble(0)).toList();
        double lastMin = test.subList(Math.max(0, test.size() - lastEpochs), test.size()).stream()
                .mapToDouble(Double::doubleValue)
                .min()
                .orElse(Double.NaN);
        Double bestVal = epochs.stream()
                .filter(r -> !r.isNullAt(1))
                .map(r -> r.getDouble(1))
                .max(Double::compare)
                .orElse(null);
        return new RunLine(
                id,
                seed,
                test,
                lastMin,
                test.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                bestVal);
    }

    public double meanLastMin() {
        return runs.stream().mapToDouble(RunLine::lastMin).average().orElse(Double.NaN);
    }

    /** Sample standard deviation of the last-epochs minimum over the runs (0 for one run). */
    public double sdLastMin() {
        double mean = meanLastMin();
        double squares = runs.stream()
                .mapToDouble(r -> (r.lastMin() - mean) * (r.lastMin() - mean))
                .sum();
        return runs.size() < 2 ? 0 : Math.sqrt(squares / (runs.size() - 1));
    }

    public RunLine worst() {
        return runs.stream()
                .min(java.util.Comparator.comparingDouble(RunLine::lastMin))
                .orElseThrow();
    }

    public long targetMetCount() {
        return runs.stream().filter(r -> r.targetMet(target)).count();
    }
}

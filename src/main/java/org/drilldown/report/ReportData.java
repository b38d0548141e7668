package org.drilldown.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.drilldown.config.BadInput;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.JobConfig;
import org.drilldown.config.StepSpec;
import org.drilldown.metrics.MetricsLocation;
import org.drilldown.metrics.MetricsReader;
import org.drilldown.metrics.ReadOnlySql;
import org.drilldown.metrics.Tables;

/**
 * One run's rows from the metric tables, with the configuration it recorded. Only complete epochs
 * count: averaging rounds without their epoch row (an interrupted epoch) are left out.
 */
public record ReportData(
        Row run, JobConfig config, List<Row> dataStats, List<Row> steps, List<Row> epochs, List<Row> rounds) {

    /** Loads {@code runId}, or the most recently started run when it is null. */
    public static ReportData load(SparkSession spark, MetricsLocation location, String runId) {
        List<String> tables = MetricsReader.registerViews(spark, location);
        if (!tables.contains(Tables.RUNS)) {
            throw new BadInput("no runs table under " + location.metricsDir()
                    + "; is --out the output directory of a Drilldown run?");
        }
        List<Row> runs = ReadOnlySql.sql(spark, "select * from runs order by started_at desc")
                .collectAsList();
        Row run = runs.stream()
                .filter(r -> runId == null || runId.equals(r.getAs("run_id")))
                .findFirst()
                .orElseThrow(
                        () -> new BadInput("no run '" + runId + "' under " + location.outputDir() + "; recent runs: "
                                + runs.stream()
                                        .limit(5)
                                        .map(r -> (String) r.getAs("run_id"))
                                        .toList()));
        String id = run.getAs("run_id");
        JobConfig config = ConfigLoader.fromRecorded(run.getAs("config"));
        Comparator<Row> byStep = Comparator.comparingInt(r -> stepIndex(config, r.getAs("step")));

        List<Row> steps = rows(spark, tables, Tables.STEPS, "select * from steps where run_id = '" + id + "'");
        List<Row> epochs =
                rows(spark, tables, Tables.EPOCHS, "select * from epochs where run_id = '" + id + "' order by epoch");
        List<Row> rounds = tables.contains(Tables.EPOCHS)
                ? rows(
                        spark,
                        tables,
                        Tables.ITERATIONS,
                        "select i.* from iterations i join epochs e on i.run_id = e.run_id and i.step = e.step"
                                + " and i.epoch = e.epoch where i.run_id = '" + id + "' order by i.epoch, i.round")
                : List.of();
        return new ReportData(
                run,
                config,
                rows(
                        spark,
                        tables,
                        Tables.DATA_STATS,
                        "select * from data_stats where run_id = '" + id + "' order by split desc"),
                sorted(steps, byStep),
                sorted(epochs, byStep),
                sorted(rounds, byStep));
    }

    public String runId() {
        return run.getAs("run_id");
    }

    /** The run's configured steps that have at least one complete epoch, in run order. */
    public List<StepSpec> trainedSteps() {
        return config.steps().stream().filter(s -> !epochsOf(s.key()).isEmpty()).toList();
    }

    public List<Row> epochsOf(String step) {
        return epochs.stream().filter(r -> step.equals(r.getAs("step"))).toList();
    }

    public List<Row> roundsOf(String step) {
        return rounds.stream().filter(r -> step.equals(r.getAs("step"))).toList();
    }

    /** The step's row in table {@code steps}; null when the step did not finish. */
    public Row stepRow(String step) {
        return steps.stream()
                .filter(r -> step.equals(r.getAs("step")))
                .findFirst()
                .orElse(null);
    }

    private static List<Row> rows(SparkSession spark, List<String> tables, String table, String sql) {
        return tables.contains(table) ? ReadOnlySql.sql(spark, sql).collectAsList() : List.of();
    }

    private static List<Row> sorted(List<Row> rows, Comparator<Row> order) {
        List<Row> copy = new ArrayList<>(rows);
        copy.sort(order); // stable: keeps the SQL order (epoch, round) within a step
        return List.copyOf(copy);
    }

    private static int stepIndex(JobConfig config, String step) {
        for (int i = 0; i < config.steps().size(); i++) {
            if (config.steps().get(i).key().equals(step)) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }
}

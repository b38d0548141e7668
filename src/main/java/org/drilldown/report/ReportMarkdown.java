package org.drilldown.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.drilldown.config.JobConfig;
import org.drilldown.config.LrScaling;
import org.drilldown.config.LrSchedule;
import org.drilldown.config.StepSpec;
import org.drilldown.config.TargetSpec;

/**
 * REPORT.md in the seed's structure: per step a Target, Results and an Analysis (the one computed into
 * table {@code steps}), then the parameter and hyperparameter summary, the comparison with the seed's
 * published figures, and the outcome.
 */
final class ReportMarkdown {
    private final ReportData data;
    private final Map<String, String> charts;
    private final StringBuilder md = new StringBuilder();

    /** {@code charts}: chart file names by key ("accuracy-&lt;step&gt;", "target-&lt;step&gt;", "loss", "learning-rate"). */
    ReportMarkdown(ReportData data, Map<String, String> charts) {
        this.data = data;
        this.charts = charts;
    }

    String render() {
        Row run = data.run();
        line("# Drilldown report: run `%s`", data.runId());
        line("");
        line(
                "Status **%s**; seed %d; Spark master `%s`, %s executor(s), %s cores, %s GPUs, %d parameter-averaging"
                        + " workers, averaging every %s minibatches.",
                run.<String>getAs("status"),
                run.<Long>getAs("seed"),
                run.<String>getAs("spark_master"),
                orUnknown(run, "executors"),
                orUnknown(run, "cores"),
                orUnknown(run, "gpus"),
                run.<Integer>getAs("workers"),
                averagingEvery(run.<Integer>getAs("workers")));
        line(
                "Started %s, finished %s. Versions: %s.",
                run.getAs("started_at"),
                run.isNullAt(run.fieldIndex("finished_at")) ? "(not finished)" : run.getAs("finished_at"),
                versions(run.getAs("versions")));
        if (run.getAs("error") != null) {
            line("");
            line("Error: `%s`", run.<String>getAs("error"));
        }
        line("");
        line("Command: `%s`", run.<String>getAs("command_line"));
        dataSection();
        for (StepSpec step : data.config().steps()) {
            stepSection(step);
        }
        hyperparameters();
        againstTheSeed();
        outcome();
        curves();
        return md.toString();
    }

    private void dataSection() {
        if (data.dataStats().isEmpty()) {
            return;
        }
        line("");
        line("## Data");
        line("");
        line("| split | images | pixel mean | pixel std |");
        line("| --- | ---: | ---: | ---: |");
        for (Row s : data.dataStats()) {
            line(
                    "| %s | %,d | %.4f | %.4f |",
                    s.<String>getAs("split"), s.<Long>getAs("count"), s.<Double>getAs("mean"), s.<Double>getAs("std"));
        }
    }

    private void stepSection(StepSpec step) {
        List<Row> epochs = data.epochsOf(step.key());
        Row result = data.stepRow(step.key());
        line("");
        line("## Step %s: %s", step.key(), step.name());
        line("");
        line("%s.", step.description());
        line("");
        line("**Target**");
        line("");
        step.target().forEach(t -> line("- %s", t));
        line("");
        line("**Results**");
        line("");
        if (epochs.isEmpty()) {
            line("- Not trained: no complete epoch recorded.");
            return;
        }
        line("- Parameters: %s", params(step, result));
        line("- Best training accuracy: %.2f %%", max(epochs, "train_accuracy"));
        line("- Best test accuracy: %.2f %%", max(epochs, "test_accuracy"));
        double seconds = epochs.stream()
                .mapToDouble(r -> r.<Double>getAs("epoch_seconds") + r.<Double>getAs("eval_seconds"))
                .sum();
        double images =
                epochs.stream().mapToDouble(r -> r.<Long>getAs("train_images")).sum();
        double fitSeconds = epochs.stream()
                .mapToDouble(r -> r.<Double>getAs("epoch_seconds"))
                .sum();
        line(
                "- Epochs: %d of %d, %.1f min (training %.0f images/s)",
                epochs.size(), step.epochs(), seconds / 60, images / fitSeconds);
        line(
                "- Test accuracy per epoch: %s",
                String.join(
                        " ",
                        epochs.stream()
                                .map(r -> f("%.2f", r.<Double>getAs("test_accuracy")))
                                .toList()));
        line("");
        line("**Analysis**");
        line("");
        line(
                "%s",
                result != null
                        ? result.<String>getAs("analysis")
                        : f("The step did not finish: %d of %d epochs are complete.", epochs.size(), step.epochs()));
        line("");
        line("![step %s accuracy](%s)", step.key(), charts.get("accuracy-" + step.key()));
    }

    /** "10", or per step where keep-batch averages some after every minibatch: "1 (steps 1, 2, 3) and 10 (step 4)". */
    private String averagingEvery(int workers) {
        JobConfig config = data.config();
        Map<Integer, List<String>> steps = new TreeMap<>();
        for (StepSpec s : config.steps()) {
            steps.computeIfAbsent(
                            config.lrScaling().averagingFrequency(config.averagingFrequency(), s.batchSize(), workers),
                            k -> new ArrayList<>())
                    .add(s.key());
        }
        if (steps.size() == 1) {
            return String.valueOf(steps.keySet().iterator().next());
        }
        return steps.entrySet().stream()
                .map(e -> e.getKey() + " (step" + (e.getValue().size() > 1 ? "s " : " ")
                        + String.join(", ", e.getValue()) + ")")
                .collect(Collectors.joining(" and "));
    }

    private void hyperparameters() {
        int workers = data.run().<Integer>getAs("workers");
        LrScaling scaling = data.config().lrScaling();
        line("");
        line("## Parameters and hyperparameters");
        line("");
        line(
                "Learning rates are configured for one process; each of the %d workers trains at the configured rate"
                        + " scaled by drilldown.training.lr-scaling (%s).",
                workers,
                String.join(
                        "; ",
                        data.trainedSteps().stream()
                                .map(s -> scaling.describe(s.batchSize(), workers))
                                .distinct()
                                .toList()));
        line("");
        line(
                "| step | params | batch | optimiser | learning rate (configured) | per worker | schedule | weight decay | rotation | dropout | BatchNorm | epochs |");
        line("| --- | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: |");
        for (StepSpec s : data.trainedSteps()) {
            line(
                    "| %s | %s | %s | Nesterov momentum %.2f | %s | %s | %s | %s | ±%.1f° | %.2f | %s | %d |",
                    s.key(),
                    params(s, data.stepRow(s.key())),
                    ConsoleProgress.batch(s.batchSize(), scaling.workerBatch(s.batchSize(), workers)),
                    s.momentum(),
                    num(s.learningRate()),
                    num(s.learningRate() * scaling.multiplier(s.batchSize(), workers)),
                    schedule(s.lrSchedule()),
                    num(s.weightDecay()),
                    s.rotationDegrees(),
                    s.dropout(),
                    s.batchNorm() ? "yes" : "no",
                    s.epochs());
        }
    }

    private void againstTheSeed() {
        line("");
        line("## Against the seed");
        line("");
        line(
                "| step | params | seed's params | best train | seed's best train | best test | seed's best test | test difference |");
        line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (StepSpec s : data.trainedSteps()) {
            List<Row> epochs = data.epochsOf(s.key());
            double test = max(epochs, "test_accuracy");
            line(
                    "| %s | %s | %s | %.2f %% | %s | %.2f %% | %s | %s |",
                    s.key(),
                    params(s, data.stepRow(s.key())),
                    // A step with no published Result (step 5) is not the seed's: its expected count is Drilldown's.
                    s.expectedParams() > 0 && s.referenceBestTestAccuracy() > 0 ? f("%,d", s.expectedParams()) : "-",
                    max(epochs, "train_accuracy"),
                    percent(s.referenceBestTrainAccuracy()),
                    test,
                    percent(s.referenceBestTestAccuracy()),
                    s.referenceBestTestAccuracy() > 0 ? f("%+.2f points", test - s.referenceBestTestAccuracy()) : "-");
        }
    }

    private void outcome() {
        TargetSpec t = data.config().target();
        line("");
        line("## Outcome");
        line("");
        line(
                "The exercise: test accuracy ≥ %.2f %% in each of the last %d epochs, fewer than %,d parameters, at most %d epochs.",
                t.testAccuracy(), t.lastEpochs(), t.maxParams(), t.maxEpochs());
        line("");
        for (StepSpec s : data.trainedSteps()) {
            Row r = data.stepRow(s.key());
            TargetSpec own = t.forStep(s);
            String against = own.equals(t)
                    ? ""
                    : f(
                            " against its own bar, ≥ %.2f %% and fewer than %,d parameters",
                            own.testAccuracy(), own.maxParams());
            if (r == null) {
                line("- Step %s: did not finish.", s.key());
            } else {
                line(
                        "- Step %s: %s%s (last %d epochs %.2f-%.2f %%, %s parameters, %d epochs).",
                        s.key(),
                        r.<Boolean>getAs("target_met") ? "**target met**" : "target not met",
                        against,
                        t.lastEpochs(),
                        r.<Double>getAs("last3_min_test_accuracy"),
                        r.<Double>getAs("last3_max_test_accuracy"),
                        params(s, r),
                        r.<Integer>getAs("epochs"));
            }
        }
        if (!data.trainedSteps().isEmpty()) {
            StepSpec last = data.trainedSteps().get(data.trainedSteps().size() - 1);
            line("");
            line("![step %s against the target](%s)", last.key(), charts.get("target-" + last.key()));
        }
    }

    private void curves() {
        line("");
        line("## Curves");
        line("");
        line("Training loss: the workers' mean loss on their last minibatch of each averaging round "
                + "(rotated images, dropout on).");
        line("");
        line("![training loss](%s)", charts.get("loss"));
        line("");
        line("![learning rate](%s)", charts.get("learning-rate"));
    }

    private static String params(StepSpec step, Row result) {
        if (result != null) {
            return f("%,d", result.<Long>getAs("params"));
        }
        return step.expectedParams() > 0 ? f("%,d", step.expectedParams()) : "-";
    }

    private static String schedule(LrSchedule s) {
        return switch (s.type()) {
            case "constant" -> "constant";
            case "per-epoch" -> "× "
                    + s.factors().stream().map(ReportMarkdown::num).collect(Collectors.joining(", ")) + " by epoch";
            default -> f("×%s every %d epochs", num(s.gamma()), s.stepEpochs());
        };
    }

    private static String versions(String json) {
        try {
            JsonNode v = new ObjectMapper().readTree(json);
            return f(
                    "Drilldown %s (commit %s), Spark %s, DL4J %s, dl4j-spark %s, ND4J %s (%s), Java %s",
                    v.path("drilldown").asText("?"),
                    v.path("drilldown-commit").asText("?"),
                    v.path("spark").asText("?"),
                    v.path("dl4j").asText("?"),
                    v.path("dl4j-spark").asText("?"),
                    v.path("nd4j").asText("?"),
                    v.path("nd4j-backend").asText("?"),
                    v.path("java").asText("?"));
        } catch (java.io.IOException e) {
            return "`" + json + "`";
        }
    }

    /** Columns added after a run was recorded read back as null (Parquet schema merging). */
    private static String orUnknown(Row row, String column) {
        Object value = row.getAs(column);
        return value == null ? "?" : value.toString();
    }

    private static double max(List<Row> rows, String column) {
        return rows.stream().mapToDouble(r -> r.<Double>getAs(column)).max().orElse(Double.NaN);
    }

    private static String percent(double value) {
        return value > 0 ? f("%.2f %%", value) : "-";
    }

    private static String num(double value) {
        return f("%s", java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString());
    }

    private void line(String format, Object... args) {
        md.append(args.length == 0 ? format : f(format, args)).append('\n');
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}

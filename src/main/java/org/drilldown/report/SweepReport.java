package org.drilldown.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.drilldown.storage.StorePath;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendPosition;

/** REPORT.md of a {@link SweepSummary}: the best trials, one chart per drawn value, the pruning ladder. */
public final class SweepReport {
    private SweepReport() {}

    /** The report directory's name under {@code <out>/report/}. */
    public static String name(String sweepId) {
        return "sweep-" + sweepId;
    }

    /** Writes {@code reportRoot/sweep-<id>/} whole; returns its REPORT.md. */
    public static StorePath write(SweepSummary s, StorePath reportRoot) throws IOException {
        return ReportWriter.writeWhole(reportRoot, name(s.sweepId()), dir -> {
            Map<String, String> charts = new LinkedHashMap<>();
            for (String key : s.drawnKeys()) {
                charts.put(key, chart(s, key, dir));
            }
            Files.writeString(dir.resolve("REPORT.md"), markdown(s, charts));
        });
    }

    /** {@code charts}: per drawn key its chart's file name, or null when there is nothing to plot. */
    static String markdown(SweepSummary s, Map<String, String> charts) {
        StringBuilder md = new StringBuilder();
        md.append(f(
                "# Sweep %s: step %s, %d trials%n%n",
                s.sweepId(), s.step(), s.trials().size()));
        String rungs = s.ladder().stream().map(r -> String.valueOf(r.epochs())).collect(Collectors.joining(", "));
        if (s.plan() != null) {
            md.append(f(
                    "%d configurations drawn from the space, %d seed%s each; successive halving with eta %d up to"
                            + " %d epochs. Rungs recorded: %s epochs.%n%n",
                    s.plan().configs(),
                    s.plan().seeds(),
                    s.plan().seeds() == 1 ? "" : "s",
                    s.plan().eta(),
                    s.plan().epochs(),
                    rungs));
        } else {
            md.append(f(
                    "No sweep.json under %s/sweeps/%s (eta unknown). Rungs recorded: %s epochs.%n%n",
                    s.outputDir(), s.sweepId(), rungs));
        }
        bestTrials(s, md);
        md.append(f("%n## Hyperparameters against validation accuracy%n%n"));
        charts.forEach((key, file) -> {
            if (file == null) {
                md.append(f("`%s`: no chart (no trial has a validation accuracy yet).%n%n", key));
                return;
            }
            md.append(f("![%s against best validation accuracy](%s)%n%n", key, file));
            Map<String, String> choices = choices(s, key);
            if (choices != null) {
                choices.forEach((value, label) -> md.append(f("- %s: `%s`%n", label, value)));
                md.append(f("%n"));
            }
        });
        ladder(s, md);
        s.trials().stream()
                .filter(t -> t.bestValAccuracy() != null)
                .findFirst()
                .ifPresent(best -> md.append(f(
                        "%n## Reproducing the best trial%n%n`scripts/reproduce.sh %s --out %s` trains trial %s's run again"
                                + " from its manifest and compares each epoch's parameters.%n",
                        best.runId(), s.outputDir(), best.trialId())));
        return md.toString();
    }

    private static void bestTrials(SweepSummary s, StringBuilder md) {
        List<String> keys = s.drawnKeys();
        boolean seeds = s.trials().stream()
                        .map(SweepSummary.TrialLine::configId)
                        .distinct()
                        .count()
                < s.trials().size();
        md.append(f(
                "## Best trials%n%nRanked by best validation accuracy (never test)%s; a pruned trial stopped at"
                        + " fewer epochs than a finished one.%n%n",
                seeds ? ", each configuration by its seeds' mean, as successive halving ranks them" : ""));
        md.append("| rank | trial | run | status | epochs | best validation |");
        if (seeds) {
            md.append(" configuration mean |");
        }
        keys.forEach(k -> md.append(" ").append(k).append(" |"));
        md.append("\n| ---: | --- | --- | --- | ---: | ---: |")
                .append(seeds ? " ---: |" : "")
                .append(" ---: |".repeat(keys.size()));
        md.append("\n");
        int rank = 0;
        Integer config = null;
        for (SweepSummary.TrialLine t : s.trials()) {
            if (!seeds || config == null || config != t.configId()) {
                rank++; // a configuration's seeds share its rank
            }
            config = t.configId();
            md.append(f(
                    "| %d | `%s` | `%s` | %s | %d | %s |",
                    rank, t.trialId(), t.runId(), t.status(), t.epochsTrained(), percent(t.bestValAccuracy())));
            if (seeds) {
                md.append(" ").append(percent(t.configMeanBestValAccuracy())).append(" |");
            }
            keys.forEach(k -> md.append(" ").append(cell(t.values().get(k))).append(" |"));
            md.append("\n");
        }
    }

    private static String percent(Double accuracy) {
        return accuracy == null ? "—" : f("%.2f %%", accuracy);
    }

    private static void ladder(SweepSummary s, StringBuilder md) {
        md.append(f("## Pruning ladder%n%n"));
        md.append("| rung | epochs | entering | promoted | pruned | failed | finished |\n");
        md.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (SweepSummary.Rung r : s.ladder()) {
            md.append(f(
                    "| %d | %d | %d | %d | %d | %d | %d |%n",
                    r.rung(), r.epochs(), r.entering(), r.promoted(), r.pruned(), r.failed(), r.finished()));
        }
    }

    private static String cell(JsonNode value) {
        if (value == null) {
            return "—";
        }
        if (value.isNumber()) { // four significant digits, no trailing zeros: 0.08199, 0.05, 64
            return value.decimalValue()
                    .round(new MathContext(4))
                    .stripTrailingZeros()
                    .toPlainString();
        }
        return "`" + value + "`";
    }

    /**
     * The labels of a key whose drawn values are not all numbers (schedules, layer lists): each distinct value,
     * in the order the trials first show it, to "choice A", "choice B", …; null when every value is a number.
     */
    static Map<String, String> choices(SweepSummary s, String key) {
        Map<String, String> labels = new LinkedHashMap<>();
        boolean numbers = true;
        for (SweepSummary.TrialLine t : s.trials()) {
            JsonNode value = t.values().get(key);
            if (value != null) {
                numbers &= value.isNumber();
                labels.computeIfAbsent(value.toString(), v -> "choice " + (char) ('A' + labels.size()));
            }
        }
        return numbers ? null : labels;
    }

    /**
     * One point per trial with a validation accuracy, a series per status; null when there is nothing to plot.
     * Values that are not numbers make a series per choice instead, each at its own place ({@link #choices}).
     */
    private static String chart(SweepSummary s, String key, Path dir) throws IOException {
        Map<String, String> choices = choices(s, key);
        List<String> labels = choices == null ? List.of() : List.copyOf(choices.values());
        Map<String, List<double[]>> byStatus = new LinkedHashMap<>(); // or by choice
        for (SweepSummary.TrialLine t : s.trials()) {
            JsonNode value = t.values().get(key);
            if (value == null || t.bestValAccuracy() == null) {
                continue;
            }
            // A choice's points make one series, named by its label, at its own place on the x axis.
            String series = choices == null ? t.status() : choices.get(value.toString());
            double x = choices == null ? value.asDouble() : labels.indexOf(series) + 1;
            byStatus.computeIfAbsent(series, k -> new ArrayList<>()).add(new double[] {x, t.bestValAccuracy()});
        }
        if (byStatus.isEmpty()) {
            return null;
        }
        boolean log = s.isLogScale(key);
        XYChart chart = new XYChartBuilder()
                .width(800)
                .height(450)
                .title("Sweep " + s.sweepId() + ": " + key + " against best validation accuracy")
                .xAxisTitle(key
                        + (log
                                ? " (log scale)"
                                : choices != null ? " (a series per choice, listed under the chart)" : ""))
                .yAxisTitle("best validation accuracy (%)")
                .build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendPosition(LegendPosition.OutsideS); // inside, it hid points
        if (choices != null) {
            // The legend names the choices; XChart's number ticks would mean nothing on this axis.
            chart.getStyler().setXAxisMin(0.5).setXAxisMax(labels.size() + 0.5).setXAxisTicksVisible(false);
        }
        if (log) {
            // XChart labels a log axis only at powers of ten: widen it to the decades around the values.
            double[] xs = byStatus.values().stream()
                    .flatMap(List::stream)
                    .mapToDouble(p -> p[0])
                    .toArray();
            chart.getStyler()
                    .setXAxisLogarithmic(true)
                    .setXAxisMin(Math.pow(
                            10, Math.floor(Math.log10(Arrays.stream(xs).min().orElseThrow()))))
                    .setXAxisMax(Math.pow(
                            10, Math.ceil(Math.log10(Arrays.stream(xs).max().orElseThrow()))));
        }
        byStatus.forEach((status, points) -> chart.addSeries(
                status,
                points.stream().map(p -> p[0]).toList(),
                points.stream().map(p -> p[1]).toList()));
        String file = "hyperparameter-" + key + ".png";
        BitmapEncoder.saveBitmap(chart, dir.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}

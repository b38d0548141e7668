package org.drilldown.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.drilldown.storage.StorePath;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** REPORT.md and one chart for a {@link RunComparison}, written whole like a run's report. */
public final class ComparisonReport {
    static final String CHART = "test-accuracy-across-runs";

    private ComparisonReport() {}

    /** Writes {@code reportRoot/name/}; returns its REPORT.md. */
    public static StorePath write(RunComparison c, StorePath reportRoot, String name) throws IOException {
        return ReportWriter.writeWhole(reportRoot, name, dir -> {
            chart(c, dir);
            Files.writeString(dir.resolve("REPORT.md"), markdown(c));
        });
    }

    static String markdown(RunComparison c) {
        StringBuilder md = new StringBuilder();
        int last = c.target().lastEpochs();
        md.append(f("# Step %s across %d runs%n%n", c.step(), c.runs().size()));
        md.append(f(
                "Target: each of the last %d epochs at >= %.2f %% test accuracy.%n%n",
                last, c.target().testAccuracy()));
        md.append(f("| run | seed | epochs | last-%d minimum | best test | best validation | target |%n", last));
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (RunComparison.RunLine r : c.runs()) {
            md.append(f(
                    "| `%s` | %d | %d | %.2f %% | %.2f %% | %s | %s |%n",
                    r.runId(),
                    r.seed(),
                    r.epochs().size(),
                    r.lastMin(),
                    r.bestTest(),
                    r.bestVal() == null ? "—" : f("%.2f %%", r.bestVal()),
                    r.targetMet(c.target()) ? "met" : "not met"));
        }
        RunComparison.RunLine worst = c.worst();
        md.append(f(
                "%nLast-%d minimum over the runs: mean %.3f %%, standard deviation %.3f points, worst %.2f %% (`%s`,"
                        + " seed %d). Target met on %d of %d runs.%n%n",
                last,
                c.meanLastMin(),
                c.sdLastMin(),
                worst.lastMin(),
                worst.runId(),
                worst.seed(),
                c.targetMetCount(),
                c.runs().size()));
        md.append(f("![Test accuracy per epoch of every run](%s.png)%n", CHART));
        return md.toString();
    }

    private static void chart(RunComparison c, Path dir) throws IOException {
        XYChart chart = new XYChartBuilder()
                .width(800)
                .height(450)
                .title("Step " + c.step() + ": test accuracy per epoch, "
                        + c.runs().size() + " runs")
                .xAxisTitle("epoch")
                .yAxisTitle("test accuracy (%)")
                .build();
        int epochs = 1;
        double floor = c.target().testAccuracy() - 0.5;
        for (RunComparison.RunLine r : c.runs()) {
            List<Integer> x =
                    IntStream.rangeClosed(1, r.epochs().size()).boxed().toList();
            chart.addSeries(r.runId() + " (seed " + r.seed() + ")", x, r.epochs())
                    .setMarker(SeriesMarkers.NONE);
            epochs = Math.max(epochs, r.epochs().size());
            List<Double> laterHalf =
                    r.epochs().subList(r.epochs().size() / 2, r.epochs().size());
            floor = Math.min(
                    floor,
                    laterHalf.stream().mapToDouble(Double::doubleValue).min().orElse(floor));
        }
        double target = c.target().testAccuracy();
        XYSeries line =
                chart.addSeries(f("target %.2f %%", target), new double[] {1, epochs}, new double[] {target, target});
        line.setMarker(SeriesMarkers.NONE);
        chart.getStyler().setYAxisMin(Math.floor(floor * 10) / 10).setYAxisMax(100.0);
        chart.getStyler().setLegendPosition(LegendPosition.OutsideS); // inside, it hid the last epochs
        BitmapEncoder.saveBitmap(chart, dir.resolve(CHART).toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** The runs in the order given, as a report directory name. */
    public static String name(String step, List<String> runIds) {
        List<String> parts = new ArrayList<>(List.of("step-" + step, runIds.get(0)));
        if (runIds.size() > 1) {
            parts.add("and-" + (runIds.size() - 1) + "-more");
        }
        return String.join("-", parts);
    }
}

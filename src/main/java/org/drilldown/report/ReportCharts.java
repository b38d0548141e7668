package org.drilldown.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.drilldown.config.StepSpec;
import org.drilldown.config.TrainAccuracy;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's PNG charts, drawn with XChart from a run's rows. Each method returns the file name it wrote. */
final class ReportCharts {
    private static final int WIDTH = 800;
    private static final int HEIGHT = 450;

    private final ReportData data;
    private final Path dir;

    ReportCharts(ReportData data, Path dir) {
        this.data = data;
        this.dir = dir;
    }

    /** Train and test accuracy per epoch of one step, with the target line. */
    String accuracy(StepSpec step) throws IOException {
        List<Row> epochs = data.epochsOf(step.key());
        XYChart chart =
                chart("Step " + step.key() + " (" + step.name() + "): accuracy per epoch", "epoch", "accuracy (%)");
        String train = data.config().trainAccuracy() == TrainAccuracy.FITTED_BATCHES
                ? "train (minibatches as fitted: rotated, dropout on)"
                : "train (after the epoch: rotated sample, dropout off)";
        series(chart, train, column(epochs, "epoch"), column(epochs, "train_accuracy"));
        series(chart, "test", column(epochs, "epoch"), column(epochs, "test_accuracy"));
        targetLine(chart, step, epochs.size());
        chart.getStyler().setLegendPosition(LegendPosition.InsideSE);
        return save(chart, "accuracy-step-" + step.key());
    }

    /**
     * Training loss of every averaging round (mean of the workers' last minibatch), on an epoch axis so
     * that steps with different batch sizes share it; per-epoch train loss where rounds were not recorded.
     */
    String loss() throws IOException {
        XYChart chart = chart("Training loss", "epoch", "loss");
        for (StepSpec step : data.trainedSteps()) {
            List<Row> rounds = data.roundsOf(step.key());
            if (rounds.isEmpty()) {
                List<Row> epochs = data.epochsOf(step.key());
                series(
                        chart,
                        "step " + step.key() + " (per epoch)",
                        column(epochs, "epoch"),
                        column(epochs, "train_loss"));
                continue;
            }
            Map<Integer, Integer> roundsPerEpoch = new LinkedHashMap<>();
            rounds.forEach(r -> roundsPerEpoch.merge(r.<Integer>getAs("epoch"), 1, Integer::sum));
            List<Double> x = new ArrayList<>();
            for (Row r : rounds) {
                int epoch = r.getAs("epoch");
                x.add(epoch - 1 + r.<Integer>getAs("round") / (double) roundsPerEpoch.get(epoch));
            }
            XYSeries s = series(chart, "step " + step.key(), x, column(rounds, "loss"));
            s.setMarker(SeriesMarkers.NONE);
        }
        return save(chart, "loss"); // linear: XChart labels a log axis only at powers of ten
    }

    /** The learning rate each step used per epoch. */
    String learningRate() throws IOException {
        XYChart chart = chart("Learning rate per epoch", "epoch", "learning rate (log scale)");
        for (StepSpec step : data.trainedSteps()) {
            List<Row> epochs = data.epochsOf(step.key());
            series(chart, "step " + step.key(), column(epochs, "epoch"), column(epochs, "learning_rate"));
        }
        chart.getStyler().setYAxisLogarithmic(true);
        return save(chart, "learning-rate");
    }

    /** A step's test accuracy per epoch, its last target epochs marked, against the target line. */
    String targetBand(StepSpec step) throws IOException {
        List<Row> epochs = data.epochsOf(step.key());
        int last = data.config().target().lastEpochs();
        List<Row> band = epochs.subList(Math.max(0, epochs.size() - last), epochs.size());
        XYChart chart = chart(
                "Step " + step.key() + ": test accuracy and the last " + last + " epochs",
                "epoch",
                "test accuracy (%)");
        series(chart, "test", column(epochs, "epoch"), column(epochs, "test_accuracy"));
        XYSeries lastSeries =
                series(chart, "last " + last + " epochs", column(band, "epoch"), column(band, "test_accuracy"));
        lastSeries.setMarker(SeriesMarkers.DIAMOND);
        targetLine(chart, step, epochs.size());
        double floor = Math.min(
                data.config().target().forStep(step).testAccuracy() - 0.5,
                epochs.stream()
                        .skip(epochs.size() / 2)
                        .mapToDouble(r -> r.<Double>getAs("test_accuracy"))
                        .min()
                        .orElse(98));
        chart.getStyler().setYAxisMin(Math.floor(floor * 10) / 10).setYAxisMax(100.0);
        chart.getStyler().setLegendPosition(LegendPosition.InsideSE);
        return save(chart, "target-step-" + step.key());
    }

    private void targetLine(XYChart chart, StepSpec step, int epochs) {
        double target = data.config().target().forStep(step).testAccuracy();
        XYSeries line = chart.addSeries(
                String.format(java.util.Locale.ROOT, "target %.2f %%", target),
                new double[] {1, Math.max(1, epochs)},
                new double[] {target, target});
        line.setMarker(SeriesMarkers.NONE);
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle(x)
                .yAxisTitle(y)
                .build();
        chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
        return chart;
    }

    private static XYSeries series(XYChart chart, String name, List<? extends Number> x, List<? extends Number> y) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.CIRCLE);
        return s;
    }

    private static List<Double> column(List<Row> rows, String name) {
        return rows.stream().map(r -> ((Number) r.getAs(name)).doubleValue()).toList();
    }

    private String save(XYChart chart, String name) throws IOException {
        String file = name + ".png";
        BitmapEncoder.saveBitmap(chart, dir.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }
}

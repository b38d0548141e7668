package org.drilldown.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.drilldown.SharedSpark;
import org.drilldown.config.ConfigLoader;
import org.drilldown.metrics.MetricsLocation;
import org.drilldown.sweep.SearchSpace;
import org.drilldown.sweep.SweepPlan;
import org.drilldown.sweep.Trial;
import org.drilldown.sweep.TrialResult;
import org.drilldown.sweep.TrialsTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report ranks a sweep's configurations as successive halving does: by their seeds' mean. */
class SweepSummaryTest {
    @TempDir
    Path out;

    @Test
    void configurationsRankByTheirSeedsMeanValidationAccuracyNotByTheirBestSeed() throws Exception {
        String base = ConfigLoader.load(null, Map.of("drilldown.run-steps", List.of("4")))
                .resolvedJson();
        Path space = Files.writeString(out.resolve("s.conf"), "sweep.space.learning-rate { range = [0.01, 0.1] }");
        List<Trial> trials = new SweepPlan("m1", "4", 2, 2, 2, 2, 1, 1).trials(SearchSpace.load(space), base, "s.conf");
        MetricsLocation location = new MetricsLocation(out);
        TrialsTable table = new TrialsTable(SharedSpark.get(), location, base);
        // c00: 99.0 and 98.0 (mean 98.5) holds the single best trial; c01: 98.9 and 98.8 (mean 98.85) ranks first.
        Map<String, Double> val = Map.of("c00-s0", 99.0, "c00-s1", 98.0, "c01-s0", 98.9, "c01-s1", 98.8);
        for (Trial t : trials) {
            double v = val.get(t.id());
            table.record(t, 0, 2, new TrialResult(2, v, v, null), TrialsTable.FINISHED, "finished");
        }

        SweepSummary summary = SweepSummary.load(SharedSpark.get(), location, "m1");
        assertThat(summary.trials())
                .extracting(SweepSummary.TrialLine::trialId)
                .containsExactly("c01-s0", "c01-s1", "c00-s0", "c00-s1");
        assertThat(summary.trials().get(0).configMeanBestValAccuracy())
                .isCloseTo(98.85, org.assertj.core.data.Offset.offset(1e-9));
        String md = SweepReport.markdown(summary, Map.of());
        assertThat(md)
                .contains("| rank | trial | run | status | epochs | best validation | configuration mean |")
                .containsPattern("\\| 1 \\| `c01-s0` \\|.*\\| 98\\.90 % \\| 98\\.85 % \\|")
                .containsPattern("\\| 1 \\| `c01-s1` \\|.*\\| 98\\.80 % \\| 98\\.85 % \\|")
                .containsPattern("\\| 2 \\| `c00-s0` \\|.*\\| 99\\.00 % \\| 98\\.50 % \\|");
    }

    /** A choice of schedules is charted too: each schedule at its letter's place, the letters listed under it. */
    @Test
    void aChoiceThatIsNotANumberGetsAChartWithItsChoicesListed() throws Exception {
        String base = ConfigLoader.load(null, Map.of("drilldown.run-steps", List.of("4")))
                .resolvedJson();
        Path space = Files.writeString(
                out.resolve("s.conf"),
                "sweep.space.lr-schedule { choices = [{ type = \"step\", step-epochs = 5, gamma = 0.1 },"
                        + " { type = \"step\", step-epochs = 3, gamma = 0.5 }] }");
        List<Trial> trials = new SweepPlan("m2", "4", 4, 1, 2, 2, 1, 1).trials(SearchSpace.load(space), base, "s.conf");
        MetricsLocation location = new MetricsLocation(out);
        TrialsTable table = new TrialsTable(SharedSpark.get(), location, base);
        for (Trial t : trials) {
            double v = 98 + t.configId() / 10.0;
            table.record(t, 0, 2, new TrialResult(2, v, v, null), TrialsTable.FINISHED, "finished");
        }
        SweepSummary summary = SweepSummary.load(SharedSpark.get(), location, "m2");
        assertThat(SweepReport.choices(summary, "lr-schedule"))
                .hasSizeBetween(1, 2)
                .containsValue("choice A");

        org.drilldown.storage.StorePath report = SweepReport.write(summary, location.reportsDir());
        String md = Files.readString(report.local());
        assertThat(md)
                .contains("![lr-schedule against best validation accuracy](hyperparameter-lr-schedule.png)")
                .containsPattern("- choice A: `\\{.*\"type\":\"step\".*\\}`");
        assertThat(out.resolve("report/sweep-m2/hyperparameter-lr-schedule.png"))
                .isNotEmptyFile();
    }

    /** A trials table edited by hand: the report names the column and the value instead of a Jackson trace. */
    @Test
    void spaceValuesThatAreNotJsonAreRefusedWithTheValue() throws Exception {
        String base = ConfigLoader.load(null, Map.of("drilldown.run-steps", List.of("4")))
                .resolvedJson();
        Path space = Files.writeString(out.resolve("s.conf"), "sweep.space.learning-rate { range = [0.01, 0.1] }");
        MetricsLocation location = new MetricsLocation(out);
        TrialsTable table = new TrialsTable(SharedSpark.get(), location, base);
        for (Trial t : new SweepPlan("m3", "4", 1, 1, 2, 2, 1, 1).trials(SearchSpace.load(space), base, "s.conf")) {
            table.record(t, 0, 2, new TrialResult(2, 98.0, 98.0, null), TrialsTable.FINISHED, "finished");
        }
        Path trials = location.table("trials").local();
        Path edited = out.resolve("edited");
        SharedSpark.get()
                .read()
                .parquet(trials.toString())
                .withColumn("space_values", org.apache.spark.sql.functions.lit("{learning-rate: 0.05"))
                .write()
                .parquet(edited.toString());
        try (var files = Files.list(trials)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        try (var files = Files.list(edited)) {
            for (Path f : files.toList()) {
                Files.move(f, trials.resolve(f.getFileName()));
            }
        }

        assertThatThrownBy(() -> SweepSummary.load(SharedSpark.get(), location, "m3"))
                .isInstanceOf(org.drilldown.config.BadInput.class)
                .hasMessage("trials.space_values is not the JSON a sweep writes: {learning-rate: 0.05");
    }
}

package org.drilldown.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.drilldown.MetricsFixtures;
import org.drilldown.SharedSpark;
import org.drilldown.config.TargetSpec;
import org.drilldown.data.MnistData;
import org.drilldown.metrics.MetricsLocation;
import org.drilldown.metrics.MetricsWriter;
import org.drilldown.train.RunInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --resume} over tables that no longer match the run's manifest (moved, pruned, edited): one line
 * naming what is wrong, exit 2, and nothing written.
 */
class ResumeFromDamagedTablesTest {
    @TempDir
    Path tmp;

    @Test
    void aRunWhoseRowsAreGoneIsNamed() throws Exception {
        MetricsLocation out = tablesOf("other");
        writeManifest(out, "gone");
        Console c =
                Console.run("run", "--resume", "gone", "--out", out.outputDir().toString());
        assertRefused(c, "no run 'ID' in the tables under OUT/metrics");
        assertThat(c.err()).contains("'gone'", out.metricsDir().toString());
    }

    @Test
    void anEpochRecordedTwiceIsRefusedWithTheRows() throws Exception {
        MetricsLocation out = tablesOf("twice");
        MetricsWriter writer = new MetricsWriter(SharedSpark.get(), out, new TargetSpec(99.4, 3, 10000, 15));
        writer.onEpochEnd(MetricsFixtures.run("twice"), MetricsFixtures.epoch(1)); // epoch 1 of step 4, again
        writeManifest(out, "twice");
        String before = history(out);
        Console c =
                Console.run("run", "--resume", "twice", "--out", out.outputDir().toString());
        assertRefused(c, "run 'ID' step S has epoch rows [1, 1], not 1..n once each; it cannot be resumed");
        assertThat(c.err()).contains("run 'twice' step 4 has epoch rows [1, 1]");
        assertThat(history(out))
                .as("the refusal appends no runs row")
                .isEqualTo(before)
                .contains("twice,running");
    }

    /** Tables holding an interrupted run {@code id}: its start and epoch 1 of step 4, no outcome. */
    private MetricsLocation tablesOf(String id) {
        MetricsLocation out = new MetricsLocation(tmp.resolve("out"));
        MetricsWriter writer = new MetricsWriter(SharedSpark.get(), out, new TargetSpec(99.4, 3, 10000, 15));
        RunInfo run = MetricsFixtures.run(id);
        writer.onRunStart(run);
        writer.onEpochEnd(run, MetricsFixtures.epoch(1));
        return out;
    }

    /** The manifest --resume reads first: the data files' checksums match, so the tables are what is read next. */
    private void writeManifest(MetricsLocation out, String id) throws Exception {
        Path data = TinyMnist.write(tmp.resolve("mnist"));
        Files.createDirectories(out.runDir(id).local());
        Files.writeString(
                out.manifest(id).local(),
                ErrorsDocTest.manifest(data, MnistData.load(data, 0, 0, 0).checksums()));
    }

    private static String history(MetricsLocation out) {
        return Console.run(
                        "query",
                        "--out",
                        out.outputDir().toString(),
                        "--format",
                        "csv",
                        "select run_id, status from runs_history order by run_id, status")
                .out();
    }

    private static void assertRefused(Console c, String documented) {
        assertThat(c.exitCode()).as(c.err()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err()).hasLineCount(1).doesNotContain("\tat ");
        assertThat(c.err().strip().substring("drilldown: ".length())).matches(ErrorsDoc.strict(documented));
        assertThat(ErrorsDoc.messages()).contains(documented);
    }
}

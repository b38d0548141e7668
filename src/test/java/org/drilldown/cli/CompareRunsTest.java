package org.drilldown.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.drilldown.SharedSpark;
import org.drilldown.config.TargetSpec;
import org.drilldown.metrics.MetricsLocation;
import org.drilldown.metrics.MetricsWriter;
import org.drilldown.train.EpochResult;
import org.drilldown.train.RunInfo;
import org.drilldown.train.Score;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code report --runs}: one step of several runs (one recipe on several seeds) as a distribution, with a chart. */
class CompareRunsTest {
    @TempDir
    Path out;

    @Test
    void twoSeedsGiveTheirMinimaMeanSpreadAndWorstCase() throws Exception {
        write("s1", 1, 99.00, 99.41, 99.45, 99.50);
        write("s2", 2, 99.20, 99.45, 99.38, 99.47);

        Console c = Console.run("report", "--out", out.toString(), "--runs", "s1,s2");
        assertThat(c.exitCode()).as(c.err()).isZero();
        Path dir = out.resolve("report/step-4-s1-and-1-more");
        String md = Files.readString(dir.resolve("REPORT.md"));
        assertThat(md)
                .contains("# Step 4 across 2 runs")
                .contains("| `s1` | 1 | 4 | 99.41 % | 99.50 % | 98.00 % | met |")
                .contains("| `s2` | 2 | 4 | 99.38 % | 99.47 % | 98.00 % | not met |")
                .contains("mean 99.395 %, standard deviation 0.021 points, worst 99.38 % (`s2`, seed 2)."
                        + " Target met on 1 of 2 runs.");
        assertThat(javax.imageio.ImageIO.read(
                                dir.resolve("test-accuracy-across-runs.png").toFile())
                        .getWidth())
                .isEqualTo(800);
    }

    @Test
    void aRunWithoutTheStepIsBadInput() throws Exception {
        write("s1", 1, 99.0);
        Console c = Console.run("report", "--out", out.toString(), "--runs", "s1", "--step", "3");
        assertThat(c.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err())
                .isEqualTo("drilldown: run 's1' has no epoch of step 3; pass --step S of a step every run" + " trained"
                        + System.lineSeparator());
    }

    @Test
    void anUnknownRunIsBadInput() throws Exception {
        write("s1", 1, 99.0);
        Console c = Console.run("report", "--out", out.toString(), "--runs", "s1,ghost");
        assertThat(c.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err()).isEqualTo("drilldown: no run 'ghost' under " + out + System.lineSeparator());
    }

    private void write(String id, long seed, double... testAccuracies) {
        MetricsWriter writer =
                new MetricsWriter(SharedSpark.get(), new MetricsLocation(out), new TargetSpec(99.4, 3, 10000, 15));
        RunInfo run = new RunInfo(
                id,
                Instant.now(),
                seed,
                "local[2]",
                1,
                2,
                0,
                2,
                "{}",
                Map.of("java", "17"),
                Map.of("f", "0"),
                "test",
                false,
                Map.of("OMP_NUM_THREADS", "1"));
        writer.onRunStart(run);
        for (int e = 1; e <= testAccuracies.length; e++) {
            Score test = Score.ofSum(10_000, Math.round(testAccuracies[e - 1] * 100), 300);
            writer.onEpochEnd(
                    run,
                    new EpochResult(
                            "4",
                            e,
                            15,
                            0.01,
                            Score.ofSum(100, 99, 3.0),
                            Score.ofSum(50, 49, 2.0),
                            test,
                            1.5,
                            100,
                            0.5,
                            List.of(),
                            List.of(),
                            "f".repeat(64)));
        }
        writer.onRunEnd(run, null);
    }
}

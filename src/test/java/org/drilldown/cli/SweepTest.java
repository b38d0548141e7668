package org.drilldown.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.drilldown.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 4-trial sweep of step 4 as a user types it: 1,000 training images, successive halving from 1 epoch to 2
 * (eta 2), two trials at a time in local[2]; the trials, epochs and runs tables read back from Parquet.
 */
class SweepTest {
    @TempDir
    static Path out;

    static Console sweep;

    @BeforeAll
    static void sweep() throws Exception {
        Path space = Files.writeString(
                out.resolve("space.conf"),
                "sweep.space {\n  learning-rate { range = [0.02, 0.1], scale = log }\n"
                        + "  dropout { choices = [0.0, 0.05] }\n}\n",
                StandardCharsets.UTF_8);
        sweep = Console.run(
                "sweep",
                "--step",
                "4",
                "--space",
                space.toString(),
                "--trials",
                "4",
                "--epochs",
                "2",
                "--eta",
                "2",
                "--parallel",
                "2",
                "--train-limit",
                "1000",
                "--validation",
                "500",
                "--test-limit",
                "500",
                "--data",
                TestData.mnistDir().toString(),
                "--out",
                out.toString(),
                "--master",
                "local[2]",
                "--sweep-id",
                "s1");
    }

    @Test
    void halvesFourTrialsToTwoAndRecordsEveryDecision() {
        assertThat(sweep.exitCode()).as(sweep.err()).isZero();
        assertThat(sweep.out()).contains("sweep s1 done");
        assertThat(query("select trial_id, status, rung, epochs_trained from trials order by status, trial_id")
                        .out()
                        .lines()
                        .skip(1)
                        .map(l -> l.replaceAll("^c\\d\\d-s0,", "t,")))
                .containsExactly("t,finished,1,2", "t,finished,1,2", "t,pruned,0,1", "t,pruned,0,1");
        for (String row : query("select best_val_accuracy, learning_rate, dropout, space_values from trials")
                .out()
                .lines()
                .skip(1)
                .toList()) {
            String[] f = row.split(",", 4);
            assertThat(Double.parseDouble(f[0])).as(row).isGreaterThan(10);
            assertThat(Double.parseDouble(f[1])).as(row).isBetween(0.02, 0.1);
            assertThat(f[2]).as(row).isIn("0.0", "0.05");
            assertThat(f[3]).as(row).contains("learning-rate");
        }
        // Ranked on validation: the two promoted configurations had the best rung-0 validation accuracy.
        assertThat(query("select count(*) from trials_history p join trials_history f on p.status = 'pruned'"
                                + " and f.status = 'running' and f.rung = 1 and f.decision like 'promoted%'"
                                + " where f.best_val_accuracy < p.best_val_accuracy")
                        .out())
                .isEqualTo("count(1)\n0\n");
        assertThat(query("select count(*) from trials_history where decision like 'pruned: rank _ of 4 at rung 0%'")
                        .out())
                .isEqualTo("count(1)\n2\n");
    }

    @Test
    void eachTrialIsARunWithItsEpochsAndEnds() {
        assertThat(query("select t.status, count(e.epoch) as epochs, min(r.status), min(r.workers) from trials t"
                                + " join epochs e on e.run_id = t.run_id join runs r on r.run_id = t.run_id"
                                + " group by t.run_id, t.status order by t.status")
                        .out())
                .isEqualTo(
                        "status,epochs,min(status),min(workers)\n"
                                + "finished,2,succeeded,1\nfinished,2,succeeded,1\npruned,1,succeeded,1\npruned,1,succeeded,1\n");
    }

    /**
     * A trial trained 1 epoch, then resumed to 2 when promoted, has the bits of one plain one-worker run: replay
     * (scripts/reproduce.sh) trains its manifest's configuration, both epochs, and finds every epoch the same.
     */
    @Test
    void aTrialReplaysToTheBitAsOnePlainRun() {
        String runId = query("select run_id from trials where status = 'finished' order by run_id limit 1")
                .out()
                .lines()
                .skip(1)
                .findFirst()
                .orElseThrow();
        Console replay =
                Console.run("replay", runId, "--out", out.toString(), "--master", "local[2]", "--run-id", "plain");
        assertThat(replay.exitCode()).as(replay.out() + replay.err()).isZero();
        assertThat(replay.out()).contains("of '" + runId + "': all 2 epochs have the same parameters");
        assertThat(query("select count(*), min(workers) from runs where run_id = 'plain'")
                        .out())
                .isEqualTo("count(1),min(workers)\n1,1\n");
    }

    /** Resuming a sweep that ended trains nothing again and records nothing new. */
    @Test
    void resumingAFinishedSweepRedoesNothing() {
        String before = query("select count(*) from trials_history").out();
        String epochs =
                query("select count(*) from epochs where run_id like 's1-%'").out();
        Console resumed = Console.run("sweep", "--resume", "s1", "--out", out.toString(), "--master", "local[2]");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.out()).doesNotContain("training to epoch");
        assertThat(query("select count(*) from trials_history").out()).isEqualTo(before);
        assertThat(query("select count(*) from epochs where run_id like 's1-%'").out())
                .isEqualTo(epochs);
    }

    /** report --sweep: the trials ranked on validation accuracy, a chart per drawn value, the ladder. */
    @Test
    void theSweepReportRanksTrialsChartsValuesAndShowsTheLadder() throws Exception {
        Console c = Console.run("report", "--out", out.toString(), "--sweep", "s1");
        assertThat(c.exitCode()).as(c.err()).isZero();
        Path dir = out.resolve("report/sweep-s1");
        String md = Files.readString(dir.resolve("REPORT.md"));
        assertThat(md)
                .contains("# Sweep s1: step 4, 4 trials")
                .contains("4 configurations drawn from the space, 1 seed each; successive halving with eta 2 up to 2"
                        + " epochs. Rungs recorded: 1, 2 epochs.")
                .containsPattern("\\| rank \\| trial \\| run \\| status \\| epochs \\| best validation \\|"
                        + " (learning-rate \\| dropout|dropout \\| learning-rate) \\|");
        List<String> rows =
                md.lines().filter(l -> l.matches("\\| \\d+ \\| `c.*")).toList();
        assertThat(rows).hasSize(4);
        List<Double> best = rows.stream()
                .map(l -> Double.parseDouble(l.split("\\|")[6].replace("%", "").strip()))
                .toList();
        assertThat(best).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(rows.get(0)).contains("| finished | 2 |"); // promoted on validation, then trained on
        // rung, epochs, entering, promoted, pruned, failed, finished
        assertThat(md).contains("| 0 | 1 | 4 | 2 | 2 | 0 | 0 |").contains("| 1 | 2 | 2 | 0 | 0 | 0 | 2 |");
        String bestRun = rows.get(0).split("\\|")[3].replace("`", "").strip();
        assertThat(md).contains("`scripts/reproduce.sh " + bestRun + " --out " + out + "`");
        for (String chart : List.of("hyperparameter-learning-rate.png", "hyperparameter-dropout.png")) {
            assertThat(md).contains("](" + chart + ")");
            byte[] png = Files.readAllBytes(dir.resolve(chart));
            assertThat(png).as(chart).hasSizeGreaterThan(1000).startsWith(0x89, 'P', 'N', 'G');
        }
    }

    @Test
    void anUnknownSweepOrASweepWithARunIsBadInput() {
        Console unknown = Console.run("report", "--out", out.toString(), "--sweep", "s9");
        assertThat(unknown.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(unknown.err())
                .isEqualTo("drilldown: no sweep 's9' under " + out + "; sweeps recorded there: [s1]"
                        + System.lineSeparator());
        Console both = Console.run("report", "--out", out.toString(), "--sweep", "s1", "--run-id", "plain");
        assertThat(both.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(both.err())
                .isEqualTo("drilldown: --sweep reports a sweep and --run-id, --runs report runs: pass one of them"
                        + System.lineSeparator());
    }

    private static Console query(String sql) {
        List<String> args = new ArrayList<>(List.of("query", "--out", out.toString(), "--format", "csv", sql));
        Console c = Console.run(args.toArray(String[]::new));
        assertThat(c.exitCode()).as(c.err()).isZero();
        return c;
    }
}

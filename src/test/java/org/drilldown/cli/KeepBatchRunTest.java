package org.drilldown.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --lr-scaling keep-batch} as a user types it: two workers each fit 64 of every minibatch of 128 at
 * the configured rate and average after each, whatever {@code --averaging-frequency} says; the tables and the
 * report say so. A batch the workers cannot split evenly is refused before training.
 */
class KeepBatchRunTest {
    @TempDir
    Path tmp;

    @Test
    void twoWorkersSplitEveryMinibatchAndAverageAfterEach() throws Exception {
        Path out = tmp.resolve("out");
        // 1,024 images are 8 minibatches of 128: 8 rounds of two 64s (TinyRun's averaging every 2 would be 2).
        succeeds(TinyRun.args(out, "kb", "2", 1, 1024, "--lr-scaling", "keep-batch"));
        assertThat(csv(out, "select count(*) as rounds from iterations where step = '2' and epoch = 1"))
                .isEqualTo("rounds\n8\n");
        assertThat(csv(out, "select learning_rate, train_images from epochs"))
                .as("the configured rate, not twice it; every image fitted once")
                .isEqualTo("learning_rate,train_images\n0.01,1024\n");

        String markdown = report(out, "kb");
        assertThat(markdown).contains("2 parameter-averaging workers, averaging every 1 minibatches.");
        assertThat(markdown).contains("| 2 | 9,712 | 128 (64 a worker) | Nesterov momentum 0.90 | 0.01 | 0.01 |");
    }

    /**
     * The default rule as the main command runs it: step 2's 128 is split in two 64s at the configured rate,
     * averaging after each; step 4's 32 would leave 16 a worker, below min-worker-batch 32, so its workers fit 32
     * each at twice the rate, averaging every configured round (TinyRun's 2).
     */
    @Test
    void byDefaultASmallBatchIsNotSplitAndTrainsAsLinear() throws Exception {
        Path out = tmp.resolve("out");
        succeeds(TinyRun.args(out, "default", "2,4", 1, 1024));
        assertThat(csv(out, "select step, count(*) as rounds from iterations group by step order by step"))
                .as("step 2: 8 minibatches of 128, a round after each; step 4: 16 of 32 a worker, a round every 2")
                .isEqualTo("step,rounds\n2,8\n4,8\n");
        assertThat(csv(out, "select step, learning_rate from epochs order by step"))
                .as("step 4: 2 x 0.075 x its first one-cycle factor, 0.2")
                .isEqualTo("step,learning_rate\n2,0.01\n4,0.03\n");

        String markdown = report(out, "default");
        assertThat(markdown)
                .contains("2 parameter-averaging workers, averaging every 1 (step 2) and 2 (step 4) minibatches.");
        assertThat(markdown).contains("| 2 | 9,712 | 128 (64 a worker) | Nesterov momentum 0.90 | 0.01 | 0.01 |");
        assertThat(markdown).contains("| 4 | 9,904 | 32 | Nesterov momentum 0.90 | 0.075 | 0.15 |");
        assertThat(markdown)
                .contains(
                        "(keep-batch: each of 2 workers fits 1/2 of every minibatch, averaging after each; keep-batch: 16"
                                + " images a worker is below min-worker-batch 32, so linear: × 2 for 2 workers).");
    }

    /** A batch the two workers cannot share evenly trains as linear, and the report says why. */
    @Test
    void aBatchTheWorkersCannotSplitTrainsAsLinear() throws Exception {
        Path conf = Files.writeString(tmp.resolve("odd.conf"), "drilldown.steps.2.batch-size = 127\n");
        Path out = tmp.resolve("out");
        succeeds(TinyRun.args(out, "odd", "2", 1, 1024, "--lr-scaling", "keep-batch", "--conf", conf.toString()));
        assertThat(csv(out, "select learning_rate, train_images from epochs"))
                .as("twice the configured rate, on whole minibatches")
                .isEqualTo("learning_rate,train_images\n0.02,1024\n");
        assertThat(report(out, "odd"))
                .contains("2 parameter-averaging workers, averaging every 2 minibatches.")
                .contains("(keep-batch: 2 workers do not divide 127, so linear: × 2 for 2 workers)");
    }

    /** With no --workers on 3 cores, keep-batch trains the 2 workers that split batch 128, not 3 that cannot. */
    @Test
    void withNoWorkersGivenItTrainsTheMostCoresThatSplitTheBatch() throws Exception {
        Path out = tmp.resolve("out");
        List<String> args =
                new ArrayList<>(List.of(TinyRun.args(out, "cores", "2", 1, 512, "--lr-scaling", "keep-batch")));
        int workers = args.indexOf("--workers");
        args.subList(workers, workers + 2).clear();
        args.set(args.indexOf("local[2]"), "local[3]");
        succeeds(args.toArray(String[]::new));
        assertThat(csv(out, "select cores, workers from runs")).isEqualTo("cores,workers\n3,2\n");
        assertThat(csv(out, "select count(*) as rounds from iterations"))
                .as("512 images are 4 minibatches of 128, each split in two 64s")
                .isEqualTo("rounds\n4\n");
    }

    /** Runs {@code drilldown} with {@code args} as typed and expects it to succeed. */
    private static void succeeds(String... args) {
        Console run = Console.run(args);
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    /** The run's REPORT.md, as {@code drilldown report} writes it. */
    private static String report(Path out, String runId) throws Exception {
        Console report = Console.run("report", "--out", out.toString(), "--run-id", runId);
        assertThat(report.exitCode()).as(report.err()).isZero();
        return Files.readString(out.resolve("report/" + runId + "/REPORT.md"));
    }

    private static String csv(Path out, String sql) {
        Console q = Console.run("query", "--out", out.toString(), "--format", "csv", sql);
        assertThat(q.exitCode()).as(q.err()).isZero();
        return q.out();
    }
}

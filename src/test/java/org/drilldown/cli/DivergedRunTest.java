package org.drilldown.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A learning rate the config accepts but the network cannot take: step 1 (no BatchNorm, a 7x7 convolution of 802,816
 * weights) at 2 x 10 under linear reaches NaN within its first epoch (at 10, the default keep-batch's rate, it
 * does not: the config caps a rate at 10), where steps 2-4 die at ln 10 instead. The run
 * stops there, records {@code failed} with the step, epoch and what to lower, and writes no row for that epoch.
 */
class DivergedRunTest {
    @TempDir
    Path tmp;

    @Test
    void anEpochWhoseLossIsNaNFailsTheRunWithoutARow() throws Exception {
        Path conf = tmp.resolve("diverge.conf");
        Files.writeString(conf, "drilldown.steps.1.learning-rate = 10\n");
        Path out = tmp.resolve("out");
        Console run = Console.run(
                TinyRun.args(out, "diverged", "1", 2, 2048, "--conf", conf.toString(), "--lr-scaling", "linear"));
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err())
                .startsWith(
                        "drilldown: failed: training diverged: step 1 epoch 1 has training loss NaN at learning rate 20.0;"
                                + " lower drilldown.steps.1.learning-rate")
                .hasLineCount(1);

        Console status = Console.run(
                "query",
                "--out",
                out.toString(),
                "--format",
                "csv",
                "select status, error from runs where run_id = 'diverged'");
        assertThat(status.out())
                .startsWith(
                        "status,error\nfailed,org.drilldown.train.TrainingDiverged: training diverged: step 1 epoch 1 has training loss NaN");
        Console epochs =
                Console.run("query", "--out", out.toString(), "--format", "csv", "select count(*) as n from epochs");
        assertThat(epochs.out()).isEqualTo("n\n0\n");
    }
}

package org.drilldown.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.drilldown.TestData;
import org.drilldown.data.MnistFiles;
import org.drilldown.train.Score;
import org.drilldown.train.SingleProcessTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real job as a child JVM, stopped during its epochs by kill -9 and by SIGTERM: the tables stay
 * readable, the completed epochs stay, and the run reads back as interrupted.
 */
class InterruptionTest {
    @TempDir
    Path out;

    @Test
    void killNineLeavesCompleteEpochsAndTheRunReadsAsInterrupted() throws Exception {
        Process job = startJob("killed");
        awaitFirstEpoch(job);
        job.destroyForcibly().waitFor(60, TimeUnit.SECONDS);

        Console runs = query("select run_id, status, error from runs");
        assertThat(runs.out()).startsWith("run_id,status,error\nkilled,interrupted,");
        assertThat(runs.out()).contains("killed or crashed");
        assertCompleteEpochsOnly();

        // The report still reads it, and says the step did not finish.
        Console report = Console.run("report", "--out", out.toString(), "--run-id", "killed");
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(out.resolve("report/killed/REPORT.md"))
                .content()
                .contains("Status **interrupted**", "The step did not finish");

        // --resume continues from the last complete epoch's checkpoint: every epoch exactly once in the end.
        int before = Integer.parseInt(query("select count(*) from epochs").out().split("\n")[1]);
        Console resumed = Console.run("run", "--resume", "killed", "--out", out.toString());
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(query("select epoch from epochs order by epoch").out()).isEqualTo("epoch\n1\n2\n3\n4\n5\n6\n7\n8\n");
        assertThat(query("select status from runs_history order by recorded_at").out())
                .isEqualTo("status\nrunning\nrunning\nsucceeded\n");
        assertThat(query("select count(*) from data_stats").out())
                .isEqualTo("count(1)\n3\n"); // train, validation, test
        // The step's Result covers all 8 epochs, the ones before the kill included.
        assertThat(query("select epochs, best_test_accuracy >= (select max(test_accuracy) from epochs) from steps")
                        .out())
                .isEqualTo("epochs,(best_test_accuracy >= scalarsubquery())\n8,true\n");
        assertThat(before).isLessThan(8);
        // Only the latest checkpoint of the step is kept.
        try (Stream<Path> files = Files.list(out.resolve("runs/killed/checkpoints"))) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("step-3-epoch-8.zip");
        }

        // This run scores train accuracy after each epoch (train-accuracy = after-epoch, its --conf), and the
        // resumed part kept that: epoch 8's figure is the epoch-8 checkpoint's accuracy on all 2,000 training
        // images (step 3 does not rotate), dropout off, normalised by the run's own statistics.
        String[] stats = query("select mean, std from data_stats where split = 'train'")
                .out()
                .split("\n")[1]
                .split(",");
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(
                out.resolve("runs/killed/checkpoints/step-3-epoch-8.zip").toFile(), false);
        Score rescored = SingleProcessTrainer.score(
                net,
                new SingleProcessTrainer(Double.parseDouble(stats[0]), Double.parseDouble(stats[1]))
                        .batches(trainedImages(), null, 1000, null),
                new double[1]);
        double recorded = Double.parseDouble(
                query("select train_accuracy from epochs where epoch = 8").out().split("\n")[1]);
        assertThat(recorded).as("recorded vs rescored train accuracy").isCloseTo(rescored.accuracy(), within(0.051));
    }

    @Test
    void sigtermRecordsTheInterruptionBeforeSparkStops() throws Exception {
        Process job = startJob("stopped");
        awaitFirstEpoch(job);
        job.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the JVM runs its shutdown hooks
        assertThat(job.waitFor(60, TimeUnit.SECONDS)).isTrue();
        // One line says what happened and how to go on; exit code 128 + SIGTERM's 15, no failure or stack trace.
        assertThat(job.exitValue()).isEqualTo(143);
        String log = Files.readString(out.resolve("stopped.log"));
        assertThat(log)
                .contains(
                        "drilldown: interrupted by a signal; completed epochs are kept; continue with --resume stopped --out "
                                + out)
                .doesNotContain("drilldown: failed")
                .doesNotContain("\tat ");

        Console history = query("select status, error from runs_history order by recorded_at");
        assertThat(history.out())
                .isEqualTo(
                        "status,error\nrunning,\ninterrupted,stopped by a signal (Ctrl-C or kill) before it finished\n");
        assertCompleteEpochsOnly();
    }

    /**
     * SIGTERM while a barrier stage holds every task slot (here one that would never end): the run's record is
     * written within the JVM's 30 s for a shutdown hook, because the hook cancels the stage first.
     */
    @Test
    void sigtermDuringABarrierStageRecordsTheInterruption() throws Exception {
        Process job = startJob(
                "stalled",
                "in-barrier-stage",
                "--steps",
                "3",
                "--epochs",
                "2",
                "--train-limit",
                "2000",
                "--averaging-frequency",
                "5");
        awaitLog(job, "stalled", "averaging in one barrier stage an epoch");
        job.destroy();
        assertThat(job.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(job.exitValue()).isEqualTo(143);
        String log = Files.readString(out.resolve("stalled.log"));
        assertThat(log)
                .contains("drilldown: interrupted by a signal; completed epochs are kept")
                .doesNotContain("timeout")
                .doesNotContain("run stalled failed"); // the cancelled stage is not reported as the run failing
        assertThat(query("select status, error from runs where run_id = 'stalled'")
                        .out())
                .isEqualTo("status,error\ninterrupted,stopped by a signal (Ctrl-C or kill) before it finished\n");
    }

    /** kill -9 after an epoch's checkpoint and before its rows: the checkpoint of the last recorded epoch is kept. */
    @Test
    void killedBetweenACheckpointAndItsRowsResumesFromTheLastRecordedEpoch() throws Exception {
        Process job = startJob("gap", "after-checkpoint:3:2", TINY_STEP_3);
        assertThat(job.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(job.exitValue()).as(readLogs()).isEqualTo(137);
        assertThat(query("select epoch from epochs").out()).isEqualTo("epoch\n1\n");

        // Without the kept checkpoint, the refusal says what is missing and what there is.
        Path kept = out.resolve("runs/gap/checkpoints/step-3-epoch-1.zip");
        Path aside = Files.move(kept, out.resolve("aside.zip"));
        Console refused = Console.run("run", "--resume", "gap", "--out", out.toString());
        assertThat(refused.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(refused.err())
                .isEqualTo("drilldown: run 'gap' cannot be resumed: its rows of step 3 end at epoch 1, and "
                        + kept
                        + " is missing (checkpoints of the step: epochs [2]); start the run afresh with a new --run-id"
                        + System.lineSeparator());
        Files.move(aside, kept);

        Console resumed = Console.run("run", "--resume", "gap", "--out", out.toString());
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(query("select epoch from epochs order by epoch").out()).isEqualTo("epoch\n1\n2\n3\n");
        assertThat(query("select status from runs").out()).isEqualTo("status\nsucceeded\n");
        try (Stream<Path> files = Files.list(out.resolve("runs/gap/checkpoints"))) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("step-3-epoch-3.zip");
        }

        // The resumed run trained as an uninterrupted one with the same seed does, to the bit (epoch 2 trained
        // again from epoch 1's checkpoint; DL4J's split generator and the dropout streams keyed per epoch).
        List<String> straight = new ArrayList<>(List.of(
                "run",
                "--conf",
                afterEpochConf().toString(),
                "--master",
                "local[2]",
                "--test-limit",
                "500",
                "--workers",
                "2",
                "--data",
                TestData.mnistDir().toString(),
                "--out",
                out.toString(),
                "--run-id",
                "straight"));
        straight.addAll(List.of(TINY_STEP_3));
        Console uninterrupted = Console.run(straight.toArray(String[]::new));
        assertThat(uninterrupted.exitCode()).as(uninterrupted.err()).isZero();
        assertThat(query("select epoch, params_sha256, test_accuracy from epochs where run_id = 'gap' order by epoch")
                        .out())
                .isEqualTo(query("select epoch, params_sha256, test_accuracy from epochs where run_id = 'straight'"
                                + " order by epoch")
                        .out());
    }

    /** A start that stopped before its first runs row leaves the id free: the same id starts again. */
    @Test
    void killedDuringTheFirstRunsWriteTheSameIdStartsAgain() throws Exception {
        Process job = startJob("again", "in-first-runs-write", TINY_STEP_3);
        assertThat(job.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(job.exitValue()).as(readLogs()).isEqualTo(137);

        Console retried = Console.run(tinyRun("again", "3"));
        assertThat(retried.exitCode()).as(retried.err()).isZero();
        assertThat(query("select status from runs_history order by recorded_at").out())
                .isEqualTo("status\nrunning\nsucceeded\n");
    }

    /** A plan refused after Spark starts leaves nothing under runs/: the corrected command may use the same id. */
    @Test
    void aRefusedPlanDoesNotTakeTheRunId() throws IOException {
        Console refused = Console.run(tinyRun("retry", "1000"));
        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(refused.err()).contains("averaging-frequency = 1000");
        assertThat(out.resolve("runs/retry")).doesNotExist();

        Console retried = Console.run(tinyRun("retry", "3"));
        assertThat(retried.exitCode()).as(retried.err()).isZero();
        assertThat(query("select status from runs_history order by recorded_at").out())
                .isEqualTo("status\nrunning\nsucceeded\n");

        // As a kill between the first runs row and the manifest leaves it: the row alone takes the id.
        Files.delete(out.resolve("runs/retry/manifest.json"));
        Console again = Console.run(tinyRun("retry", "3"));
        assertThat(again.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(again.err()).contains("run id 'retry' already exists under " + out);
    }

    /** Step 3 on 1,000 images: 3 minibatches of 128 per worker and epoch. */
    private static final String[] TINY_STEP_3 = {
        "--steps", "3", "--epochs", "3", "--train-limit", "1000", "--averaging-frequency", "3"
    };

    /** Step 4: its batch of 32 is not split between the two workers, so they average every {@code averagingFrequency}. */
    private String[] tinyRun(String runId, String averagingFrequency) {
        return new String[] {
            "run",
            "--master",
            "local[2]",
            "--steps",
            "4",
            "--epochs",
            "1",
            "--train-limit",
            "1000",
            "--test-limit",
            "200",
            "--workers",
            "2",
            "--averaging-frequency",
            averagingFrequency,
            "--data",
            TestData.mnistDir().toString(),
            "--out",
            out.toString(),
            "--run-id",
            runId
        };
    }

    private void assertCompleteEpochsOnly() {
        Console epochs = query("select count(*) n, count(distinct epoch) d, min(epoch) lo, max(epoch) hi,"
                + " count(test_accuracy) acc from epochs");
        String[] v = epochs.out().split("\n")[1].split(",");
        int n = Integer.parseInt(v[0]);
        assertThat(n).isBetween(1, 7); // killed before the last of 8 epochs
        assertThat(v).containsExactly(String.valueOf(n), String.valueOf(n), "1", String.valueOf(n), String.valueOf(n));
    }

    private Console query(String sql) {
        Console c = Console.run("query", "--out", out.toString(), "--format", "csv", sql);
        assertThat(c.exitCode()).as(c.err()).isZero();
        return c;
    }

    private Path afterEpochConf() throws IOException {
        return Files.writeString(out.resolve("after-epoch.conf"), "drilldown.training.train-accuracy = after-epoch\n");
    }

    private Process startJob(String runId) throws IOException {
        return startJob(
                runId,
                null,
                "--steps",
                "3",
                "--epochs",
                "8",
                "--train-limit",
                "2000",
                // 2,000 images at batch 128 give each worker 7 minibatches an epoch: fewer than the default 10.
                "--averaging-frequency",
                "5");
    }

    /** The job in a child JVM with {@code halt} as its {@link org.drilldown.train.TestHalt} point (null: none). */
    private Process startJob(String runId, String halt, String... plan) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The test JVM's own flags: Spark's --add-opens and the oneDNN switches from the surefire argLine.
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Dorg."))
                .forEach(cmd::add);
        if (halt != null) {
            cmd.add("-Ddrilldown.test.halt=" + halt);
        }
        cmd.addAll(List.of(
                "-Xmx2g",
                "-cp",
                System.getProperty("java.class.path"),
                "org.drilldown.cli.Main",
                "run",
                "--conf",
                afterEpochConf().toString(),
                "--master",
                "local[2]",
                "--test-limit",
                "500",
                "--workers",
                "2",
                "--data",
                TestData.mnistDir().toString(),
                "--out",
                out.toString(),
                "--run-id",
                runId));
        cmd.addAll(List.of(plan));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(out.resolve(runId + ".log").toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    /** Waits until the child has written its first epoch row; fails with its log if it dies first. */
    private void awaitFirstEpoch(Process job) throws Exception {
        Path epochs = out.resolve("metrics/epochs");
        await(job, "no epoch row", () -> {
            if (!Files.isDirectory(epochs)) {
                return false;
            }
            try (Stream<Path> files = Files.list(epochs)) {
                return files.anyMatch(f -> f.toString().endsWith(".parquet"));
            }
        });
    }

    /** Waits until the child's log holds {@code line}; fails with its log if it dies first. */
    private void awaitLog(Process job, String runId, String line) throws Exception {
        Path log = out.resolve(runId + ".log");
        await(
                job,
                "no '" + line + "'",
                () -> Files.exists(log) && Files.readString(log).contains(line));
    }

    /** Polls {@code ready} for up to 3 minutes while the child lives; else stops it and fails with its log. */
    private void await(Process job, String missing, java.util.concurrent.Callable<Boolean> ready) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline && job.isAlive()) {
            if (ready.call()) {
                return;
            }
            Thread.sleep(200);
        }
        if (ready.call()) {
            return; // became ready as the child ended
        }
        job.destroyForcibly();
        throw new AssertionError(missing + " from the child job; its log:\n" + readLogs());
    }

    private String readLogs() throws IOException {
        try (Stream<Path> logs = Files.list(out)) {
            StringBuilder all = new StringBuilder();
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                all.append(Files.readString(log));
            }
            return all.toString();
        }
    }

    /** The 2,000 images the killed run trained on: those after the default validation set's 5,000. */
    private static org.drilldown.data.MnistSplit trainedImages() {
        return new MnistFiles(TestData.mnistDir()).train(7000).slice("train", 5000, 7000);
    }
}

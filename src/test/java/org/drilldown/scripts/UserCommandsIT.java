package org.drilldown.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.drilldown.Scripts;
import org.drilldown.SharedSpark;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.StepSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's commands as a user types them, from a directory that is not the repository: the main command
 * ({@code scripts/run-local.sh}, its defaults but for a small subset and one epoch) trains the default
 * run-steps, and a second run trains every other step conf/steps.conf defines, so a step added there is
 * covered here without editing this test; then
 * {@code scripts/query.sh} and {@code scripts/report.sh} read what it wrote. Runs after {@code package}
 * (failsafe): the scripts launch the built jar.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class UserCommandsIT {
    @TempDir
    static Path home;

    static Scripts.Result main;
    static List<StepSpec> configured = ConfigLoader.defaults().steps();

    @BeforeAll
    static void runTheMainCommand() throws Exception {
        // 2,600 images, 1,300 a worker: steps 1-3 split each minibatch of 128 into two 64s and average after each
        // (the default keep-batch); step 4 fits 32 a worker, about four rounds at the default averaging frequency.
        main = Scripts.run(
                home,
                home.resolve("run-local.log"),
                600,
                Map.of(),
                "scripts/run-local.sh",
                "--epochs",
                "1",
                "--train-limit",
                "2600",
                "--test-limit",
                "300",
                "--workers",
                "2",
                "--out",
                "out",
                "--run-id",
                "every-step");
    }

    @Test
    void theMainCommandTrainsEveryConfiguredStep() {
        assertThat(main.code()).as(main.output()).isZero();
        assertThat(main.output()).contains("run every-step done");
        SparkSession spark = SharedSpark.get();
        List<Row> steps = spark.read()
                .parquet(home.resolve("out/metrics/steps").toString())
                .orderBy("step")
                .collectAsList();
        assertThat(steps)
                .extracting(r -> (String) r.getAs("step"))
                .containsExactlyElementsOf(
                        configured.stream().map(StepSpec::key).sorted().toList());
        for (Row row : steps) {
            StepSpec spec = configured.stream()
                    .filter(s -> s.key().equals(row.getAs("step")))
                    .findFirst()
                    .orElseThrow();
            assertThat((Long) row.getAs("params")).as("step " + spec.key()).isEqualTo(spec.expectedParams());
            assertThat((Integer) row.getAs("epochs")).isEqualTo(1);
            assertThat((String) row.getAs("analysis"))
                    .as("step " + spec.key())
                    .contains("Parameters", "Epochs 1 <= 15");
        }
        List<Row> epochs = spark.read()
                .parquet(home.resolve("out/metrics/epochs").toString())
                .collectAsList();
        assertThat(epochs).hasSize(configured.size());
        // Every image trained once in every step, counted as the workers fitted them.
        assertThat(epochs).extracting(r -> (Long) r.getAs("train_images")).containsOnly(2600L);
        assertThat(epochs)
                .allSatisfy(r ->
                        assertThat((Double) r.getAs("train_loss")).isPositive().isLessThan(10.0));
        Row run = spark.read()
                .parquet(home.resolve("out/metrics/runs").toString())
                .where("status = 'succeeded'")
                .first();
        assertThat((String) run.getAs("spark_master")).isEqualTo("local[*]");
    }

    @Test
    void queryReadsTheTablesFromTheSameDirectory() throws Exception {
        Scripts.Result q = Scripts.run(
                home,
                home.resolve("query.log"),
                120,
                Map.of(),
                "scripts/query.sh",
                "--out",
                "out",
                "--format",
                "csv",
                "select count(*) as steps, min(params) as fewest from steps");
        assertThat(q.code()).as(q.output()).isZero();
        long fewest =
                configured.stream().mapToLong(StepSpec::expectedParams).min().orElseThrow();
        assertThat(q.output()).contains("steps,fewest\n" + configured.size() + "," + fewest + "\n");
    }

    @Test
    void reportWritesEveryStep() throws Exception {
        Scripts.Result r =
                Scripts.run(home, home.resolve("report.log"), 120, Map.of(), "scripts/report.sh", "--out", "out");
        assertThat(r.code()).as(r.output()).isZero();
        String md = Files.readString(home.resolve("out/report/every-step/REPORT.md"));
        for (StepSpec step : configured) {
            assertThat(md).contains("## Step " + step.key() + ": " + step.name());
        }
    }

    /** The README's example queries, each as typed, run over the main command's tables. */
    @Test
    void theReadmesQueriesRunAsTyped() throws Exception {
        Scripts.Result r = readmeBlock("# best epoch per step of every run", "readme-queries.log");
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output())
                .containsPattern("run_id +\\| step \\| best")
                .containsPattern("run_id +\\| epoch \\| test_accuracy")
                .containsPattern("run_id +\\| status +\\| seed \\| workers")
                .containsPattern("step \\| train_s +\\| eval_s +\\| img_s")
                .contains("(" + configured.size() + " rows)")
                .doesNotContain("drilldown:");
    }

    /** docs/metrics.md's example queries, each as typed, run over the main command's tables. */
    @Test
    void theMetricsDocsQueriesRunAsTyped() throws Exception {
        Scripts.Result r = docBlock("docs/metrics.md", "# best epoch per step of every run", "metrics-doc-queries.log");
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output())
                .containsPattern("run_id +\\| step \\| best")
                .containsPattern("run_id +\\| epoch \\| test_accuracy")
                .containsPattern("run_id +\\| seed \\| workers \\| status +\\| last3_min_test_accuracy \\| target_met")
                .containsPattern("step \\| train_s +\\| eval_s")
                .containsPattern("step \\| epoch \\| round \\| seconds")
                .containsPattern("step \\| stat +\\| thread +\\| n +\\| s")
                .contains("step,epoch,loss\n1,1,")
                .doesNotContain("drilldown:", "(0 rows)");
    }

    /**
     * The README's S3 block, every line as typed, from the repository (where local-s3.sh keeps out/s3 and its
     * s3.conf): a real S3 server on loopback, a run into its bucket, the query over the bucket, the server stopped.
     */
    @Test
    void theReadmesS3BlockRunsIntoABucketAndQueriesIt() throws Exception {
        try {
            Scripts.Result r = docBlock(Scripts.ROOT, "README.md", "s3a://drilldown-test/try", "readme-s3.log");
            assertThat(r.code()).as(r.output()).isZero();
            assertThat(r.output()).containsPattern("started http://127\\.0\\.0\\.1:\\d+");
            assertThat(r.output()).containsPattern("(?m)^\\S+\\s+\\| succeeded\\s*$");
            assertThat(r.output()).contains("stopped s3");
        } finally {
            Scripts.run(Scripts.ROOT, home.resolve("s3-stop.log"), 60, Map.of(), "scripts/local-s3.sh", "stop");
        }
    }

    /** The README's first taste, both lines as typed: a small run into out/try, then a query of it. */
    @Test
    void theReadmesFirstTasteRunsAsTyped() throws Exception {
        Scripts.Result r = readmeBlock("--out out/try", "readme-first-taste.log");
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).contains("step | epoch | test_accuracy", "(2 rows)");
    }

    /**
     * Runs the README's bash block that holds {@code marker}, every line as written, from this test's directory
     * (only {@code scripts/} made absolute: the directory is not the repository).
     */
    private static Scripts.Result readmeBlock(String marker, String log) throws Exception {
        return docBlock("README.md", marker, log);
    }

    /** Runs the bash block of {@code doc} (relative to the repository) that holds {@code marker}, as readmeBlock does. */
    private static Scripts.Result docBlock(String doc, String marker, String log) throws Exception {
        return docBlock(home, doc, marker, log);
    }

    /** The same, from {@code cwd}. */
    private static Scripts.Result docBlock(Path cwd, String doc, String marker, String log) throws Exception {
        String readme = Files.readString(Scripts.ROOT.resolve(doc));
        java.util.regex.Matcher blocks = java.util.regex.Pattern.compile(
                        "```bash\n(.*?)```", java.util.regex.Pattern.DOTALL)
                .matcher(readme);
        while (blocks.find()) {
            if (blocks.group(1).contains(marker)) {
                String script = "set -euo pipefail\n"
                        + blocks.group(1).replace("scripts/", Scripts.ROOT.resolve("scripts") + "/");
                Process p = new ProcessBuilder("bash", "-c", script)
                        .directory(cwd.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(home.resolve(log).toFile())
                        .start();
                boolean done = p.waitFor(600, java.util.concurrent.TimeUnit.SECONDS);
                if (!done) {
                    p.destroyForcibly();
                }
                return new Scripts.Result(done ? p.exitValue() : -1, Files.readString(home.resolve(log)));
            }
        }
        throw new AssertionError("no bash block in " + doc + " holds " + marker);
    }

    /**
     * reproduce.sh trains the main command's run again from its manifest, on a master the user names, and finds every
     * epoch the same. Last:
     * the replay adds a run to the tables the other tests read.
     */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void reproduceReplaysTheRunToTheBit() throws Exception {
        Scripts.Result r = Scripts.run(
                home,
                home.resolve("reproduce.log"),
                600,
                Map.of(),
                "scripts/reproduce.sh",
                "every-step",
                "--out",
                "out",
                // the README's --master URL: a master the user names (the CI machine's two cores, as local[*] was)
                "--master",
                "local[2]",
                "--run-id",
                "every-step-again");
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output())
                .contains("replay 'every-step-again' of 'every-step': all " + configured.size()
                        + " epochs have the same parameters");
    }

    /**
     * A user's --master wins over the script's local[*]; and every step conf/steps.conf defines outside the
     * default run-steps (today step 5) trains when named and is reported against its own bar. With the main
     * command's test, every defined step is trained by one test or the other, without editing either.
     */
    @Test
    void aUsersMasterWinsAndTheStepsOutsideTheDefaultsTrainWhenNamed() throws Exception {
        List<String> runSteps = configured.stream().map(StepSpec::key).toList();
        List<StepSpec> extra = ConfigLoader.definedSteps().stream()
                .filter(s -> !runSteps.contains(s.key()))
                .toList();
        assertThat(extra).extracting(StepSpec::key).contains("5");
        Scripts.Result one = Scripts.run(
                home,
                home.resolve("local1.log"),
                300,
                Map.of(),
                "scripts/run-local.sh",
                "--master",
                "local[1]",
                "--steps",
                String.join(",", extra.stream().map(StepSpec::key).toList()),
                "--epochs",
                "1",
                "--train-limit",
                "1000",
                "--test-limit",
                "100",
                "--workers",
                "1",
                "--averaging-frequency",
                "2",
                "--out",
                "out-local1",
                "--run-id",
                "one-thread");
        assertThat(one.code()).as(one.output()).isZero();
        Row run = SharedSpark.get()
                .read()
                .parquet(home.resolve("out-local1/metrics/runs").toString())
                .where("status = 'succeeded'")
                .first();
        assertThat((String) run.getAs("spark_master")).isEqualTo("local[1]");
        assertThat((Integer) run.getAs("cores")).isEqualTo(1);

        Scripts.Result report = Scripts.run(
                home, home.resolve("report-local1.log"), 120, Map.of(), "scripts/report.sh", "--out", "out-local1");
        assertThat(report.code()).as(report.output()).isZero();
        String md = Files.readString(home.resolve("out-local1/report/one-thread/REPORT.md"));
        for (StepSpec step : extra) {
            assertThat(md)
                    .contains(
                            "## Step " + step.key() + ": " + step.name(),
                            String.format(java.util.Locale.ROOT, "- Parameters: %,d", step.expectedParams()));
        }
        assertThat(md)
                .contains(
                        "## Step 5: Fewer parameters",
                        "- Parameters: 7,922",
                        "| 5 | 7,922 | - |",
                        "- Step 5: target not met against its own bar, ≥ 99.50 % and fewer than 8,000 parameters");
    }

    /**
     * The README's profile commands: a row per layer of step 2, a whole fit, and oneDNN's primitives summed; then
     * each convolution timed on its own.
     */
    @Test
    void profileShowsEveryLayerAndTheOneDnnPrimitives() throws Exception {
        Scripts.Result p = profileStep2("--onednn", "profile.log");
        assertThat(p.code()).as(p.output()).isZero();
        assertThat(p.output()).contains("step 2, batch 16, 1 native thread(s)");
        // Step 2: six convolutions, a max pooling, global average pooling, the output layer; each timed.
        assertThat(p.output().lines().filter(l -> l.matches("\\s+\\d+  \\S.*\\s\\d+\\.\\d{3}\\s+\\d+\\.\\d{3}")))
                .hasSize(9);
        assertThat(p.output()).containsPattern("whole fit \\(updater, workspaces, score\\)\\s+[1-9]\\d*\\.\\d{3}");
        assertThat(p.output()).containsPattern("total convolution\\s+\\d+\\.\\d ms");
        assertThat(p.output()).containsPattern("total reorder\\s+\\d+\\.\\d ms");

        // --convolutions: each of step 2's six convolutions timed three ways, and which way the job runs it.
        Scripts.Result c = profileStep2("--convolutions", "profile-convolutions.log");
        assertThat(c.code()).as(c.output()).isZero();
        assertThat(c.output()).contains("step 2, batch 16, 1 native thread(s): wall ms per forward + backward");
        assertThat(
                        c.output()
                                .lines()
                                .filter(
                                        l -> l.matches(
                                                "\\s+\\d+  \\dx\\d \\d+→\\d+ on \\d+x\\d+\\s+(\\d+\\.\\d{3}\\s+){3} (winograd|direct): \\S+ / \\S+ / \\S+")))
                .as(c.output())
                .hasSize(6);
    }

    /** scripts/profile.sh on step 2, batch 16, two repeats, with {@code what} (--onednn or --convolutions). */
    private static Scripts.Result profileStep2(String what, String log) throws Exception {
        return Scripts.run(
                home,
                home.resolve(log),
                300,
                Map.of(),
                "scripts/profile.sh",
                "--step",
                "2",
                "--batch",
                "16",
                "--repeats",
                "2",
                what);
    }

    /**
     * The main command's step 1 keeps its memory flat. DL4J rebuilds each worker's network every {@code keep-batch}
     * round, and ND4J frees those native arrays only once a GC finds them dead: at ParallelGC's own young size a GC
     * came every ~30 s, resident memory rose about 1 GiB an epoch of 8,000 images and the whole run was OOM-killed
     * at 24 GiB. After epoch 2 (the evaluation workspaces and the oneDNN plans are grown by then) the peak may not
     * rise by more than {@value #FLAT_MIB} MiB over four more epochs (~250 rounds, about a minute): it rose
     * 0.35 GiB at the scripts' flags and 2.85 GiB at the earlier ones ({@code -Xmx6g -XX:+UseParallelGC}, no {@code -Xmn}).
     */
    @Test
    void stepOnesResidentMemoryStaysFlatOverItsRounds() throws Exception {
        Path log = home.resolve("memory.log");
        Process job = Scripts.start(
                home,
                log,
                Map.of(),
                List.of(
                        "scripts/run-local.sh",
                        "--steps",
                        "1",
                        "--epochs",
                        "6",
                        "--train-limit",
                        "8000",
                        "--validation",
                        "1000",
                        "--test-limit",
                        "1000",
                        "--workers",
                        "2",
                        "--out",
                        "out/memory"));
        // The script execs the JVM, so the child's pid is the job's.
        Path status = Path.of("/proc", Long.toString(job.pid()), "status");
        long untilEpoch2 = 0;
        long after = 0;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (job.isAlive()) {
            if (System.nanoTime() > deadline) {
                job.destroyForcibly();
                throw new AssertionError("step 1 ran past 10 minutes; log:\n" + Files.readString(log));
            }
            long rss = residentKib(status);
            if (Files.readString(log).contains("step 1 epoch 2/6")) {
                after = Math.max(after, rss);
            } else {
                untilEpoch2 = Math.max(untilEpoch2, rss);
            }
            Thread.sleep(200);
        }
        String output = Files.readString(log);
        System.out.printf(
                "step 1 peak resident memory: %d KiB until epoch 2 ended, %d KiB after%n", untilEpoch2, after);
        assertThat(job.exitValue()).as(output).isZero();
        assertThat(output).contains("step 1 epoch 6/6");
        assertThat(untilEpoch2).as("sampled before epoch 2 ended").isPositive();
        assertThat(after).as("sampled after epoch 2 ended").isPositive();
        assertThat(after - untilEpoch2)
                .as("peak resident KiB after epoch 2 (%d) over the peak until then (%d)", after, untilEpoch2)
                .isLessThan(FLAT_MIB * 1024);
    }

    private static final long FLAT_MIB = 1024;

    /** VmRSS from /proc/PID/status in KiB; 0 once the process is gone. */
    private static long residentKib(Path status) {
        try {
            return Files.readAllLines(status).stream()
                    .filter(l -> l.startsWith("VmRSS:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst()
                    .orElse(0);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /**
     * The README's sweep, killed with signal 9 once its first trial has an epoch row, then resumed as the README
     * says: every trial ends, each epoch of each trial is written once, and the halving is the one a whole sweep
     * makes (4 trials, 2 promoted to 2 epochs).
     */
    @Test
    void aSweepKilledWithSignal9ResumesAsTyped() throws Exception {
        Path log = home.resolve("sweep-killed.log");
        Process sweep = Scripts.start(
                home,
                log,
                Map.of(),
                List.of(
                        "scripts/sweep.sh",
                        "--step",
                        "4",
                        "--space",
                        Scripts.ROOT.resolve("conf/sweep-step4.conf").toString(),
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
                        "200",
                        "--out",
                        "out/sweep",
                        "--sweep-id",
                        "killed"));
        Scripts.awaitFirstEpochRow(home.resolve("out/sweep"), sweep, log);
        sweep.destroyForcibly(); // the script execs the JVM: this is kill -9 of the sweep's driver
        sweep.waitFor();
        assertThat(Files.readString(log)).doesNotContain("sweep killed done");

        Scripts.Result resumed = Scripts.run(
                home,
                home.resolve("sweep-resumed.log"),
                600,
                Map.of(),
                "scripts/sweep.sh",
                "--resume",
                "killed",
                "--out",
                "out/sweep");
        assertThat(resumed.code()).as(resumed.output()).isZero();
        assertThat(resumed.output()).contains("sweep killed done");
        List<Row> epochs = SharedSpark.get()
                .read()
                .parquet(home.resolve("out/sweep/metrics/epochs").toString())
                .collectAsList();
        assertThat(epochs.stream().map(r -> r.getAs("run_id") + "/" + r.getAs("epoch")))
                .as("each trial's epoch written once")
                .doesNotHaveDuplicates()
                .hasSize(2 * 2 + 2 * 1);
        Scripts.Result trials = Scripts.run(
                home,
                home.resolve("sweep-trials.log"),
                120,
                Map.of(),
                "scripts/query.sh",
                "--out",
                "out/sweep",
                "--format",
                "csv",
                "select t.status, count(*) as trials, max(t.epochs_trained) as epochs, min(r.status) as run"
                        + " from trials t join runs r on r.run_id = t.run_id group by t.status order by t.status");
        assertThat(trials.code()).as(trials.output()).isZero();
        assertThat(trials.output())
                .contains("status,trials,epochs,run\nfinished,2,2,succeeded\npruned,2,1,succeeded\n");
        // The README's two sweep queries, as typed, over this sweep (its --out is the README's out/sweep).
        Scripts.Result readme = readmeBlock("from trials_history order by recorded_at", "readme-sweep-queries.log");
        assertThat(readme.code()).as(readme.output()).isZero();
        assertThat(readme.output())
                .contains("best_val_accuracy")
                .contains("decision")
                .contains("(4 rows)");
    }
}

package org.drilldown.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.drilldown.TestData;
import org.drilldown.data.MnistData;
import org.drilldown.metrics.DriverLock;
import org.drilldown.metrics.MetricsLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/errors.md says what the code prints: each documented message that comes before Spark starts is
 * triggered here through the real command line and compared with the documented text; the others name the
 * test that triggers them. A message row with neither fails {@link #everyDocumentedMessageHasATest}.
 */
class ErrorsDocTest {
    @TempDir
    Path tmp;

    /** What the user types (given a scratch directory to set up files in) to get a documented message. */
    interface Trigger {
        String[] args(Path tmp) throws Exception;
    }

    private static final Map<String, Trigger> RUN_HERE = new LinkedHashMap<>();
    private static final Map<String, String> COVERED_ELSEWHERE = new LinkedHashMap<>();

    private static void here(String documented, Trigger trigger) {
        RUN_HERE.put(documented, trigger);
    }

    private static void elsewhere(String documented, String test) {
        COVERED_ELSEWHERE.put(documented, test);
    }

    static {
        // Data
        here(
                "DIR: no such data directory; run scripts/fetch-mnist.sh DIR or pass --data DIR …",
                t -> run(t, t.resolve("none")));
        here("DIR/t10k-images-idx3-ubyte: missing (nor t10k-images-idx3-ubyte.gz); …", t -> {
            Path data = TinyMnist.write(t.resolve("mnist"));
            Files.delete(data.resolve(TinyMnist.TEST_IMAGES));
            return run(t, data);
        });
        here(
                "FILE: magic number 0x… is not an unsigned-byte IDX file of N dimension(s) (expected 0x…)",
                t -> broken(t, TinyMnist.TEST_IMAGES, TinyMnist.labels(1, 2)));
        here(
                "FILE: truncated: header promises N bytes, file has M",
                t -> broken(t, TinyMnist.TEST_IMAGES, Arrays.copyOf(TinyMnist.images(5, 28, 28), 100)));
        here("FILE: truncated: ends inside image i of n", t -> {
            Path data = TinyMnist.write(t.resolve("mnist"));
            Files.delete(data.resolve(TinyMnist.TEST_IMAGES));
            Files.write(
                    data.resolve(TinyMnist.TEST_IMAGES + ".gz"),
                    TinyMnist.gzip(Arrays.copyOf(TinyMnist.images(5, 28, 28), 16 + 784 * 2 + 10)));
            return run(t, data);
        });
        here("FILE: truncated in its header", t -> broken(t, TinyMnist.TEST_IMAGES, new byte[] {0, 0, 8, 3, 0, 0}));
        here("FILE: shorter than an IDX header", t -> broken(t, TinyMnist.TEST_IMAGES, new byte[] {0, 0}));
        here(
                "FILE: has bytes after the last item its header counts",
                t -> broken(t, TinyMnist.TEST_IMAGES, Arrays.copyOf(TinyMnist.images(5, 28, 28), 16 + 784 * 5 + 1)));
        here(
                "FILE: images are RxC, expected 28x28",
                t -> broken(t, TinyMnist.TEST_IMAGES, TinyMnist.images(5, 20, 20)));
        here(
                "FILE: dimension i is N, expected 1..10000000",
                t -> broken(t, TinyMnist.TEST_IMAGES, TinyMnist.images(0, 28, 28)));
        here(
                "LABELS: holds N labels but IMAGES holds M images",
                t -> broken(t, TinyMnist.TEST_LABELS, TinyMnist.labels(1, 2)));
        here(
                "FILE: label L at index i is outside 0-9",
                t -> broken(t, TinyMnist.TEST_LABELS, TinyMnist.labels(1, 2, 12, 4, 5)));
        here("FILE: named .gz but is not gzip data (…)", t -> {
            Path data = TinyMnist.write(t.resolve("mnist"));
            Files.move(data.resolve(TinyMnist.TEST_LABELS), data.resolve(TinyMnist.TEST_LABELS + ".gz"));
            return run(t, data);
        });
        here("FILE: cannot be read (ZipException: …)", t -> {
            Path data = TinyMnist.write(t.resolve("mnist"));
            byte[] gz = TinyMnist.gzip(Files.readAllBytes(data.resolve(TinyMnist.TEST_LABELS)));
            gz[gz.length - 6] ^= 0x5a; // the trailer's CRC
            Files.delete(data.resolve(TinyMnist.TEST_LABELS));
            Files.write(data.resolve(TinyMnist.TEST_LABELS + ".gz"), gz);
            return run(t, data);
        });
        here(
                "FILE: 10000000 images need about 7.5 GiB of heap to read, more than the N GiB this JVM may use; pass "
                        + "--train-limit N or raise -Xmx in DRILLDOWN_JAVA_OPTS",
                t -> {
                    Path data = TinyMnist.write(t.resolve("mnist"));
                    Files.delete(data.resolve(TinyMnist.TRAIN_IMAGES));
                    Files.delete(data.resolve(TinyMnist.TRAIN_LABELS));
                    Files.write(
                            data.resolve(TinyMnist.TRAIN_IMAGES + ".gz"),
                            TinyMnist.gzip(java.nio.ByteBuffer.allocate(16)
                                    .putInt(0x803)
                                    .putInt(10_000_000)
                                    .putInt(28)
                                    .putInt(28)
                                    .array()));
                    Files.write(
                            data.resolve(TinyMnist.TRAIN_LABELS + ".gz"),
                            TinyMnist.gzip(java.nio.ByteBuffer.allocate(8)
                                    .putInt(0x801)
                                    .putInt(10_000_000)
                                    .array()));
                    return run(t, data);
                });
        here(
                "--validation 60000 holds out every one of the 60000 training images read, leaving none to train on; pass a"
                        + " smaller --validation (0 for none)",
                t -> new String[] {
                    "run",
                    "--data",
                    TestData.mnistDir().toString(),
                    "--out",
                    t.resolve("out").toString(),
                    "--validation",
                    "60000",
                    "--test-limit",
                    "10"
                });
        // Sweeps
        here(
                "FILE: unknown sweep key 'sweep.space.learnig-rate'; a sweep varies learning-rate, momentum, dropout,"
                        + " weight-decay, rotation-degrees, batch-size (a range, choices or a grid) and lr-schedule, layers"
                        + " (choices or a grid)",
                t -> sweep(t, "sweep.space.learnig-rate { range = [0.01, 0.1] }"));
        here(
                "FILE: sweep.space is empty; give at least one step key a range or choices (see conf/sweep-step4.conf)",
                t -> sweep(t, "sweep.space { }"));
        here(
                "FILE: sweep.space.learning-rate.range = [0.2, 0.02]: give [low, high] with low < high (a single value"
                        + " is choices = [v])",
                t -> sweep(t, "sweep.space.learning-rate { range = [0.2, 0.02] }"));
        here(
                "FILE: sweep.space.dropout = 1.5: config key 'drilldown.steps.4.dropout' = 1.5: a drop probability in"
                        + " [0, 1)",
                t -> sweep(t, "sweep.space.dropout { range = [0.0, 1.5] }"));
        here(
                "FILE: sweep.space.layers = [conv 32 k3, conv 64 k3, gap, output 10]: 19,552 trainable parameters, and"
                        + " step 4 needs fewer than 10,000; narrow the layers or drop the choice",
                t -> sweep(
                        t,
                        "sweep.space.layers { choices = [[\"conv 32 k3\", \"conv 64 k3\", \"gap\", \"output 10\"]] }"));
        here(
                "--validation 0: a sweep ranks its trials on validation accuracy, never on test; hold out at least one"
                        + " image (the default is 5000)",
                t -> sweep(t, "sweep.space.dropout { range = [0.0, 0.1] }", "--validation", "0"));
        here(
                "--resume ghost: no sweep of that id under OUT (no OUT/sweeps/ghost/sweep.json); pass the --out it ran with",
                t -> new String[] {
                    "sweep", "--resume", "ghost", "--out", t.resolve("out").toString()
                });
        here("sweep 'taken' exists under OUT; pass a new --sweep-id, or continue it with --resume taken", t -> {
            Files.createDirectories(t.resolve("out/sweeps/taken"));
            Files.writeString(t.resolve("out/sweeps/taken/sweep.json"), "{}");
            return sweep(t, "sweep.space.dropout { range = [0.0, 0.1] }", "--sweep-id", "taken");
        });
        here(
                "--parallel 64: more trials at once than the N cores Spark has (local[2]); lower --parallel or add cores",
                t -> sweep(t, "sweep.space.dropout { range = [0.0, 0.1] }", "--parallel", "64"));
        here("drilldown sweep needs --step S and --space FILE (or --resume SWEEP_ID)", t ->
                new String[] {"sweep", "--out", t.resolve("out").toString()});
        here(
                "drilldown.data.validation = 0: a sweep ranks its trials on validation accuracy, never on test; hold out"
                        + " at least one image (the default is 5000)",
                t -> {
                    Path conf = Files.writeString(t.resolve("user.conf"), "drilldown.data.validation = 0\n");
                    String[] args = sweep(t, "sweep.space.dropout { range = [0.0, 0.1] }", "--conf", conf.toString());
                    List<String> noFlag = new java.util.ArrayList<>(List.of(args));
                    int v = noFlag.indexOf("--validation");
                    noFlag.subList(v, v + 2).clear(); // the key comes from the file, not the flag
                    return noFlag.toArray(String[]::new);
                });
        here(
                "--resume continues a sweep with its recorded plan: only --out, --master, --parallel and a --conf of"
                        + " Spark settings (credentials, endpoints) may be given with it",
                t -> new String[] {"sweep", "--resume", "s1", "--seeds", "3"});
        here(
                "--sweep-id 'aaaa…': at most 100 characters",
                t -> sweep(t, "sweep.space.dropout { range = [0.0, 0.1] }", "--sweep-id", "a".repeat(101)));
        here(
                "--trials 0: must be at least 1",
                t -> sweep(t, "sweep.space.dropout { range = [0.0, 0.1] }", "--trials", "0"));
        here(
                "--trials 3: FILE's grid has 2 points, each given to as many configurations; pass a multiple of 2",
                t -> sweep(t, "sweep.space.dropout { grid = [0.0, 0.1] }", "--trials", "3"));
        // Configuration and flags
        here(
                "FILE: unknown config key 'drilldown.trainig.workers' (see conf/drilldown.conf …)",
                t -> conf(t, "drilldown.trainig.workers = 2"));
        here(
                "FILE: unknown config key 'steps.4.…'; every key sits under drilldown { }: write 'drilldown.steps.4.…'",
                t -> conf(t, "steps.4.epochs = 3"));
        here("FILE: 1: seed has type STRING rather than NUMBER", t -> conf(t, "drilldown.seed = lots"));
        here(
                "FILE: line 4: List should have ] or a first element after the open [, …",
                t -> conf(t, "drilldown {\n  seed = 5\n  epochs = ["));
        elsewhere("FILE: line 1: Key '??/?' may not be followed by token: …", "ConfigLoaderTest");
        here("FILE: resource not found on classpath: nope.conf", t -> conf(t, "include required(\"nope.conf\")"));
        here("config key 'drilldown.epochs' = 1000000: 0 (each step's own count) or a cap in 1..1000", t ->
                new String[] {"run", "--out", t.resolve("out").toString(), "--epochs", "1000000"});
        here(
                "config key 'drilldown.steps.2.epochs' = 5000: must be in 1..1000",
                t -> conf(t, "drilldown.steps.2.epochs = 5000"));
        here(
                "config key 'drilldown.steps.2.learning-rate' = Infinity: must be in (0, 10]",
                t -> conf(t, "drilldown.steps.2.learning-rate = Infinity"));
        here("config key 'drilldown.data.train-limit' = -5: must be 0 or more", t ->
                new String[] {"run", "--out", t.resolve("out").toString(), "--train-limit", "-5"});
        here("config key 'drilldown.training.averaging-frequency' = 0: must be at least 1", t ->
                new String[] {"run", "--out", t.resolve("out").toString(), "--averaging-frequency", "0"});
        here(
                "config key 'drilldown.steps.2.dropout' = 1.5: a drop probability in [0, 1)",
                t -> conf(t, "drilldown.steps.2.dropout = 1.5"));
        here("config key 'drilldown.run-steps' = 9: unknown step; the configured steps are [1, 2, 3, 4, 5]", t ->
                new String[] {"run", "--out", t.resolve("out").toString(), "--steps", "9"});
        here("config key 'drilldown.run-steps' = [4, 4]: step 4 is named twice; name each step once", t ->
                new String[] {"run", "--out", t.resolve("out").toString(), "--steps", "4,4"});
        elsewhere(
                "config key 'drilldown.steps.9.layers' = …: must end with exactly one \"output N\" layer",
                "StepModelsTest");
        here("--conf FILE: no such file; …", t ->
                new String[] {"run", "--conf", t.resolve("nope.conf").toString()});
        here("Unknown options: '--epoch', '3'; possible solutions: --epochs; see drilldown run --help", t ->
                new String[] {"run", "--epoch", "3"});
        here("Invalid value for option '--workers': 'two' is not an int; see drilldown run --help", t ->
                new String[] {"run", "--workers", "two"});
        here("…; see drilldown run --help", t -> new String[] {"run", "--epochs", "1", "--epochs", "2"});
        here(
                "--run-id 'a b': a run id is 1 to 128 letters, digits, '.', '_' and '-', starting with a letter or digit",
                t -> new String[] {"run", "--out", t.resolve("out").toString(), "--run-id", "a b"});
        here("run id 'e2e' already exists under OUT; choose another --run-id or another --out", t -> {
            Path out = t.resolve("out");
            Files.writeString(Files.createDirectories(out.resolve("runs/e2e")).resolve("manifest.json"), "{}");
            return new String[] {
                "run",
                "--data",
                TinyMnist.write(t.resolve("mnist")).toString(),
                "--validation",
                "0",
                "--out",
                out.toString(),
                "--run-id",
                "e2e"
            };
        });
        here(
                "--out hdfs:///x is not a usable URI (no host (or bucket)); write scheme://host:port/absolute/path,"
                        + " file:/absolute/path, or a plain path",
                t -> new String[] {"run", "--out", "hdfs:///x"});
        here(
                "--out gs://bucket/x: no Hadoop filesystem for scheme 'gs' on the classpath (…); use hdfs://, s3a://"
                        + " or file:, add that filesystem's jars to the classpath, or pass a plain directory",
                t -> new String[] {"run", "--out", "gs://bucket/x"});
        here(
                "--out s3a://bucket/x: S3 refused or could not be reached (…); set spark.hadoop.fs.s3a.access.key and"
                        + " spark.hadoop.fs.s3a.secret.key (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), and for a"
                        + " store other than AWS spark.hadoop.fs.s3a.endpoint and spark.hadoop.fs.s3a.path.style.access"
                        + " (drilldown.spark.settings in a --conf file; README, On a cluster)",
                t -> new String[] {"run", "--out", "s3a://bucket/x"});
        here("cannot create OUT/runs/ID/driver.lock (…); pass --out DIR you can write to", t -> {
            Files.writeString(
                    Files.createDirectories(t.resolve("out")).resolve("runs"), "a file where the run directories go");
            return run(t, TinyMnist.write(t.resolve("mnist")));
        });
        here("output directory OUT is not writable (…); pass --out DIR you can write to", t -> {
            Path file = Files.writeString(t.resolve("a-file"), "x");
            return new String[] {
                "run",
                "--data",
                TinyMnist.write(t.resolve("mnist")).toString(),
                "--validation",
                "0",
                "--out",
                file.resolve("out").toString()
            };
        });
        here(
                "drilldown.training.export-dir: cannot create or write DIR (Not a directory); set "
                        + "drilldown.training.export-dir to a directory you can write to",
                t -> {
                    Path file = Files.writeString(t.resolve("a-file"), "x");
                    return conf(t, "drilldown.training.export-dir = \"" + file.resolve("sub") + "\"");
                });
        here(
                "spark.task.cpus = \"0\": must be a whole number of cores, 1 or more",
                t -> conf(t, "drilldown.spark.settings { \"spark.task.cpus\" = \"0\" }"));
        // The plan, and training: Spark runs
        elsewhere(
                "drilldown.training.averaging-frequency = 40 is more than the 31 minibatches each of 2 workers gets per"
                        + " epoch in step 4 (2000 images, batch 32); …",
                "PlanCheckTest");
        elsewhere(
                "step 1 with batch 20000 needs about N GiB of native memory for 2 workers (DL4J's estimate), more than"
                        + " the 6.0 GiB this JVM may use; …",
                "PlanCheckTest");
        elsewhere(
                "failed: java.lang.IllegalStateException: BatchNormBlock runs on ND4J's CPU backend only, not"
                        + " org.nd4j.linalg.jcublas.JCublasBackend: …",
                "BackendLayersTest");
        elsewhere(
                "an epoch's minibatch files need about N MB under EXPORT_DIR (N training images), and only M MB are free"
                        + " there; free space, or point --out or drilldown.training.export-dir at a disk with room",
                "DiskFullIT");
        elsewhere(
                "failed: training diverged: step 1 epoch 1 has training loss NaN at learning rate 20.0; lower"
                        + " drilldown.steps.1.learning-rate (or its lr-schedule factors)",
                "DivergedRunTest");
        elsewhere("truncated batch file file:/…/batches-4-3-…/part-0-12.bin: N bytes, expected M", "BatchFilesTest");
        elsewhere("not a Drilldown batch file: …", "BatchFilesTest");
        elsewhere(
                "the executors wrote N minibatch files to EXPORT_DIR/RUN_ID/batches-… and the driver sees M:"
                        + " drilldown.training.export-dir must be storage that the driver and every executor share"
                        + " (a shared mount, hdfs://, s3a://), or set drilldown.training.approach = direct",
                "ClusterIT");
        elsewhere(
                "failed: no space left on device while writing under OUT (minibatch files under EXPORT_DIR); free space"
                        + " there, or point --out or drilldown.training.export-dir at a disk with room",
                "DiskFullIT");
        // Queries and reports: all but one start a Spark session
        elsewhere(
                "no metric tables under OUT/metrics; run scripts/run-local.sh first, or pass --out DIR of an earlier run",
                "BadInputTest");
        here(
                "no SQL given; pass one statement in quotes, e.g. scripts/query.sh \"select run_id, status from runs\"",
                t -> new String[] {"query", "--out", t.toString(), " "});
        elsewhere(
                "bad SQL: [PARSE_SYNTAX_ERROR] Syntax error at or near 'selec'. (line 1, position 0); views under"
                        + " OUT/metrics: …",
                "QueryErrorsTest");
        elsewhere(
                "bad SQL: [TABLE_OR_VIEW_NOT_FOUND] The table or view `epoch` cannot be found. Verify the spelling and"
                        + " correctness of the schema and catalog. (line 1, position 14); views under OUT/metrics: data_stats,"
                        + " epochs, iterations, runs, runs_history, steps, trials, trials_history, worker_stats",
                "QueryErrorsTest");
        elsewhere(
                "query only reads: InsertIntoDir is refused; it runs SELECT, WITH, VALUES and their"
                        + " UNION/INTERSECT/EXCEPT, SHOW TABLES|VIEWS|COLUMNS|FUNCTIONS|DATABASES, DESCRIBE, and EXPLAIN of those",
                "QueryReadOnlyTest");
        elsewhere("query only reads: TRANSFORM (a shell command run on every row) is refused; …", "QueryReadOnlyTest");
        elsewhere("query only reads: EXPLAIN of InsertIntoDir is refused; …", "QueryReadOnlyTest");
        elsewhere("query only reads: function reflect calls Java methods and is not available", "QueryReadOnlyTest");
        elsewhere(
                "query only reads the metric views (data_stats, epochs, iterations, runs, runs_history, steps,"
                        + " trials, trials_history, worker_stats); `parquet`.`/path` names a file or another table, which it does not read",
                "QueryReadOnlyTest");
        elsewhere(
                "table OUT/metrics/epochs: file F: not readable Parquet (…); move it out of the table directory",
                "QueryErrorsTest");
        elsewhere(
                "table OUT/metrics/epochs: file F: column test_accuracy is string, expected double; …",
                "QueryErrorsTest");
        elsewhere(
                "table OUT/metrics/epochs: FILE holds rows without a run_id; it was not written by Drilldown, …",
                "QueryErrorsTest");
        elsewhere(
                "table OUT/metrics/epochs: file F: column note is string, but int in F; move it out of the table"
                        + " directory",
                "QueryErrorsTest");
        elsewhere(
                "table OUT/metrics/epochs: column test_accuracy is string, expected double; a file there was not written"
                        + " by Drilldown",
                "QueryErrorsTest");
        elsewhere(
                "reading the tables under OUT/metrics failed (…); a file there is corrupt or not Drilldown's: move it out",
                "QueryErrorsTest");
        elsewhere("no run 'x' under OUT; recent runs: [...]", "EndToEndTest");
        elsewhere(
                "no runs table under OUT/metrics; is --out the output directory of a Drilldown run?",
                "QueryErrorsTest");
        here("--runs compares several runs and --run-id reports one: pass one of them", t ->
                new String[] {"report", "--out", t.toString(), "--runs", "a,b", "--run-id", "c"});
        here("--sweep reports a sweep and --run-id, --runs report runs: pass one of them", t ->
                new String[] {"report", "--out", t.toString(), "--sweep", "s1", "--runs", "a,b"});
        here(
                "--step chooses the step --runs compares; the report of a run or a sweep covers all its steps: drop"
                        + " --step, or pass --runs",
                t -> new String[] {"report", "--out", t.toString(), "--sweep", "s1", "--step", "3"});
        elsewhere("no sweep 'x' under OUT; sweeps recorded there: [...]", "SweepTest");
        elsewhere("trials.space_values is not the JSON a sweep writes: …", "SweepSummaryTest");
        elsewhere("run 'ID' has no epoch of step S; pass --step S of a step every run trained", "CompareRunsTest");
        elsewhere("no run 'ID' under OUT", "CompareRunsTest");
        elsewhere("run id in the runs table '..': a run id is 1 to 128 letters, …", "ReportOfADotDotRunTest");
        // Resuming: what is refused before Spark starts runs here
        here(
                "--resume continues a run with its recorded configuration: only --out, --master and a --conf of Spark"
                        + " settings (credentials, endpoints) may be given with it",
                t -> new String[] {"run", "--resume", "x", "--epochs", "1"});
        here(
                "--conf FILE: drilldown.seed is part of the run's recorded configuration; a --conf given with --resume"
                        + " or to reproduce may set only drilldown.spark.settings (credentials, endpoints)",
                t -> new String[] {
                    "run",
                    "--resume",
                    "x",
                    "--conf",
                    Files.writeString(t.resolve("seed.conf"), "drilldown.seed = 2")
                            .toString()
                });
        here(
                "--resume '../x': a run id is 1 to 128 letters, digits, '.', '_' and '-', starting with a letter or digit",
                t -> new String[] {"run", "--resume", "../x"});
        here(
                "no run manifest OUT/runs/ID/manifest.json; is the run id right, and --out the directory the run wrote to?",
                t -> new String[] {
                    "run", "--resume", "ghost", "--out", t.resolve("out").toString()
                });
        here("run manifest OUT/runs/ID/manifest.json cannot be read: …", t -> {
            Path runDir = Files.createDirectories(t.resolve("out/runs/damaged"));
            Files.writeString(runDir.resolve("manifest.json"), "{\"config\": {");
            return new String[] {
                "run", "--resume", "damaged", "--out", t.resolve("out").toString()
            };
        });
        elsewhere("run 'ID' already succeeded; nothing to resume", "EndToEndTest");
        elsewhere("no run 'ID' in the tables under OUT/metrics", "ResumeFromDamagedTablesTest");
        elsewhere(
                "run 'ID' step S has epoch rows [1, 1], not 1..n once each; it cannot be resumed",
                "ResumeFromDamagedTablesTest");
        here("run 'ID' is still running: its driver holds OUT/runs/ID/driver.lock", ErrorsDocTest::resumeOfALiveRun);
        here(
                "cannot lock OUT/runs/ID/driver.lock (…); --resume locks the run there, so it must be a file you can write",
                t -> {
                    Path data = TinyMnist.write(t.resolve("mnist"));
                    MetricsLocation out = new MetricsLocation(t.resolve("out"));
                    Files.createDirectories(out.driverLock("locked").local());
                    Files.writeString(
                            out.manifest("locked").local(),
                            manifest(data, MnistData.load(data, 0, 0, 0).checksums()));
                    return new String[] {
                        "run", "--resume", "locked", "--out", out.outputDir().toString()
                    };
                });
        here("FILE in DIR is not the file run 'ID' trained on (SHA-256 …, recorded …)", t -> {
            Path out = t.resolve("out");
            Files.writeString(
                    Files.createDirectories(out.resolve("runs/moved")).resolve("manifest.json"),
                    manifest(TinyMnist.write(t.resolve("mnist")), Map.of(TinyMnist.TEST_LABELS, "0".repeat(64))));
            return new String[] {"run", "--resume", "moved", "--out", out.toString()};
        });
        elsewhere(
                "run 'ID' cannot be resumed: its rows of step S end at epoch N, and OUT/runs/ID/checkpoints/step-S-epoch-N.zip"
                        + " is missing (checkpoints of the step: epochs [N+1]); start the run afresh with a new --run-id",
                "InterruptionTest");
        elsewhere(
                "failed: java.lang.IllegalStateException: cannot restore checkpoint OUT/runs/ID/checkpoints/step-S-epoch-N.zip:"
                        + " <DL4J's message>. It was written by another version of Drilldown (the run's manifest names its commit):"
                        + " resume with that version, or run the step afresh",
                "CheckpointsTest");
    }

    /** Held open by the trigger: the lock of a run whose driver lives (in this JVM, as another's would). */
    private static DriverLock liveLock;

    private static String[] resumeOfALiveRun(Path t) throws Exception {
        Path data = TinyMnist.write(t.resolve("mnist"));
        MetricsLocation out = new MetricsLocation(t.resolve("out"));
        liveLock = DriverLock.acquire(out, "live");
        Files.writeString(
                out.manifest("live").local(),
                manifest(data, MnistData.load(data, 0, 0, 0).checksums()));
        return new String[] {"run", "--resume", "live", "--out", out.outputDir().toString()};
    }

    /** A run manifest as a run records it: the few keys --resume reads. */
    static String manifest(Path data, Map<String, String> checksums) throws Exception {
        Map<String, Object> m = Map.of(
                "config", Map.of("data", Map.of("dir", data.toString(), "validation", 0)), "data_sha256", checksums);
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(m);
    }

    private static String[] run(Path t, Path data) {
        return new String[] {
            "run",
            "--data",
            data.toString(),
            "--validation",
            "0",
            "--out",
            t.resolve("out").toString()
        };
    }

    private static String[] broken(Path t, String file, byte[] content) throws Exception {
        Path data = TinyMnist.write(t.resolve("mnist"));
        Files.write(data.resolve(file), content);
        return run(t, data);
    }

    /** A small sweep of step 4 over {@code space}, on the first 200 real images, in local[2]. */
    private static String[] sweep(Path t, String space, String... more) throws Exception {
        Path file = Files.writeString(t.resolve("space.conf"), space + "\n");
        List<String> args = new java.util.ArrayList<>(List.of(
                "sweep",
                "--step",
                "4",
                "--space",
                file.toString(),
                "--data",
                TestData.mnistDir().toString(),
                "--train-limit",
                "200",
                "--validation",
                "100",
                "--test-limit",
                "100",
                "--master",
                "local[2]",
                "--out",
                t.resolve("out").toString()));
        args.addAll(List.of(more));
        if (args.lastIndexOf("--validation") != args.indexOf("--validation")) {
            args.subList(args.indexOf("--validation"), args.indexOf("--validation") + 2)
                    .clear();
        }
        return args.toArray(String[]::new);
    }

    private static String[] conf(Path t, String hocon) throws Exception {
        Path conf = Files.writeString(t.resolve("user.conf"), hocon + "\n");
        return new String[] {
            "run",
            "--conf",
            conf.toString(),
            "--data",
            TinyMnist.write(t.resolve("mnist")).toString(),
            "--validation",
            "0",
            "--out",
            t.resolve("out").toString()
        };
    }

    static Stream<Arguments> runHere() {
        return RUN_HERE.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runHere")
    void theCodePrintsWhatTheDocSays(String documented, Trigger trigger) throws Exception {
        Console c;
        try {
            c = Console.run(trigger.args(tmp));
        } finally {
            if (liveLock != null) {
                liveLock.close();
                liveLock = null;
            }
        }
        assertThat(c.exitCode()).as(c.err()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err().lines()).as(c.err()).hasSize(1);
        assertThat(c.err().strip()).startsWith("drilldown: ");
        assertThat(c.err().strip().substring("drilldown: ".length())).matches(ErrorsDoc.strict(documented));
    }

    /** Every message docs/errors.md lists is triggered here or names its test; and no case here is stale. */
    @Test
    void everyDocumentedMessageHasATest() throws Exception {
        var documented = ErrorsDoc.messages();
        assertThat(documented)
                .as("messages parsed from " + ErrorsDoc.FILE)
                .hasSizeGreaterThan(40)
                .doesNotHaveDuplicates();
        var cases = new java.util.ArrayList<>(RUN_HERE.keySet());
        cases.addAll(COVERED_ELSEWHERE.keySet());
        assertThat(documented)
                .as("documented messages without a case (add one here)")
                .isSubsetOf(cases);
        assertThat(cases).as("cases of messages the doc no longer lists").isSubsetOf(documented);
        COVERED_ELSEWHERE.forEach((message, test) -> {
            Path source = Path.of("src/test/java/org/drilldown")
                    .resolve(packageOf(test))
                    .resolve(test + ".java");
            assertThat(source).as(test).exists();
            assertThat(mentions(source, message))
                    .as("%s checks a piece of \"%s\"", test, message)
                    .isTrue();
        });
    }

    /**
     * Whether a test's source holds a piece of the message's own words: any 12 characters of them, or its longest
     * part when shorter. A test named for a message must check that message, not just exist.
     */
    private static boolean mentions(Path testSource, String documented) {
        String source;
        try {
            // string literals joined across lines read as one
            source = Files.readString(testSource)
                    .replaceAll("\"\\s*\\+\\s*\"", "")
                    .replace("\\\"", "\"");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<String> parts = ErrorsDoc.literalParts(documented);
        int k = Math.min(12, parts.stream().mapToInt(String::length).max().orElse(0));
        for (String part : parts) {
            for (int i = 0; k > 0 && i + k <= part.length(); i++) {
                if (source.contains(part.substring(i, i + k))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String packageOf(String test) {
        return switch (test) {
            case "ConfigLoaderTest" -> "config";
            case "StepModelsTest", "BackendLayersTest" -> "model";
            case "PlanCheckTest", "BatchFilesTest", "CheckpointsTest" -> "train";
            case "DiskFullIT" -> "scripts";
            case "ClusterIT" -> "cluster";
            case "ReportOfADotDotRunTest", "SweepSummaryTest" -> "report";
            default -> "cli";
        };
    }
}

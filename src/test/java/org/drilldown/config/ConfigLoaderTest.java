package org.drilldown.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path tmp;

    @Test
    void embeddedDefaultsDescribeTheFourSeedSteps() {
        JobConfig c = ConfigLoader.defaults();
        assertThat(c.steps()).extracting(StepSpec::key).containsExactly("1", "2", "3", "4");
        StepSpec four = c.steps().get(3);
        assertThat(four.batchSize()).isEqualTo(32);
        assertThat(four.rotationDegrees()).isPositive();
        assertThat(four.layers()).isEqualTo(c.steps().get(1).layers());
        assertThat(c.sparkSettings()).containsEntry("spark.ui.enabled", "false");
        // Relative paths are resolved once, here: executors run in other working directories.
        assertThat(c.dataDir()).isEqualTo(Path.of("data/mnist").toAbsolutePath());
        assertThat(c.outputDir()).isEqualTo("out"); // resolved by the storage stage (StorePath)
    }

    @Test
    void userFileAndFlagsOverrideDefaultsInThatOrder() throws IOException {
        Path file = write("drilldown { seed = 5, epochs = 3, training.workers = 4 }\n"
                + "drilldown.steps.2.learning-rate = 0.05\n");
        JobConfig c = ConfigLoader.load(file, Map.of("drilldown.epochs", 2, "drilldown.run-steps", List.of("2", "3")));
        assertThat(c.seed()).isEqualTo(5);
        assertThat(c.workers()).isEqualTo(4);
        assertThat(c.steps()).extracting(StepSpec::epochs).containsExactly(2, 2);
        assertThat(c.steps().get(0).learningRate()).isEqualTo(0.05);
        assertThat(c.steps().get(1).layers()).isEqualTo(c.steps().get(0).layers());
    }

    /** The tables record runs.config, which anyone who can query may read: no credential may land there. */
    @Test
    void credentialsReachSparkButNeverTheRecordAndAResumeTakesThemFromItsConf() throws IOException {
        Path file = write("drilldown.spark.settings {\n"
                + "  \"spark.hadoop.fs.s3a.access.key\" = \"AKIA-EXAMPLE\"\n"
                + "  \"spark.hadoop.fs.s3a.secret.key\" = \"s3cr3t-example\"\n"
                + "  \"spark.hadoop.fs.s3a.endpoint\" = \"http://127.0.0.1:9000\"\n}\n");
        JobConfig c = ConfigLoader.load(file, Map.of());
        assertThat(c.sparkSettings())
                .containsEntry("spark.hadoop.fs.s3a.access.key", "AKIA-EXAMPLE")
                .containsEntry("spark.hadoop.fs.s3a.secret.key", "s3cr3t-example");
        assertThat(c.resolvedJson())
                .doesNotContain("AKIA-EXAMPLE", "s3cr3t-example")
                .contains("\"spark.hadoop.fs.s3a.secret.key\":\"" + SecretSettings.REDACTED + "\"")
                .contains("http://127.0.0.1:9000"); // not a secret: kept, so a resume reaches the same store

        JobConfig recorded = ConfigLoader.fromRecorded(c.resolvedJson());
        assertThat(recorded.sparkSettings())
                .doesNotContainKeys("spark.hadoop.fs.s3a.access.key", "spark.hadoop.fs.s3a.secret.key")
                .containsEntry("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:9000");
        JobConfig resumed = ConfigLoader.fromRecorded(c.resolvedJson(), ConfigLoader.sparkSettingsOnly(file));
        assertThat(resumed.sparkSettings()).containsEntry("spark.hadoop.fs.s3a.secret.key", "s3cr3t-example");
        assertThat(resumed.resolvedJson()).doesNotContain("s3cr3t-example");
    }

    @Test
    void aSixthStepCanBeAddedByConfiguration() throws IOException {
        Path file = write("drilldown.steps.6 { name = \"Wider\", layers = [\"conv 8 k3\", \"gap\", \"output 10\"],"
                + " batch-norm = true, epochs = 2 }\n");
        JobConfig c = ConfigLoader.load(file, Map.of("drilldown.run-steps", List.of("6")));
        StepSpec six = c.steps().get(0);
        assertThat(six.name()).isEqualTo("Wider");
        assertThat(six.batchSize()).isEqualTo(128);
        assertThat(six.batchNorm()).isTrue();
        assertThat(six.goal()).isEqualTo(StepGoal.NONE);
    }

    /** Step 5 is step 4's recipe on fewer parameters, judged against its own bar; the other steps, the exercise's. */
    @Test
    void stepFiveIsJudgedAgainstItsOwnGoal() throws IOException {
        JobConfig c = ConfigLoader.load(null, Map.of("drilldown.run-steps", List.of("4", "5")));
        StepSpec four = c.steps().get(0);
        StepSpec five = c.steps().get(1);
        assertThat(five.learningRate()).isEqualTo(four.learningRate());
        assertThat(five.lrSchedule()).isEqualTo(four.lrSchedule());
        assertThat(five.batchSize()).isEqualTo(32);
        assertThat(five.layers()).isNotEqualTo(four.layers());
        assertThat(c.target().forStep(four)).isEqualTo(c.target());
        assertThat(c.target().forStep(five)).isEqualTo(new TargetSpec(99.5, 3, 8000, 15));
        Map<String, Object> onlyFive = Map.of("drilldown.run-steps", List.of("5"));
        assertThatThrownBy(() -> ConfigLoader.load(write("drilldown.steps.5.goal.test-accuracy = 120"), onlyFive))
                .hasMessageContaining("'drilldown.steps.5.goal.test-accuracy' = 120");
        assertThatThrownBy(() -> ConfigLoader.load(write("drilldown.steps.5.goal.max-params = -1"), onlyFive))
                .hasMessageContaining("'drilldown.steps.5.goal.max-params' = -1");
    }

    @Test
    void unknownKeysWrongTypesAndBadValuesAreRefusedWithTheKey() throws IOException {
        assertThatThrownBy(() -> ConfigLoader.load(write("drilldown.trainig.workers = 2"), Map.of()))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("unknown config key 'drilldown.trainig.workers'");
        assertThatThrownBy(() -> ConfigLoader.load(write("drilldown.steps.2.dropuot = 0.1"), Map.of()))
                .hasMessageContaining("drilldown.steps.2.dropuot");
        // A key written without the drilldown { } root is named with the fix.
        assertThatThrownBy(() -> ConfigLoader.load(write("steps.4.lr-schedule.step-epochs = 3"), Map.of()))
                .hasMessageContaining("unknown config key 'steps.4.lr-schedule.step-epochs'")
                .hasMessageContaining("write 'drilldown.steps.4.lr-schedule.step-epochs'");
        assertThatThrownBy(() -> ConfigLoader.load(write("drilldown.seed = lots"), Map.of()))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("seed");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("drilldown.run-steps", List.of("7"))))
                .hasMessageContaining("'drilldown.run-steps' = 7")
                .hasMessageContaining("unknown step");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("drilldown.epochs", -1)))
                .hasMessageContaining("drilldown.epochs");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("drilldown.training.workers", -2)))
                .hasMessageContaining("drilldown.training.workers");
        assertThatThrownBy(() -> ConfigLoader.load(write("drilldown.steps.4.batch-size = 0"), Map.of()))
                .hasMessageContaining("'drilldown.steps.4.batch-size' = 0");
        assertThatThrownBy(() -> ConfigLoader.load(write("drilldown.training.train-accuracy = test-set"), Map.of()))
                .hasMessageContaining("'drilldown.training.train-accuracy' = \"test-set\"")
                .hasMessageContaining("[\"fitted-batches\", \"after-epoch\"]");
        assertThatThrownBy(() -> ConfigLoader.load(write("drilldown.training.approach = Export"), Map.of()))
                .hasMessageContaining("'drilldown.training.approach' = \"Export\"")
                .hasMessageContaining("[\"export\", \"direct\"]");
        assertThatThrownBy(() -> ConfigLoader.load(tmp.resolve("missing.conf"), Map.of()))
                .hasMessageContaining("missing.conf")
                .hasMessageContaining("no such file");
    }

    /** --epochs caps: a step keeps its own count when that is lower (step 2's 15 under a cap of 20). */
    @Test
    void theEpochCapLowersButNeverRaisesAStepsCount() throws IOException {
        Path file = write("drilldown.steps.3.epochs = 4\n");
        JobConfig c = ConfigLoader.load(file, Map.of("drilldown.epochs", 20, "drilldown.run-steps", List.of("2", "3")));
        assertThat(c.steps()).extracting(StepSpec::epochs).containsExactly(15, 4);
        JobConfig capped =
                ConfigLoader.load(file, Map.of("drilldown.epochs", 10, "drilldown.run-steps", List.of("2", "3")));
        assertThat(capped.steps()).extracting(StepSpec::epochs).containsExactly(10, 4);
    }

    @Test
    void epochCountsPastTheBoundAreRefused() throws IOException {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("drilldown.epochs", 1_000_000)))
                .isInstanceOf(ConfigError.class)
                .hasMessage("config key 'drilldown.epochs' = 1000000: 0 (each step's own count) or a cap in 1..1000");
        assertThatThrownBy(() -> ConfigLoader.load(write("drilldown.steps.2.epochs = 5000"), Map.of()))
                .isInstanceOf(ConfigError.class)
                .hasMessage("config key 'drilldown.steps.2.epochs' = 5000: must be in 1..1000");
        assertThat(ConfigLoader.load(null, Map.of("drilldown.epochs", 1000)).steps())
                .extracting(StepSpec::epochs)
                .containsOnly(15);
    }

    @Test
    void aStepNamedTwiceInRunStepsIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("drilldown.run-steps", List.of("2", "4", "4"))))
                .isInstanceOf(ConfigError.class)
                .hasMessage("config key 'drilldown.run-steps' = [2, 4, 4]: step 4 is named twice; name each step once");
    }

    /** NaN was refused, Infinity and 1e308 were not: a run then "succeeded" with NaN losses. */
    @Test
    void nonFiniteAndAbsurdLearningRatesAreRefused() throws IOException {
        for (String rate : new String[] {"Infinity", "1e308", "11", "-0.1", "0", "NaN"}) {
            assertThatThrownBy(() -> ConfigLoader.load(write("drilldown.steps.2.learning-rate = " + rate), Map.of()))
                    .as(rate)
                    .isInstanceOf(ConfigError.class)
                    .hasMessageContaining("config key 'drilldown.steps.2.learning-rate' = ")
                    .hasMessageEndingWith(": must be in (0, 10]");
        }
        assertThat(ConfigLoader.load(write("drilldown.steps.2.learning-rate = 10"), Map.of())
                        .steps()
                        .get(1)
                        .learningRate())
                .isEqualTo(10.0);
        assertThatThrownBy(() -> ConfigLoader.load(write("drilldown.steps.2.momentum = Infinity"), Map.of()))
                .hasMessageContaining("'drilldown.steps.2.momentum' = Infinity");
        assertThatThrownBy(() -> ConfigLoader.load(write("drilldown.steps.2.weight-decay = NaN"), Map.of()))
                .hasMessageContaining("'drilldown.steps.2.weight-decay' = NaN");
        assertThatThrownBy(() -> ConfigLoader.load(write("drilldown.steps.2.rotation-degrees = Infinity"), Map.of()))
                .hasMessageContaining("'drilldown.steps.2.rotation-degrees' = Infinity");
        assertThatThrownBy(() ->
                        ConfigLoader.load(write("drilldown.steps.4.lr-schedule.factors = [1, Infinity]"), Map.of()))
                .hasMessageContaining("'drilldown.steps.4.lr-schedule.factors'");
        assertThatThrownBy(() -> ConfigLoader.load(write("drilldown.steps.2.lr-schedule.gamma = NaN"), Map.of()))
                .hasMessageContaining("'drilldown.steps.2.lr-schedule.gamma' = NaN");
    }

    /** A --conf file Typesafe Config cannot parse is bad input: one line naming the file and the line. */
    @Test
    void anUnparsableConfFileIsNamedWithItsLine() throws IOException {
        Path syntax = write("drilldown {\n  seed = 5\n  epochs = [\n");
        assertThatThrownBy(() -> ConfigLoader.load(syntax, Map.of()))
                .isInstanceOf(ConfigError.class)
                .hasMessageStartingWith(syntax + ": line 4: List should have ]");
        byte[] binary = new byte[300];
        new java.util.Random(21).nextBytes(binary);
        Path bin = Files.write(tmp.resolve("binary.conf"), binary);
        assertThatThrownBy(() -> ConfigLoader.load(bin, Map.of()))
                .isInstanceOf(ConfigError.class)
                .hasMessageStartingWith(bin + ": line ")
                .hasMessageContaining("may not be followed by token: ") // docs/errors.md's example is this one
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContainPattern("\\p{Cntrl}")
                        .hasSizeLessThan(400));
        Path include = write("include required(\"nope.conf\")\ndrilldown.seed = 2\n");
        assertThatThrownBy(() -> ConfigLoader.load(include, Map.of()))
                .isInstanceOf(ConfigError.class)
                .hasMessageStartingWith(include + ": ")
                .hasMessageContaining("not found")
                .hasMessageContaining("nope.conf");
    }

    @Test
    void theShippedClusterAndGpuConfsLoad() {
        JobConfig cluster = ConfigLoader.load(Path.of("conf/cluster.conf"), Map.of());
        assertThat(cluster.sparkSettings())
                .containsEntry("spark.executor.memory", "2g")
                .containsEntry("spark.scheduler.minRegisteredResourcesRatio", "1.0");
        JobConfig gpu = ConfigLoader.load(Path.of("conf/cluster-gpu.conf"), Map.of());
        assertThat(gpu.sparkSettings())
                .containsEntry("spark.executor.resource.gpu.amount", "1")
                .containsEntry("spark.task.resource.gpu.amount", "1")
                .containsEntry("spark.task.cpus", "2") // as many as an executor has: one task per GPU
                .containsEntry("spark.executor.cores", "2")
                .containsEntry("spark.executor.memory", "2g"); // from the included cluster.conf
        assertThat(gpu.workers()).isEqualTo(2);
        assertThat(gpu.onednn()).isFalse();
    }

    @Test
    void aRunsRecordedConfigRebuildsTheSameSteps() throws IOException {
        JobConfig ran = ConfigLoader.load(
                write("drilldown.steps.4.learning-rate = 0.07"),
                Map.of("drilldown.run-steps", List.of("2", "4"), "drilldown.epochs", 3));
        JobConfig rebuilt = ConfigLoader.fromRecorded(ran.resolvedJson());
        assertThat(rebuilt.steps()).isEqualTo(ran.steps());
        assertThat(rebuilt.steps().get(1).learningRate()).isEqualTo(0.07);
        assertThat(rebuilt.steps().get(1).epochs()).isEqualTo(3);
        assertThat(rebuilt.steps().get(1).referenceBestTestAccuracy()).isEqualTo(99.44);
        assertThat(rebuilt.trainAccuracy()).isEqualTo(TrainAccuracy.FITTED_BATCHES);
    }

    /** A run recorded before train-accuracy existed scored its train accuracy after each epoch, and still says so. */
    @Test
    void aRunRecordedBeforeTrainAccuracyExistedKeepsItsAfterEpochScores() {
        String json = ConfigLoader.defaults().resolvedJson();
        String old = json.replace("\"train-accuracy\":\"fitted-batches\",", "");
        assertThat(old).isNotEqualTo(json);
        assertThat(ConfigLoader.fromRecorded(old).trainAccuracy()).isEqualTo(TrainAccuracy.AFTER_EPOCH);
        assertThat(ConfigLoader.defaults().trainAccuracy()).isEqualTo(TrainAccuracy.FITTED_BATCHES);
    }

    /** A schedule replaced whole names only what it needs; the rest comes from step-defaults. */
    @Test
    void aScheduleReplacedWholeTakesItsMissingKeysFromTheDefaults() throws IOException {
        JobConfig c = ConfigLoader.load(
                write(
                        "drilldown.steps.4 { lr-schedule = null, lr-schedule { type = step, step-epochs = 3, gamma = 0.3 } }"),
                Map.of("drilldown.run-steps", List.of("4")));
        LrSchedule s = c.steps().get(0).lrSchedule();
        assertThat(s.type()).isEqualTo("step");
        assertThat(s.stepEpochs()).isEqualTo(3);
        assertThat(s.factors()).isEmpty();
    }

    @Test
    void stepScheduleDividesTheRateEveryStepEpochs() {
        LrSchedule s = new LrSchedule("step", 5, 0.1, List.of());
        assertThat(s.rateAt(0.01, 1)).isEqualTo(0.01);
        assertThat(s.rateAt(0.01, 5)).isEqualTo(0.01);
        assertThat(s.rateAt(0.01, 6)).isCloseTo(0.001, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(s.rateAt(0.01, 11)).isCloseTo(0.0001, org.assertj.core.api.Assertions.within(1e-12));
        assertThatThrownBy(() -> new LrSchedule("cosine", 5, 0.1, List.of())).hasMessageContaining("lr-schedule.type");
    }

    @Test
    void perEpochScheduleMultipliesByEachEpochsFactorAndHoldsTheLast() throws IOException {
        JobConfig c = ConfigLoader.load(
                write(
                        """
                drilldown.steps.4.learning-rate = 0.2
                drilldown.steps.4.lr-schedule { type = "per-epoch", factors = [0.5, 1, 0.1] }
                """),
                Map.of());
        StepSpec four = c.steps().get(c.steps().size() - 1);
        assertThat(four.learningRateAt(1)).isCloseTo(0.1, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(four.learningRateAt(2)).isCloseTo(0.2, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(four.learningRateAt(3)).isCloseTo(0.02, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(four.learningRateAt(15)).isCloseTo(0.02, org.assertj.core.api.Assertions.within(1e-12));
        assertThatThrownBy(() -> ConfigLoader.load(write("drilldown.steps.2.lr-schedule.type = per-epoch"), Map.of()))
                .hasMessageContaining("lr-schedule.factors")
                .hasMessageContaining("one factor per epoch");
        assertThatThrownBy(() -> new LrSchedule("per-epoch", 1, 1, List.of(1.0, 0.0)))
                .hasMessageContaining("0.0 is not");
    }

    private Path write(String hocon) throws IOException {
        Path f = Files.createTempFile(tmp, "user", ".conf");
        Files.writeString(f, hocon);
        return f;
    }
}

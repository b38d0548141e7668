package org.drilldown.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
 * ({@code scripts/run-local.sh}, its defaults but for a small subset and one epoch) trains every step that
 * conf/steps.conf defines, so a step added there is covered here without editing this test; then
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
        // 2,600 images: ten minibatches of 128 for each of the two workers, the default averaging frequency.
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

    /**
     * reproduce.sh trains the main command's run again from its manifest and finds every epoch the same. Last:
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
                "--run-id",
                "every-step-again");
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output())
                .contains("replay 'every-step-again' of 'every-step': all " + configured.size()
                        + " epochs have the same parameters");
    }

    /** A user's --master wins over the script's local[*]. */
    @Test
    void aUsersMasterWins() throws Exception {
        Scripts.Result one = Scripts.run(
                home,
                home.resolve("local1.log"),
                300,
                Map.of(),
                "scripts/run-local.sh",
                "--master",
                "local[1]",
                "--steps",
                "2",
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
    }
}

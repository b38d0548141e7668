package org.drilldown.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.drilldown.SharedSpark;
import org.drilldown.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same seed, same run, bit for bit: steps 3 and 4 (BatchNorm, dropout, rotation) with two parameter-averaging
 * workers, on one, two and three Spark task threads, give the same parameters after every epoch and the same
 * metric rows; another seed gives others; so does the Direct approach. (Two workers: their sum is exact in any
 * order.) With two or three threads the workers average in one barrier stage an epoch; with one thread there is
 * no slot for the second worker's task and DL4J's master runs a job a round: the same bits either way, also for
 * three workers, whose sum depends on its order.
 */
class ReproducibilityTest {
    /** The columns that depend on the clock; every other column must match. */
    private static final String ROW =
            "step, epoch, learning_rate, train_loss, train_accuracy, test_loss, test_accuracy,"
                    + " train_images, test_images, params_sha256, val_loss, val_accuracy, val_images";

    @TempDir
    static Path out;

    @BeforeAll
    static void runSixTimes() throws java.io.IOException {
        run("local[2]", 5, "two-threads");
        run("local[1]", 5, "one-thread");
        run("local[3]", 5, "three-threads");
        run("local[2]", 6, "other-seed");
        Path direct = Files.writeString(out.resolve("direct.conf"), "drilldown.training.approach = direct\n");
        run("local[2]", 5, "direct", "--conf", direct.toString());
        run("local[3]", 5, "direct-three-threads", "--conf", direct.toString());
        run(3, "local[3]", 5, "three-workers-barrier");
        run(3, "local[2]", 5, "three-workers-jobs");
    }

    private static void run(String master, int seed, String id, String... more) {
        run(2, master, seed, id, more);
    }

    private static void run(int workers, String master, int seed, String id, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "run",
                "--master",
                master,
                "--steps",
                "3,4",
                "--epochs",
                "2",
                "--train-limit",
                "1200",
                "--test-limit",
                "200",
                "--validation",
                "300",
                "--workers",
                String.valueOf(workers),
                "--averaging-frequency",
                "2",
                "--seed",
                String.valueOf(seed),
                "--data",
                TestData.mnistDir().toString(),
                "--out",
                out.toString(),
                "--run-id",
                id));
        args.addAll(List.of(more));
        Console c = Console.run(args.toArray(String[]::new));
        assertThat(c.exitCode()).as(c.err()).isZero();
    }

    private static List<String> rows(String runId) {
        return SharedSpark.get()
                .read()
                .parquet(out.resolve("metrics/epochs").toString())
                .where("run_id = '" + runId + "'")
                .selectExpr(ROW.split(", "))
                .orderBy("step", "epoch")
                .collectAsList()
                .stream()
                .map(Row::toString)
                .toList();
    }

    @Test
    void theSameSeedOnAnyScheduleGivesTheSameEpochsToTheBit() {
        List<String> reference = rows("two-threads");
        assertThat(reference).hasSize(4).allSatisfy(r -> assertThat(r).containsPattern(",[0-9a-f]{64},"));
        assertThat(rows("one-thread")).containsExactlyElementsOf(reference);
        assertThat(rows("three-threads")).containsExactlyElementsOf(reference);
    }

    /**
     * DL4J's Direct approach (minibatches inside each round's Spark job, no files) trains every image and is as
     * reproducible; it deals the minibatches to the workers otherwise than the export approach, so its bits are
     * its own.
     */
    @Test
    void theDirectApproachTrainsEveryImageAndIsAsReproducible() {
        List<String> direct = rows("direct");
        assertThat(direct).hasSize(4).allSatisfy(r -> assertThat(r).contains(",1200,200,"));
        assertThat(rows("direct-three-threads")).containsExactlyElementsOf(direct);
        assertThat(SharedSpark.get()
                        .read()
                        .parquet(out.resolve("metrics/runs").toString())
                        .where("run_id = 'direct' and status = 'succeeded'")
                        .first()
                        .<String>getAs("config"))
                .contains("\"approach\":\"direct\"");
    }

    @Test
    void theBarrierStageAndDl4jsJobPerRoundGiveTheSameBits() {
        assertThat(stats("two-threads")).contains("AllGather", "BarrierStage").doesNotContain("Aggregate");
        assertThat(stats("one-thread")).contains("Aggregate").doesNotContain("AllGather", "BarrierStage");
        assertThat(rows("one-thread")).containsExactlyElementsOf(rows("two-threads"));

        assertThat(stats("three-workers-barrier")).contains("AllGather").doesNotContain("Aggregate");
        assertThat(stats("three-workers-jobs")).contains("Aggregate").doesNotContain("AllGather");
        List<String> three = rows("three-workers-barrier");
        assertThat(three).hasSize(4).doesNotContainAnyElementsOf(rows("two-threads"));
        assertThat(rows("three-workers-jobs")).containsExactlyElementsOf(three);
    }

    /** The stats the run's worker_stats rows name: DL4J's driver stats, or the barrier stage's. */
    private static List<String> stats(String runId) {
        return SharedSpark.get()
                .read()
                .parquet(out.resolve("metrics/worker_stats").toString())
                .where("run_id = '" + runId + "'")
                .select("stat")
                .distinct()
                .collectAsList()
                .stream()
                .map(r -> r.getString(0))
                .toList();
    }

    @Test
    void anotherSeedTrainsOtherwise() {
        List<String> reference = rows("two-threads");
        List<String> other = rows("other-seed");
        for (int i = 0; i < reference.size(); i++) {
            assertThat(other.get(i)).isNotEqualTo(reference.get(i));
        }
    }

    @Test
    void theDataStatisticsAreTheSameBits() {
        List<Row> stats = SharedSpark.get()
                .read()
                .parquet(out.resolve("metrics/data_stats").toString())
                .where("split = 'train'")
                .select("mean", "std")
                .distinct()
                .collectAsList();
        assertThat(stats).hasSize(1);
    }
}

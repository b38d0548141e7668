package org.drilldown.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.drilldown.config.BadInput;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.JobConfig;
import org.junit.jupiter.api.Test;

/**
 * What the job adds to the executors' Spark settings: its JVM flags, thread counts from spark.task.cpus, and the
 * driver's malloc settings; a value the user set (in conf/ or through the launcher) always wins.
 */
class ExecutorSettingsTest {
    private static final String TUNABLES = "glibc.malloc.top_pad=67108864";
    private static final String OMP = "spark.executorEnv.OMP_NUM_THREADS";
    private static final String OPTIONS = "spark.executor.extraJavaOptions";
    private static final String POOL = "-Djava.util.concurrent.ForkJoinPool.common.parallelism=";

    @Test
    void theDriversMallocSettingsReachTheExecutors() {
        Map<String, String> settings =
                DrilldownJob.executorSettings(ConfigLoader.defaults(), Map.of("GLIBC_TUNABLES", TUNABLES), Map.of());
        assertThat(settings).containsEntry("spark.executorEnv.GLIBC_TUNABLES", TUNABLES);
        assertThat(settings.get(OPTIONS)).contains("-Dorg.bytedeco.javacpp.maxPhysicalBytes=0");
    }

    @Test
    void withoutThemOnlyFlagsAndThreadsAreAdded() {
        assertThat(DrilldownJob.executorSettings(ConfigLoader.defaults(), Map.of("PATH", "/usr/bin"), Map.of()))
                .containsOnlyKeys(OPTIONS, OMP);
    }

    @Test
    void executorSettingsInConfWin() {
        JobConfig config = withSpark(Map.of("spark.executorEnv.GLIBC_TUNABLES", "glibc.malloc.arena_max=2"));
        assertThat(DrilldownJob.executorSettings(config, Map.of("GLIBC_TUNABLES", TUNABLES), Map.of()))
                .doesNotContainKey("spark.executorEnv.GLIBC_TUNABLES");
        assertThat(config.sparkSettings())
                .containsEntry("spark.executorEnv.GLIBC_TUNABLES", "glibc.malloc.arena_max=2");
    }

    @Test
    void oneNativeThreadPerTaskByDefault() {
        Map<String, String> settings = DrilldownJob.executorSettings(ConfigLoader.defaults(), Map.of(), Map.of());
        assertThat(settings).containsEntry(OMP, "1");
        assertThat(settings.get(OPTIONS)).endsWith(" " + POOL + "1");
    }

    @Test
    void threadsFollowTaskCpusFromConfOrTheLauncher() {
        JobConfig fourCores = withSpark(Map.of("spark.task.cpus", "4"));
        Map<String, String> fromConf = DrilldownJob.executorSettings(fourCores, Map.of(), Map.of());
        assertThat(fromConf).containsEntry(OMP, "4");
        assertThat(fromConf.get(OPTIONS)).contains(POOL + "3"); // the task's own thread is the 4th

        // spark-submit --conf spark.task.cpus=8 wins over conf/, as it does in SparkSessions.
        Map<String, String> fromLauncher =
                DrilldownJob.executorSettings(fourCores, Map.of(), Map.of("spark.task.cpus", "8"));
        assertThat(fromLauncher).containsEntry(OMP, "8");
        assertThat(fromLauncher.get(OPTIONS)).contains(POOL + "7").doesNotContain(POOL + "3");
    }

    @Test
    void aThreadCountTheUserSetWins() {
        JobConfig cpus = withSpark(Map.of("spark.task.cpus", "4", OMP, "2"));
        assertThat(DrilldownJob.executorSettings(cpus, Map.of(), Map.of())).doesNotContainKey(OMP);
        assertThat(DrilldownJob.executorSettings(ConfigLoader.defaults(), Map.of(), Map.of(OMP, "3")))
                .doesNotContainKey(OMP);

        JobConfig pool = withSpark(Map.of(OPTIONS, "-XX:+UseParallelGC " + POOL + "6"));
        assertThat(DrilldownJob.executorSettings(pool, Map.of(), Map.of()).get(OPTIONS))
                .doesNotContain(POOL);
        assertThat(DrilldownJob.executorSettings(ConfigLoader.defaults(), Map.of(), Map.of(OPTIONS, POOL + "2"))
                        .get(OPTIONS))
                .doesNotContain(POOL);
    }

    @Test
    void taskCpusMustBeAPositiveWholeNumber() {
        for (String bad : new String[] {"0", "-1", "two", "1.5"}) {
            assertThatThrownBy(() -> DrilldownJob.executorSettings(
                            withSpark(Map.of("spark.task.cpus", bad)), Map.of(), Map.of()))
                    .isInstanceOf(BadInput.class)
                    .hasMessage("spark.task.cpus = \"" + bad + "\": must be a whole number of cores, 1 or more");
        }
    }

    @Test
    void theManifestRecordsWhatExecutorsGot() {
        Map<String, String> conf = Map.of(
                "spark.task.cpus",
                "2",
                OMP,
                "2",
                OPTIONS,
                POOL + "5 -XX:+UseParallelGC " + POOL + "1",
                "spark.executorEnv.GLIBC_TUNABLES",
                TUNABLES);
        assertThat(ExecutorThreads.onExecutors(conf))
                .containsEntry("applies_to", "executors")
                .containsEntry("spark.task.cpus", "2")
                .containsEntry("OMP_NUM_THREADS", "2")
                .containsEntry("java.util.concurrent.ForkJoinPool.common.parallelism", "1") // the JVM takes the last
                .containsEntry("GLIBC_TUNABLES", TUNABLES);
        assertThat(ExecutorThreads.onExecutors(Map.of()))
                .containsEntry("spark.task.cpus", "1")
                .containsEntry("OMP_NUM_THREADS", "unset")
                .containsEntry("java.util.concurrent.ForkJoinPool.common.parallelism", "unset")
                .containsEntry("GLIBC_TUNABLES", "unset");
    }

    @Test
    void inLocalModeTheManifestRecordsThisJvm() {
        assertThat(ExecutorThreads.inThisJvm(Map.of(), Map.of("OMP_NUM_THREADS", "1"), 1, 3))
                .containsEntry("spark.task.cpus", "1")
                .containsEntry("OMP_NUM_THREADS", "1")
                .containsEntry("nd4j.threads", "1")
                .containsEntry("java.util.concurrent.ForkJoinPool.common.parallelism", "3")
                .containsEntry("GLIBC_TUNABLES", "unset")
                .hasEntrySatisfying("applies_to", v -> assertThat(v).startsWith("driver (local mode"));
    }

    @Test
    void localModeWarnsOnlyWhenConcurrentTasksEachGetMoreThreadsThanCores() {
        assertThat(ExecutorThreads.localOversubscription(4, 1, 4))
                .contains("up to 4 tasks at once", "4 native threads per op", "OMP_NUM_THREADS=1");
        assertThat(ExecutorThreads.localOversubscription(4, 2, 4)).contains("OMP_NUM_THREADS=2");
        assertThat(ExecutorThreads.localOversubscription(4, 1, 1)).isNull(); // run-local.sh's OMP_NUM_THREADS=1
        assertThat(ExecutorThreads.localOversubscription(1, 1, 8)).isNull(); // one task: its threads have the cores
        assertThat(ExecutorThreads.localOversubscription(4, 4, 4)).isNull();
    }

    private static JobConfig withSpark(Map<String, String> settings) {
        return ConfigLoader.load(null, Map.of("drilldown.spark.settings", settings));
    }
}

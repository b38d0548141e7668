package org.drilldown.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.JobConfig;
import org.junit.jupiter.api.Test;

/** What the job adds to the executors' Spark settings: its JVM flags, and the driver's malloc settings. */
class ExecutorSettingsTest {
    private static final String TUNABLES = "glibc.malloc.top_pad=67108864";

    @Test
    void theDriversMallocSettingsReachTheExecutors() {
        Map<String, String> settings =
                DrilldownJob.executorSettings(ConfigLoader.defaults(), Map.of("GLIBC_TUNABLES", TUNABLES));
        assertThat(settings).containsEntry("spark.executorEnv.GLIBC_TUNABLES", TUNABLES);
        assertThat(settings.get("spark.executor.extraJavaOptions"))
                .contains("-Dorg.bytedeco.javacpp.maxPhysicalBytes=0");
    }

    @Test
    void withoutThemNothingIsAdded() {
        assertThat(DrilldownJob.executorSettings(ConfigLoader.defaults(), Map.of("PATH", "/usr/bin")))
                .containsOnlyKeys("spark.executor.extraJavaOptions");
    }

    @Test
    void executorSettingsInConfWin() {
        JobConfig config = ConfigLoader.load(
                null,
                Map.of(
                        "drilldown.spark.settings",
                        Map.of("spark.executorEnv.GLIBC_TUNABLES", "glibc.malloc.arena_max=2")));
        assertThat(DrilldownJob.executorSettings(config, Map.of("GLIBC_TUNABLES", TUNABLES)))
                .doesNotContainKey("spark.executorEnv.GLIBC_TUNABLES");
        assertThat(config.sparkSettings())
                .containsEntry("spark.executorEnv.GLIBC_TUNABLES", "glibc.malloc.arena_max=2");
    }
}

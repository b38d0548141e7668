package org.drilldown.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SparkSessionsTest {
    @Test
    void executorFlagsFromConfAndFromTheJobAreBothKept() {
        JobConfig cluster = ConfigLoader.load(java.nio.file.Path.of("conf/cluster.conf"), Map.of());
        Map<String, String> settings = SparkSessions.merged(
                cluster.sparkSettings(),
                Map.of(
                        "spark.executor.extraJavaOptions",
                        "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
                        "spark.executor.memory",
                        "3g"));
        assertThat(settings.get("spark.executor.extraJavaOptions"))
                .isEqualTo("-XX:+UseParallelGC -Xmn150m -Dorg.bytedeco.javacpp.maxPhysicalBytes=0");
        assertThat(settings.get("spark.executor.memory")).isEqualTo("3g");
        assertThat(SparkSessions.merged(Map.of(), Map.of("spark.executor.extraJavaOptions", "-Da=1")))
                .containsEntry("spark.executor.extraJavaOptions", "-Da=1");
    }
}

package org.drilldown.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.io.FileUtils;
import org.drilldown.Scripts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's benchmark as a user types it, from another directory, in both forms, on a few hundred images:
 * each prints its table and writes {@code out/bench/<id>/bench.json} with the machine, commit and command, and
 * every figure it promises is there and positive. The figures themselves are measured (docs/performance.md), not
 * tested. Needs GNU time and PyTorch, which scripts/test.sh installs.
 */
class BenchScriptIT {
    private static final Pattern WRITTEN = Pattern.compile("written: (out/bench/[0-9-]+)/bench.json");
    private static final List<Path> written = new ArrayList<>();

    @TempDir
    static Path home;

    @Test
    void aStepsBenchGivesEveryRatioAgainstTheYardstickAndSingleProcess() throws Exception {
        JsonNode bench = bench("steps", "--steps", "4", "--train-limit", "640", "--epochs", "1", "--repeats", "1");
        assertThat(bench.path("command").asText())
                .isEqualTo("scripts/bench.sh --steps 4 --train-limit 640 --epochs 1 --repeats 1");
        assertThat(bench.path("repeats").asInt()).isEqualTo(1);
        List<String> whats = new ArrayList<>();
        for (JsonNode row : bench.path("rows")) {
            assertThat(row.path("step").asText()).isEqualTo("4");
            assertThat(row.path("batch").asInt()).as("step 4's own batch").isEqualTo(32);
            assertThat(row.path("ratio").asDouble()).as(row.toString()).isPositive();
            whats.add(row.path("what").asText());
        }
        assertThat(whats)
                .containsExactly(
                        "training, single process",
                        "evaluation, single process",
                        "training, Spark local[2] ÷ single process",
                        "training, Spark local[2] ÷ yardstick",
                        "training, BatchNormBlock ÷ DL4J's stock layers");
        JsonNode training = bench.path("rows").get(0);
        assertThat(training.path("pytorch").asDouble()).isPositive();
        assertThat(training.path("dl4j").asDouble()).isPositive();
        assertThat(training.path("peak_rss_mib_dl4j").asInt()).isPositive();
        assertThat(training.path("peak_rss_mib_pytorch").asInt()).isPositive();
        assertThat(bench.path("rows").get(2).path("spark").asDouble()).isPositive();
    }

    @Test
    void theWholeBenchTimesTheDrilldownAndTheYardsticksFourSteps() throws Exception {
        JsonNode bench = bench("whole", "--whole", "--epochs", "1", "--train-limit", "5640");
        JsonNode rows = bench.path("rows");
        assertThat(rows).hasSize(5);
        JsonNode whole = rows.get(0);
        assertThat(whole.path("what").asText()).isEqualTo("whole drill-down, wall seconds");
        assertThat(whole.path("drilldown").asDouble()).isPositive();
        assertThat(whole.path("pytorch").asDouble()).isPositive();
        assertThat(whole.path("ratio_time").asDouble()).isPositive();
        for (int s = 1; s <= 4; s++) {
            JsonNode step = rows.get(s);
            assertThat(step.path("what").asText()).isEqualTo("step " + s);
            assertThat(step.path("drilldown_train_eval_seconds").asDouble())
                    .as(step.toString())
                    .isPositive();
            assertThat(step.path("pytorch").asDouble()).as(step.toString()).isPositive();
            assertThat(step.path("drilldown_last_test_accuracy").asDouble())
                    .as(step.toString())
                    .isPositive();
            assertThat(step.path("pytorch_last_test_accuracy").asDouble())
                    .as(step.toString())
                    .isPositive();
        }
    }

    /** Runs scripts/bench.sh with {@code args}; its bench.json, after checking the provenance every run carries. */
    private static JsonNode bench(String name, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("scripts/bench.sh"));
        command.addAll(List.of(args));
        Scripts.Result r =
                Scripts.run(home, home.resolve(name + ".log"), 900, Map.of(), command.toArray(String[]::new));
        assertThat(r.code()).as(r.output()).isZero();
        Matcher m = WRITTEN.matcher(r.output());
        assertThat(m.find()).as(r.output()).isTrue();
        Path dir = Scripts.ROOT.resolve(m.group(1));
        written.add(dir);
        JsonNode bench = new ObjectMapper().readTree(dir.resolve("bench.json").toFile());
        assertThat(bench.path("commit").asText()).isNotBlank().isNotEqualTo("unknown");
        assertThat(bench.path("machine").path("cores").asInt()).isPositive();
        assertThat(bench.path("malloc").asText()).contains("glibc.malloc.arena_max=1");
        assertThat(r.output()).contains("machine: ", "commit: ");
        return bench;
    }

    /** The runs' folders under the repository's out/bench. */
    @AfterAll
    static void removeWhatTheBenchesWrote() throws IOException {
        for (Path dir : written) {
            FileUtils.deleteDirectory(dir.toFile());
        }
    }
}

package org.drilldown.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.drilldown.config.BadInput;
import org.drilldown.config.ConfigError;
import org.drilldown.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a plan turns a space into trials: grid values in turn, drawn values per configuration, the step's budget. */
class SweepPlanTest {
    private static final String NARROW = "[\"conv 8 k3\", \"conv 12 k3\", \"gap\", \"output 10\"]";
    private static final String NARROWER = "[\"conv 6 k3\", \"conv 10 k3\", \"gap\", \"output 10\"]";

    @TempDir
    Path tmp;

    private List<Trial> trials(String step, int configs, String space) throws Exception {
        Path file = Files.writeString(tmp.resolve("space.conf"), space);
        return new SweepPlan("p", step, configs, 1, 2, 2, 1, 7)
                .trials(SearchSpace.load(file), baseOf(step), "space.conf");
    }

    @Test
    void eachGridValueGoesToAsManyConfigurationsInTurnWhileRangesAreDrawn() throws Exception {
        List<Trial> trials = trials(
                "5",
                4,
                "sweep.space { layers { grid = [" + NARROW + ", " + NARROWER + "] }\n"
                        + "learning-rate { range = [0.01, 0.1] } }");
        assertThat(trials)
                .extracting(t -> (Object) ((List<?>) t.values().get("layers")).get(0))
                .containsExactly("conv 8 k3", "conv 6 k3", "conv 8 k3", "conv 6 k3");
        assertThat(trials)
                .extracting(t -> t.values().get("learning-rate"))
                .doesNotHaveDuplicates()
                .allSatisfy(lr -> assertThat((Double) lr).isBetween(0.01, 0.1));
        // Each trial's step is the step with the grid's layers: what the trial trains.
        assertThat(trials.get(1).spec(baseOf("5")).layers())
                .containsExactly("conv 6 k3", "conv 10 k3", "gap", "output 10");
    }

    @Test
    void twoGridsGiveEveryCombinationOnce() throws Exception {
        List<Trial> trials =
                trials("4", 4, "sweep.space { batch-size { grid = [32, 64] }\n dropout { grid = [0.02, 0.05] } }");
        assertThat(trials)
                .extracting(t -> t.values().get("batch-size") + "/" + t.values().get("dropout"))
                .containsExactlyInAnyOrder("32/0.02", "64/0.02", "32/0.05", "64/0.05");
    }

    @Test
    void trialsThatAreNotAMultipleOfTheGridAreRefused() {
        assertThatThrownBy(() -> trials("5", 3, "sweep.space.layers { grid = [" + NARROW + ", " + NARROWER + "] }"))
                .isInstanceOf(BadInput.class)
                .hasMessage("--trials 3: space.conf's grid has 2 points, each given to as many configurations; pass a"
                        + " multiple of 2");
    }

    @Test
    void layersAtTheStepsBudgetAreRefusedBeforeAnyTrial() {
        // Step 4's own layers (9,904) are within the exercise's 10,000 but not within step 5's 8,000.
        String stepFour = "[\"conv 16 k3 p1\", \"conv 24 k3\", \"maxpool 2\", \"conv 8 k1\", \"conv 16 k3\","
                + " \"conv 16 k3\", \"conv 16 k3\", \"gap\", \"output 10\"]";
        assertThatThrownBy(() -> trials("5", 2, "sweep.space.layers { grid = [" + NARROW + ", " + stepFour + "] }"))
                .isInstanceOf(ConfigError.class)
                .hasMessageStartingWith("space.conf: sweep.space.layers = [conv 16 k3 p1, conv 24 k3, ")
                .hasMessageEndingWith(": 9,904 trainable parameters, and step 5 needs fewer than 8,000; narrow the"
                        + " layers or drop the choice");
    }

    @Test
    void aGridOrChoicesTakeNoScaleAndNoEmptyList() throws Exception {
        Path file = Files.writeString(tmp.resolve("bad.conf"), "sweep.space.dropout { grid = [0.0], range = [0, 1] }");
        assertThatThrownBy(() -> SearchSpace.load(file))
                .hasMessageEndingWith(
                        "sweep.space.dropout: give one of range = [low, high], choices = [...] or grid" + " = [...]");
        Files.writeString(file, "sweep.space.dropout { grid = [], scale = log }");
        assertThatThrownBy(() -> SearchSpace.load(file))
                .hasMessageEndingWith("sweep.space.dropout.scale: a scale goes with a range, not with grid");
        Files.writeString(file, "sweep.space.dropout { grid = [] }");
        assertThatThrownBy(() -> SearchSpace.load(file))
                .hasMessageEndingWith("sweep.space.dropout.grid is empty; list at least one value");
    }

    private static String baseOf(String step) {
        return ConfigLoader.load(null, Map.of("drilldown.run-steps", List.of(step)))
                .resolvedJson();
    }
}

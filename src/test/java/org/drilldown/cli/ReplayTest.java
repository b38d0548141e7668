package org.drilldown.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.drilldown.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay} trains a recorded run again from its manifest, on another schedule, and finds the same bits. */
class ReplayTest {
    @TempDir
    Path out;

    @Test
    void aReplayOnAnotherScheduleHasTheSameParametersEveryEpoch() {
        Console first = Console.run(
                "run",
                "--master",
                "local[2]",
                "--steps",
                "3",
                "--epochs",
                "2",
                "--train-limit",
                "600",
                "--validation",
                "100",
                "--test-limit",
                "100",
                "--workers",
                "2",
                "--averaging-frequency",
                "2",
                "--seed",
                "9",
                "--data",
                TestData.mnistDir().toString(),
                "--out",
                out.toString(),
                "--run-id",
                "orig");
        assertThat(first.exitCode()).as(first.err()).isZero();

        Console replay =
                Console.run("replay", "orig", "--out", out.toString(), "--master", "local[1]", "--run-id", "again");
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.out())
                .containsPattern("step 3 epoch 1: [0-9a-f]{12} same")
                .contains("replay 'again' of 'orig': all 2 epochs have the same parameters");
    }

    @Test
    void anUnknownRunIsBadInput() {
        Console c = Console.run("replay", "nope", "--out", out.toString());
        assertThat(c.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err()).startsWith("drilldown: no run manifest ").doesNotContain("\tat ");
    }
}

package org.drilldown.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.drilldown.TestData;

/**
 * The command line of a tiny real run for CLI tests: {@code local[2]}, 2 workers averaging every 2 minibatches
 * (every one on the steps of batch 128, which the default keep-batch splits in two), 200 validation and 200 test
 * images of the real MNIST files; the test names the steps, epochs and training images, and adds what it needs
 * ({@code --conf}, ...).
 */
final class TinyRun {
    private TinyRun() {}

    static String[] args(Path out, String runId, String steps, int epochs, int trainImages, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "run",
                "--master",
                "local[2]",
                "--steps",
                steps,
                "--epochs",
                String.valueOf(epochs),
                "--train-limit",
                String.valueOf(trainImages),
                "--validation",
                "200",
                "--test-limit",
                "200",
                "--workers",
                "2",
                "--averaging-frequency",
                "2",
                "--data",
                TestData.mnistDir().toString(),
                "--out",
                out.toString(),
                "--run-id",
                runId));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }
}

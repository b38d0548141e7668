package org.drilldown.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.drilldown.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gives one clear message and exit code 2, before Spark starts and without a stack trace. */
class BadInputTest {
    @TempDir
    Path tmp;

    /** Only {@link org.drilldown.config.BadInput} is bad input: an IllegalArgumentException from a library is a failure. */
    @Test
    void onlyBadInputExitsTwoAndAnythingElseShowsItsStackTrace() {
        java.io.StringWriter bad = new java.io.StringWriter();
        assertThat(Main.exitCode(
                        new org.drilldown.config.ConfigError("drilldown.seed", "x", "a number"),
                        new java.io.PrintWriter(bad, true)))
                .isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(bad.toString())
                .isEqualTo("drilldown: config key 'drilldown.seed' = x: a number" + System.lineSeparator());

        java.io.StringWriter failed = new java.io.StringWriter();
        assertThat(Main.exitCode(
                        new IllegalArgumentException("shape mismatch inside DL4J"),
                        new java.io.PrintWriter(failed, true)))
                .isEqualTo(Main.EXIT_FAILED);
        assertThat(failed.toString())
                .contains(
                        "drilldown: failed: java.lang.IllegalArgumentException: shape mismatch",
                        "\tat org.drilldown.cli.BadInputTest");
    }

    /** A diverged epoch is a failure (exit 1) the user can act on: one line, no stack trace. */
    @Test
    void aDivergedTrainingIsOneLineAndExitOne() {
        java.io.StringWriter err = new java.io.StringWriter();
        assertThat(Main.exitCode(
                        new org.drilldown.train.TrainingDiverged("4", 3, 0.15, Double.NaN),
                        new java.io.PrintWriter(err, true)))
                .isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString())
                .isEqualTo("drilldown: failed: training diverged: step 4 epoch 3 has training loss NaN"
                        + " at learning rate 0.15; lower drilldown.steps.4.learning-rate (or its lr-schedule factors)"
                        + System.lineSeparator());
    }

    @Test
    void unknownStep() {
        Console c = Console.run("run", "--steps", "2,9", "--out", tmp.toString());
        assertThat(c.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err())
                .contains("'drilldown.run-steps' = 9", "unknown step")
                .doesNotContain("\tat ");
    }

    @Test
    void wrongDataPath() {
        Path missing = tmp.resolve("no-mnist-here");
        Console c = Console.run("run", "--data", missing.toString(), "--out", tmp.toString());
        assertThat(c.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err()).contains(missing.toString(), "no such data directory", "fetch-mnist.sh");
    }

    @Test
    void corruptIdxFile() throws Exception {
        Path data = tmp.resolve("mnist");
        Files.createDirectories(data);
        for (String f : new String[] {
            "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"
        }) {
            Files.copy(TestData.mnistDir().resolve(f), data.resolve(f));
        }
        byte[] labels = Files.readAllBytes(data.resolve("t10k-labels-idx1-ubyte"));
        labels[100] = 42;
        Files.write(data.resolve("t10k-labels-idx1-ubyte"), labels);

        Console c = Console.run(
                "run", "--data", data.toString(), "--out", tmp.resolve("out").toString());
        assertThat(c.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err()).contains("t10k-labels-idx1-ubyte", "label 42 at index 92 is outside 0-9");
        assertThat(tmp.resolve("out").resolve("metrics")).doesNotExist();
    }

    @Test
    void badOptionsAndValues() {
        Console unknown = Console.run("run", "--epoch", "3");
        assertThat(unknown.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        // One line, as every bad input: picocli's suggestions folded in, its usage text left out.
        assertThat(unknown.err())
                .isEqualTo("drilldown: Unknown options: '--epoch', '3'; possible solutions: --epochs;"
                        + " see drilldown run --help" + System.lineSeparator());

        Console notANumber = Console.run("run", "--workers", "two");
        assertThat(notANumber.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(notANumber.err())
                .isEqualTo("drilldown: Invalid value for option '--workers': 'two' is not an int;"
                        + " see drilldown run --help" + System.lineSeparator());

        Console negative = Console.run("run", "--epochs", "-1", "--out", tmp.toString());
        assertThat(negative.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(negative.err()).contains("'drilldown.epochs' = -1");
    }

    @Test
    void anEpochCapPastTheBoundAndAStepNamedTwiceAreRefused() {
        Console huge = Console.run("run", "--epochs", "1000000", "--out", tmp.toString());
        assertThat(huge.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(huge.err())
                .isEqualTo("drilldown: config key 'drilldown.epochs' = 1000000: 0 (each step's own count)"
                        + " or a cap in 1..1000" + System.lineSeparator());

        Console twice = Console.run("run", "--steps", "4,4", "--out", tmp.toString());
        assertThat(twice.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(twice.err())
                .contains("'drilldown.run-steps' = [4, 4]: step 4 is named twice")
                .doesNotContain("\tat ");
    }

    @Test
    void aConfFileWithASyntaxErrorIsOneLineNamingFileAndLine() throws java.io.IOException {
        Path conf = Files.writeString(tmp.resolve("broken.conf"), "drilldown {\n  seed = 5\n  epochs = [\n");
        Console c = Console.run("run", "--conf", conf.toString(), "--out", tmp.toString());
        assertThat(c.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err()).startsWith("drilldown: " + conf + ": line 4: ").doesNotContain("\tat ");
        assertThat(c.err().lines()).hasSize(1);
    }

    /** A header claiming 10,000,000 images in a small gzip is refused from the header, in one line. */
    @Test
    void aSplitLargerThanTheHeapIsRefusedInOneLine() throws java.io.IOException {
        Path data = Files.createDirectories(tmp.resolve("mnist"));
        for (String f : new String[] {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
            Files.copy(TestData.mnistDir().resolve(f), data.resolve(f));
        }
        gzip(
                data.resolve("train-images-idx3-ubyte.gz"),
                java.nio.ByteBuffer.allocate(16 + 784 * 10)
                        .putInt(0x803)
                        .putInt(10_000_000)
                        .putInt(28)
                        .putInt(28)
                        .array());
        gzip(
                data.resolve("train-labels-idx1-ubyte.gz"),
                java.nio.ByteBuffer.allocate(8 + 10)
                        .putInt(0x801)
                        .putInt(10_000_000)
                        .array());
        Console c = Console.run(
                "run", "--data", data.toString(), "--out", tmp.resolve("out").toString());
        assertThat(c.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err())
                .startsWith("drilldown: " + data.resolve("train-images-idx3-ubyte.gz")
                        + ": 10000000 images need about 7.5 GiB of heap to read")
                .doesNotContain("\tat ");
    }

    private static void gzip(Path file, byte[] content) throws java.io.IOException {
        try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
    }

    @Test
    void queryWithoutTables() {
        Console c = Console.run("query", "--out", tmp.toString(), "select 1");
        assertThat(c.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err()).contains("no metric tables under " + tmp.resolve("metrics"));
    }

    @Test
    void anUnusableRunIdAndAnUnwritableOutputAreRefusedBeforeSparkStarts() throws java.io.IOException {
        String data = org.drilldown.TestData.mnistDir().toString();
        Console badId = Console.run("run", "--data", data, "--out", tmp.toString(), "--run-id", "a b");
        assertThat(badId.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(badId.err()).contains("--run-id 'a b': a run id is 1 to 128 letters, digits");

        // A path below a regular file can never be created, whoever runs the test (root ignores modes).
        java.nio.file.Path file = java.nio.file.Files.writeString(tmp.resolve("a-file"), "x");
        Console unwritable =
                Console.run("run", "--data", data, "--out", file.resolve("out").toString());
        assertThat(unwritable.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(unwritable.err())
                .contains(
                        "output directory " + file.resolve("out") + " is not writable",
                        "pass --out DIR you can write to");
    }

    /** A run id names a directory: '..' or '.' would put the run's files in OUT itself (and its report's in OUT/report/..). */
    @Test
    void dotOnlyAndMalformedRunIdsAreRefusedWhereverAnIdComesIn() {
        String data = TestData.mnistDir().toString();
        for (String id : new String[] {"..", ".", "-x", ".hidden", "a".repeat(129)}) {
            // A plan that Spark would refuse, should the id pass: the test stays short either way.
            Console run = Console.run(
                    "run",
                    "--data",
                    data,
                    "--out",
                    tmp.toString(),
                    "--run-id",
                    id,
                    "--steps",
                    "3",
                    "--epochs",
                    "1",
                    "--train-limit",
                    "500",
                    "--test-limit",
                    "100",
                    "--averaging-frequency",
                    "100000");
            assertThat(run.exitCode()).as(id).isEqualTo(Main.EXIT_BAD_INPUT);
            assertThat(run.err())
                    .as(id)
                    .isEqualTo("drilldown: --run-id '" + id + "': " + RUN_ID_RULE + System.lineSeparator());
        }
        assertThat(tmp.resolve("driver.lock")).doesNotExist();
        assertThat(tmp.resolve("runs")).doesNotExist();

        Console resume = Console.run("run", "--resume", "..", "--out", tmp.toString());
        assertThat(resume.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(resume.err()).contains("--resume '..': " + RUN_ID_RULE);

        Console report = Console.run("report", "--out", tmp.toString(), "--run-id", "..");
        assertThat(report.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(report.err()).contains("--run-id '..': " + RUN_ID_RULE);
    }

    private static final String RUN_ID_RULE =
            "a run id is 1 to 128 letters, digits, '.', '_' and '-', starting with a" + " letter or digit";

    /** An export directory that cannot be created is named with its key before Spark starts, not a failure inside training. */
    @Test
    void anExportDirectoryThatCannotBeCreatedIsRefusedBeforeSparkStarts() throws java.io.IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Path conf = Files.writeString(
                tmp.resolve("export.conf"), "drilldown.training.export-dir = \"" + file.resolve("sub") + "\"\n");
        Console c = Console.run(
                "run",
                "--conf",
                conf.toString(),
                "--data",
                TestData.mnistDir().toString(),
                "--out",
                tmp.resolve("out").toString(),
                "--steps",
                "3",
                "--epochs",
                "1",
                "--train-limit",
                "500",
                "--test-limit",
                "100",
                "--averaging-frequency",
                "1",
                "--run-id",
                "export");
        assertThat(c.exitCode()).as(c.err()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err())
                .startsWith("drilldown: drilldown.training.export-dir: cannot create or write " + file.resolve("sub"))
                .contains("set drilldown.training.export-dir to a directory you can write to")
                .doesNotContain("\tat ");
        assertThat(tmp.resolve("out/runs/export")).doesNotExist();
    }
}

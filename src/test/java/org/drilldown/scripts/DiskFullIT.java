package org.drilldown.scripts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.drilldown.Scripts;
import org.drilldown.SharedSpark;
import org.drilldown.metrics.MetricsLocation;
import org.drilldown.metrics.MetricsReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --out} on a small tmpfs, as a user with a full disk meets it: a disk too small for an epoch's
 * minibatch files is refused before training; a disk that fills mid-run ends with one line naming the output
 * directory and the fix, and the tables hold whole rows of the completed epochs. Mounting needs root (CI runs
 * as root); elsewhere these tests are skipped.
 */
class DiskFullIT {
    @TempDir
    Path tmp;

    Path disk;

    private void mount(String size) throws Exception {
        disk = Files.createDirectories(tmp.resolve("disk"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", disk.toString())
                .redirectErrorStream(true)
                .start();
        assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "mounting a tmpfs needs root");
    }

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            new ProcessBuilder("umount", disk.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aDiskTooSmallForAnEpochIsRefusedBeforeTraining() throws Exception {
        mount("600k");
        Scripts.Result r = Scripts.run(
                tmp,
                tmp.resolve("small.log"),
                300,
                Map.of(),
                "scripts/run-local.sh",
                "--steps",
                "2",
                "--epochs",
                "1",
                "--train-limit",
                "3000",
                "--test-limit",
                "200",
                "--workers",
                "2",
                "--averaging-frequency",
                "3",
                "--out",
                disk.resolve("out").toString());
        assertThat(r.code()).as(r.output()).isEqualTo(2);
        assertThat(r.output())
                .containsPattern(
                        "drilldown: an epoch's minibatch files need about \\d+ MB under .*"
                                + "only 0 MB are free there; free space, or point --out or drilldown.training.export-dir at a disk with room")
                .doesNotContain("\tat ");
    }

    @Test
    void aDiskThatFillsMidRunEndsInOneLineWithWholeRows() throws Exception {
        mount("80m"); // room for the plan check (3,000 images: ~74 MB with the margin), filled below
        Path out = disk.resolve("out");
        Path log = tmp.resolve("fills.log");
        Process run = Scripts.start(
                tmp,
                log,
                Map.of(),
                List.of(
                        "scripts/run-local.sh",
                        "--steps",
                        "2",
                        "--epochs",
                        "4",
                        "--train-limit",
                        "3000",
                        "--test-limit",
                        "200",
                        "--workers",
                        "2",
                        "--averaging-frequency",
                        "3",
                        "--out",
                        out.toString(),
                        "--run-id",
                        "fills"));
        Scripts.awaitFirstEpochRow(out, run, log);
        fill(disk);

        assertThat(run.waitFor(300, TimeUnit.SECONDS)).as("run ended").isTrue();
        String output = Files.readString(log);
        assertThat(run.exitValue()).as(output).isEqualTo(1);
        List<String> ours =
                output.lines().filter(l -> l.startsWith("drilldown:")).toList();
        assertThat(ours)
                .as(output)
                .containsExactly("drilldown: failed: no space left on device while writing under "
                        + out + " (minibatch files under " + out.resolve("tmp/export/fills")
                        + "); free space there, or point"
                        + " --out or drilldown.training.export-dir at a disk with room");
        assertThat(output.substring(output.indexOf("drilldown: failed:"))).doesNotContain("\tat ");

        Files.deleteIfExists(disk.resolve("filler")); // the reader needs no room, but Spark's scratch does
        MetricsReader.registerViews(SharedSpark.get(), new MetricsLocation(out));
        Row status = SharedSpark.get()
                .sql("select status from runs where run_id = 'fills'")
                .first();
        assertThat(status.getString(0)).isIn("failed", "interrupted");
        List<Row> epochs = SharedSpark.get()
                .sql("select epoch, test_accuracy from epochs order by epoch")
                .collectAsList();
        assertThat(epochs).isNotEmpty();
        assertThat(epochs)
                .extracting(r -> r.getInt(0))
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, epochs.size())
                        .boxed()
                        .toList());
        assertThat(epochs).allSatisfy(r -> assertThat(r.getDouble(1)).isBetween(0.0, 100.0));
    }

    /** Writes until the disk refuses. */
    private static void fill(Path disk) throws IOException {
        byte[] block = new byte[1 << 20];
        try (OutputStream filler = Files.newOutputStream(disk.resolve("filler"))) {
            while (true) {
                filler.write(block);
            }
        } catch (IOException expected) {
            // No space left on device: the disk is full.
        }
    }
}

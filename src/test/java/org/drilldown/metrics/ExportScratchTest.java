package org.drilldown.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's start removes the export scratch of dead runs, and only theirs. */
class ExportScratchTest {
    @TempDir
    Path tmp;

    @Test
    void aDeadRunsScratchGoesAndALiveOnesStays() throws Exception {
        MetricsLocation out = new MetricsLocation(tmp.resolve("out"));
        Path dead = scratchOf(out, "dead");
        Files.writeString(Files.createDirectories(out.runDir("dead").local()).resolve("driver.lock"), "");
        Path live = scratchOf(out, "live");
        Path elsewhere = scratchOf(out, "other-out"); // no runs/other-out here: another output's run
        Path notAnId = scratchOf(out, ".hidden");
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "x");
        Files.createDirectories(out.runDir("link").local());
        Files.writeString(out.driverLock("link").local(), "");
        Files.createSymbolicLink(out.exportScratch().local().resolve("link"), outside);

        try (DriverLock held = DriverLock.acquire(out, "live")) {
            assertThat(ExportScratch.removeDead(out)).containsExactly("dead");
        }
        assertThat(dead).doesNotExist();
        assertThat(out.driverLock("dead").local()).exists(); // the run itself is untouched
        assertThat(live.resolve("batches-1-1/part-0-0.bin")).exists();
        assertThat(elsewhere).exists();
        assertThat(notAnId).exists();
        assertThat(outside.resolve("keep.txt")).exists();
    }

    /** A driver in another process, as a live run is: its lock is probed, never broken. */
    @Test
    void theScratchOfADriverInAnotherProcessStays() throws Exception {
        MetricsLocation out = new MetricsLocation(tmp.resolve("out"));
        Path live = scratchOf(out, "elsewhere");
        Files.createDirectories(out.runDir("elsewhere").local());
        Path holder = Files.writeString(
                tmp.resolve("Hold.java"),
                """
                public class Hold {
                    public static void main(String[] a) throws Exception {
                        try (var c = java.nio.channels.FileChannel.open(java.nio.file.Path.of(a[0]),
                                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                             var l = c.lock()) {
                            System.out.println("locked");
                            System.in.read(); // until the test closes our stdin
                        }
                    }
                }
                """);
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        holder.toString(),
                        out.driverLock("elsewhere").local().toString())
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader lines =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(lines.readLine()).isEqualTo("locked");
            assertThat(ExportScratch.removeDead(out)).isEmpty();
            assertThat(live.resolve("batches-1-1/part-0-0.bin")).exists();
        } finally {
            p.getOutputStream().close();
            p.waitFor(30, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
        // Its driver gone, the next start removes it.
        assertThat(ExportScratch.removeDead(out)).containsExactly("elsewhere");
        assertThat(live).doesNotExist();
    }

    private static Path scratchOf(MetricsLocation out, String id) throws Exception {
        Path dir = out.exportScratch().local().resolve(id);
        Files.writeString(Files.createDirectories(dir.resolve("batches-1-1")).resolve("part-0-0.bin"), "batch");
        return dir;
    }
}

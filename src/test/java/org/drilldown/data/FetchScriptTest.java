package org.drilldown.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.drilldown.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/fetch-mnist.sh on a directory that already holds the files: it checks them, offline. */
class FetchScriptTest {
    @TempDir
    Path dir;

    @Test
    void intactFilesPass() throws Exception {
        copyRealFiles();
        Result r = fetch();
        assertThat(r.code).as(r.output).isZero();
        assertThat(r.output).contains("checksums match");
    }

    @Test
    void aChangedByteIsAChecksumMismatchNamingTheFile() throws Exception {
        copyRealFiles();
        Path labels = dir.resolve("t10k-labels-idx1-ubyte");
        byte[] bytes = Files.readAllBytes(labels);
        bytes[100] ^= 1;
        Files.write(labels, bytes);
        Result r = fetch();
        assertThat(r.code).isEqualTo(1);
        assertThat(r.output).contains(labels + ": SHA-256", "does not match the expected ff7bcfd4");
    }

    @Test
    void aMissingFileIsNamed() throws Exception {
        copyRealFiles();
        Files.delete(dir.resolve("t10k-images-idx3-ubyte"));
        Result r = fetch();
        assertThat(r.code).isEqualTo(1);
        assertThat(r.output).contains(dir.resolve("t10k-images-idx3-ubyte") + " is missing");
    }

    private record Result(int code, String output) {}

    private Result fetch() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "scripts/fetch-mnist.sh", dir.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private void copyRealFiles() throws IOException {
        try (var files = Files.list(TestData.mnistDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
    }
}

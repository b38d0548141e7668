package org.drilldown.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.drilldown.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small fuzz of the IDX reader on the real MNIST files: random truncations and bit flips, plain and
 * gzip. The reader must never hang, never throw anything but its own {@link IdxFormatException}, and never
 * return a label outside 0-9 or an image of the wrong size. Seeded, so a failure replays.
 */
class IdxFuzzTest {
    private static final long SEED = 20261125L;
    private static final int CASES = 300;

    @TempDir
    Path tmp;

    @Test
    void mutatedLabelFilesFailCleanlyOrYieldOnlyValidLabels() throws IOException {
        byte[] real = Files.readAllBytes(TestData.mnistDir().resolve("t10k-labels-idx1-ubyte"));
        fuzz(real, "labels", file -> {
            byte[] labels = IdxReader.readLabels(file, MnistSplit.CLASSES);
            for (byte label : labels) {
                assertThat(label & 0xFF).isLessThan(10);
            }
        });
    }

    @Test
    void mutatedImageFilesFailCleanlyOrYieldWholeImages() throws IOException {
        // The first 500 real test images under a header that says 500, to keep each case small.
        byte[] all = Files.readAllBytes(TestData.mnistDir().resolve("t10k-images-idx3-ubyte"));
        byte[] real = Arrays.copyOf(all, 16 + 500 * MnistSplit.PIXELS);
        ByteBuffer.wrap(real).putInt(4, 500);
        fuzz(real, "images", file -> {
            byte[][] images = IdxReader.readImages(file, MnistSplit.ROWS, MnistSplit.COLS);
            for (byte[] image : images) {
                assertThat(image).hasSize(MnistSplit.PIXELS);
            }
        });
    }

    private interface Read {
        void accept(Path file);
    }

    private void fuzz(byte[] real, String kind, Read read) throws IOException {
        Random random = new Random(SEED);
        int clean = 0;
        int refused = 0;
        for (int i = 0; i < CASES; i++) {
            boolean gzip = i % 3 == 2;
            byte[] bytes = gzip ? gzip(real) : real.clone();
            String mutation;
            if (random.nextBoolean()) {
                int length = random.nextInt(bytes.length);
                bytes = Arrays.copyOf(bytes, length);
                mutation = "truncated to " + length;
            } else {
                int flips = 1 + random.nextInt(8);
                // Half the flips land in the first 64 bytes, where the header (and gzip's) lives.
                StringBuilder where = new StringBuilder("bits flipped at");
                for (int f = 0; f < flips; f++) {
                    int at = random.nextBoolean()
                            ? random.nextInt(Math.min(64, bytes.length))
                            : random.nextInt(bytes.length);
                    bytes[at] ^= (byte) (1 << random.nextInt(8));
                    where.append(' ').append(at);
                }
                mutation = where.toString();
            }
            Path file = Files.write(tmp.resolve(kind + "-" + i + (gzip ? ".gz" : "")), bytes);
            String label = "case " + i + " (seed " + SEED + ", " + (gzip ? "gzip, " : "") + mutation + ")";
            try {
                assertTimeoutPreemptively(Duration.ofSeconds(10), () -> read.accept(file), label + " hung");
                clean++;
            } catch (IdxFormatException e) {
                assertThat(e.getMessage()).as(label).contains(file.toString());
                refused++;
            } catch (AssertionError e) {
                throw e;
            } catch (Throwable e) {
                fail(label + ": threw " + e + " instead of IdxFormatException", e);
            } finally {
                Files.delete(file);
            }
        }
        // Both outcomes occur: flips in pixel or label bytes can leave a valid file, truncations never do.
        assertThat(refused).isGreaterThan(CASES / 3);
        assertThat(clean + refused).isEqualTo(CASES);
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }
}

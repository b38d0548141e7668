package org.drilldown.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.drilldown.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheRealMnistFilesWithTheirKnownCounts() {
        MnistFiles files = new MnistFiles(TestData.mnistDir()).requirePresent();
        MnistSplit train = files.train();
        MnistSplit test = files.test();

        assertThat(train.size()).isEqualTo(60_000);
        assertThat(test.size()).isEqualTo(10_000);
        assertThat(train.images()[0]).hasSize(784);
        // MNIST's published class counts: the first training label is a 5, 5923 zeros, 1135 test ones.
        assertThat(train.labels()[0]).isEqualTo((byte) 5);
        assertThat(count(train.labels(), 0)).isEqualTo(5923);
        assertThat(count(test.labels(), 1)).isEqualTo(1135);
        assertThat(files.checksums())
                .containsEntry(
                        "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");
    }

    @Test
    void readsGzippedFilesLikePlainOnes() throws IOException {
        byte[] content = IdxFiles.images(3, 28, 28);
        Path plain = IdxFiles.write(tmp.resolve("a-images-idx3-ubyte"), content);
        Path gz = IdxFiles.writeGzip(tmp.resolve("b-images-idx3-ubyte.gz"), content);

        byte[][] fromPlain = IdxReader.readImages(plain, 28, 28);
        byte[][] fromGz = IdxReader.readImages(gz, 28, 28);

        assertThat(fromGz).hasDimensions(3, 784);
        assertThat(Arrays.deepEquals(fromPlain, fromGz)).isTrue();
        assertThat(fromPlain[1][0]).isEqualTo((byte) (784 % 256));
    }

    @Test
    void rejectsAWrongMagicNumber() throws IOException {
        Path labelsAsImages = IdxFiles.write(tmp.resolve("x-images-idx3-ubyte"), IdxFiles.labels(1, 2, 3));
        assertThatThrownBy(() -> IdxReader.readImages(labelsAsImages, 28, 28))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining(labelsAsImages.toString())
                .hasMessageContaining("magic number 0x00000801");
    }

    @Test
    void rejectsATruncatedFile() throws IOException {
        byte[] full = IdxFiles.images(4, 28, 28);
        Path cut = IdxFiles.write(tmp.resolve("cut-images"), Arrays.copyOf(full, full.length - 100));
        assertThatThrownBy(() -> IdxReader.readImages(cut, 28, 28))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining(cut.toString())
                .hasMessageContaining("truncated");
        Path cutGz = IdxFiles.writeGzip(tmp.resolve("cut-images.gz"), Arrays.copyOf(full, full.length - 100));
        assertThatThrownBy(() -> IdxReader.readImages(cutGz, 28, 28))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void rejectsTrailingBytesAndWrongImageSize() throws IOException {
        byte[] full = IdxFiles.images(2, 28, 28);
        Path longer = IdxFiles.write(tmp.resolve("long-images"), Arrays.copyOf(full, full.length + 1));
        assertThatThrownBy(() -> IdxReader.readImages(longer, 28, 28))
                .hasMessageContaining("bytes after the last item");
        Path small = IdxFiles.write(tmp.resolve("small-images"), IdxFiles.images(2, 20, 20));
        assertThatThrownBy(() -> IdxReader.readImages(small, 28, 28)).hasMessageContaining("images are 20x20");
    }

    @Test
    void rejectsALabelOutsideTheClasses() throws IOException {
        Path labels = IdxFiles.write(tmp.resolve("bad-labels"), IdxFiles.labels(3, 9, 12));
        assertThatThrownBy(() -> IdxReader.readLabels(labels, 10))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("label 12 at index 2 is outside 0-9");
    }

    @Test
    void rejectsGzipNameOnNonGzipData() throws IOException {
        Path fake = IdxFiles.write(tmp.resolve("fake-labels.gz"), IdxFiles.labels(1, 2));
        assertThatThrownBy(() -> IdxReader.readLabels(fake, 10))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("not gzip");
    }

    @Test
    void rejectsImageAndLabelCountMismatchAndMissingFiles() throws IOException {
        IdxFiles.write(tmp.resolve("train-images-idx3-ubyte"), IdxFiles.images(3, 28, 28));
        IdxFiles.write(tmp.resolve("train-labels-idx1-ubyte"), IdxFiles.labels(1, 2));
        MnistFiles files = new MnistFiles(tmp);
        assertThatThrownBy(files::train)
                .hasMessageContaining("holds 2 labels but train-images-idx3-ubyte holds 3 images");
        assertThatThrownBy(files::requirePresent)
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("t10k-images-idx3-ubyte")
                .hasMessageContaining("missing");
        assertThatThrownBy(() -> new MnistFiles(tmp.resolve("nowhere")).requirePresent())
                .hasMessageContaining("no such data directory");
    }

    /**
     * A header may claim up to 10,000,000 images (7.84 GB as bytes); one that claims more than the heap can
     * hold is refused from the header, before anything is read, with the bytes needed and the limit to pass.
     */
    @Test
    void aSplitThatCannotFitTheHeapIsRefusedBeforeReading() throws IOException {
        writeSplits(tmp, HUGE, 5);
        long start = System.nanoTime();
        assertThatThrownBy(() -> MnistData.load(tmp, 0, 0, 0))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageStartingWith(tmp.resolve("train-images-idx3-ubyte.gz")
                        + ": 10000000 images need about 7.5 GiB of heap to read, more than the ")
                .hasMessageContaining("pass --train-limit N or raise -Xmx in DRILLDOWN_JAVA_OPTS");
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(5.0);
    }

    /** A limit reads that many images and labels and no more: the rest of a 10,000,000-image header is never read. */
    @Test
    void aLimitReadsOnlyTheImagesItAsksFor() throws IOException {
        writeSplits(tmp, HUGE, 5);
        MnistData data = MnistData.load(tmp, 3, 4, 0);
        assertThat(data.train().size()).isEqualTo(3);
        assertThat(data.test().size()).isEqualTo(4);
        assertThat(data.train().images()[2][0]).isEqualTo((byte) (2 * 784 % 256));
    }

    /** A sparse plain file with a consistent 10,000,000-image header: refused from its header, not read. */
    @Test
    void aHugePlainFileIsRefusedFromItsHeader() throws IOException {
        writeSplits(tmp, HUGE, 5);
        Path file = tmp.resolve("train-images-idx3-ubyte"); // the plain file is read before the .gz beside it
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.write(IdxFiles.images(0, 28, 28));
            f.seek(4);
            f.writeInt(HUGE);
            f.setLength(16 + (long) HUGE * 784); // sparse: no disk used for the zeros
        }
        long start = System.nanoTime();
        assertThatThrownBy(() -> MnistData.load(tmp, 0, 0, 0))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageStartingWith(file + ": 10000000 images need about 7.5 GiB of heap");
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(5.0);
    }

    @Test
    void limitKeepsTheFirstExamples() {
        MnistSplit split = new MnistSplit("t", new byte[][] {{1}, {2}, {3}}, new byte[] {7, 8, 9});
        assertThat(split.limit(2).labels()).containsExactly(7, 8);
        assertThat(split.limit(0).size()).isEqualTo(3);
    }

    private static final int HUGE = 10_000_000;

    /** The four MNIST files, gzipped, each holding {@code present} items under a header that claims {@code claimed}. */
    private static void writeSplits(Path dir, int claimed, int present) throws IOException {
        for (String prefix : new String[] {"train", "t10k"}) {
            byte[] images = IdxFiles.images(present, 28, 28);
            java.nio.ByteBuffer.wrap(images).putInt(4, claimed);
            IdxFiles.writeGzip(dir.resolve(prefix + "-images-idx3-ubyte.gz"), images);
            byte[] labels = IdxFiles.labels(new int[present]);
            java.nio.ByteBuffer.wrap(labels).putInt(4, claimed);
            IdxFiles.writeGzip(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), labels);
        }
    }

    private static long count(byte[] labels, int label) {
        long n = 0;
        for (byte b : labels) {
            if (b == label) {
                n++;
            }
        }
        return n;
    }
}

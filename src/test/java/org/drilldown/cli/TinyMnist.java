package org.drilldown.cli;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Five images a split, as IDX files: the command line reads them in milliseconds, and one can be broken on purpose. */
final class TinyMnist {
    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    private TinyMnist() {}

    /** The four files of five images each under {@code dir}; returns {@code dir}. */
    static Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(TRAIN_IMAGES), images(5, 28, 28));
        Files.write(dir.resolve(TRAIN_LABELS), labels(1, 2, 3, 4, 5));
        Files.write(dir.resolve(TEST_IMAGES), images(5, 28, 28));
        Files.write(dir.resolve(TEST_LABELS), labels(1, 2, 3, 4, 5));
        return dir;
    }

    static byte[] images(int count, int rows, int cols) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x803);
        out.writeInt(count);
        out.writeInt(rows);
        out.writeInt(cols);
        out.write(new byte[count * rows * cols]);
        return bytes.toByteArray();
    }

    static byte[] labels(int... labels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x801);
        out.writeInt(labels.length);
        for (int label : labels) {
            out.write(label);
        }
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }
}

package org.drilldown.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST format: big-endian magic {@code 0x000008NN}, NN dimensions, then unsigned
 * bytes), plain or gzipped. Every check names the file: wrong magic, bad dimensions, truncation,
 * trailing bytes, labels outside the allowed range.
 */
public final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;
    private static final int MAX_ITEMS = 10_000_000;

    private IdxReader() {}

    /** Images as {@code [count][rows*cols]} unsigned bytes; expects a 3-dimensional file of {@code rows x cols}. */
    public static byte[][] readImages(Path file, int rows, int cols) {
        return readImages(file, rows, cols, 0);
    }

    /**
     * The first {@code limit} images (0 = all): nothing after them is read, so a limit bounds the memory and
     * time a read takes whatever the header claims.
     */
    public static byte[][] readImages(Path file, int rows, int cols, int limit) {
        try (DataInputStream in = open(file)) {
            int[] dims = header(in, file, 3);
            if (dims[1] != rows || dims[2] != cols) {
                throw new IdxFormatException(
                        file, "images are " + dims[1] + "x" + dims[2] + ", expected " + rows + "x" + cols);
            }
            expectSize(file, 16, (long) dims[0] * rows * cols);
            byte[][] images = new byte[limited(dims[0], limit)][];
            for (int i = 0; i < images.length; i++) {
                images[i] = new byte[rows * cols];
                readFully(in, images[i], file, "image " + i + " of " + dims[0]);
            }
            if (images.length == dims[0]) {
                expectEnd(in, file);
            }
            return images;
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }

    /** Labels as values in {@code [0, classes)}; expects a 1-dimensional file. */
    public static byte[] readLabels(Path file, int classes) {
        return readLabels(file, classes, 0);
    }

    /** The first {@code limit} labels (0 = all); nothing after them is read. */
    public static byte[] readLabels(Path file, int classes, int limit) {
        try (DataInputStream in = open(file)) {
            int[] dims = header(in, file, 1);
            expectSize(file, 8, dims[0]);
            byte[] labels = new byte[limited(dims[0], limit)];
            readFully(in, labels, file, "labels");
            for (int i = 0; i < labels.length; i++) {
                int label = labels[i] & 0xFF;
                if (label >= classes) {
                    throw new IdxFormatException(
                            file, "label " + label + " at index " + i + " is outside 0-" + (classes - 1));
                }
            }
            if (labels.length == dims[0]) {
                expectEnd(in, file);
            }
            return labels;
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }

    /** The item count a file's header claims (its first dimension), read and checked without reading the items. */
    public static int count(Path file, int dimensions) {
        try (DataInputStream in = open(file)) {
            return header(in, file, dimensions)[0];
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }

    private static int limited(int count, int limit) {
        return limit > 0 ? Math.min(limit, count) : count;
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IdxFormatException(file, "no such file");
        }
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        if (isGzip(file)) {
            try {
                raw = new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
            } catch (ZipException e) {
                raw.close();
                throw new IdxFormatException(file, "named .gz but is not gzip data (" + e.getMessage() + ")");
            }
        }
        return new DataInputStream(raw);
    }

    /** By name, as the fetch script writes them; the whole path's string, which has no null name to dodge. */
    private static boolean isGzip(Path file) {
        return file.toString().endsWith(".gz");
    }

    private static int[] header(DataInputStream in, Path file, int expectedDims) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new IdxFormatException(file, "shorter than an IDX header");
        }
        int type = (magic >>> 8) & 0xFF;
        int dimCount = magic & 0xFF;
        if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || dimCount != expectedDims) {
            throw new IdxFormatException(
                    file,
                    String.format(
                            "magic number 0x%08X is not an unsigned-byte IDX file of %d dimension(s) (expected 0x%08X)",
                            magic, expectedDims, (UNSIGNED_BYTE << 8) | expectedDims));
        }
        int[] dims = new int[dimCount];
        for (int i = 0; i < dimCount; i++) {
            try {
                dims[i] = in.readInt();
            } catch (EOFException e) {
                throw new IdxFormatException(file, "truncated in its header");
            }
            if (dims[i] <= 0 || dims[i] > MAX_ITEMS) {
                throw new IdxFormatException(file, "dimension " + i + " is " + dims[i] + ", expected 1.." + MAX_ITEMS);
            }
        }
        return dims;
    }

    /** For plain files the size is known up front: refuse a truncated one before allocating for it. */
    private static void expectSize(Path file, int headerBytes, long payloadBytes) throws IOException {
        if (isGzip(file)) {
            return;
        }
        long expected = headerBytes + payloadBytes;
        long actual = Files.size(file);
        if (actual < expected) {
            throw new IdxFormatException(file, "truncated: header promises " + expected + " bytes, file has " + actual);
        }
    }

    private static void readFully(DataInputStream in, byte[] into, Path file, String what) throws IOException {
        try {
            in.readFully(into);
        } catch (EOFException e) {
            throw new IdxFormatException(file, "truncated: ends inside " + what);
        }
    }

    private static void expectEnd(DataInputStream in, Path file) throws IOException {
        if (in.read() != -1) {
            throw new IdxFormatException(file, "has bytes after the last item its header counts");
        }
    }

    private static IdxFormatException ioFailure(Path file, IOException e) {
        return new IdxFormatException(
                file, "cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
    }
}

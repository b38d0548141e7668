package org.drilldown.data;

/** One split of MNIST held on the driver: images as unsigned bytes, row-major 28x28, and their labels. */
public record MnistSplit(String name, byte[][] images, byte[] labels) {
    public static final int ROWS = 28;
    public static final int COLS = 28;
    public static final int PIXELS = ROWS * COLS;
    public static final int CLASSES = 10;

    public int size() {
        return labels.length;
    }

    /** Examples {@code from} (inclusive) to {@code to} (exclusive), as split {@code newName}. */
    public MnistSplit slice(String newName, int from, int to) {
        return new MnistSplit(
                newName,
                java.util.Arrays.copyOfRange(images, from, to),
                java.util.Arrays.copyOfRange(labels, from, to));
    }

    /** The first {@code limit} examples (0 = all). */
    public MnistSplit limit(int limit) {
        if (limit <= 0 || limit >= size()) {
            return this;
        }
        byte[][] im = java.util.Arrays.copyOf(images, limit);
        byte[] lb = java.util.Arrays.copyOf(labels, limit);
        return new MnistSplit(name, im, lb);
    }
}

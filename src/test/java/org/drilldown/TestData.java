package org.drilldown;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real MNIST files the tests read: {@code data/mnist} (scripts/fetch-mnist.sh), or -Ddrilldown.test.data=DIR. */
public final class TestData {
    private TestData() {}

    public static Path mnistDir() {
        Path dir =
                Path.of(System.getProperty("drilldown.test.data", "data/mnist")).toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve("t10k-labels-idx1-ubyte"))) {
            throw new IllegalStateException("MNIST not found in " + dir + ": run scripts/fetch-mnist.sh first "
                    + "(the README's test command does)");
        }
        return dir;
    }
}

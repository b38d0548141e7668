package org.drilldown.data;

import java.nio.file.Path;
import java.util.Map;

/** Both splits read and checked on the driver, limited as asked, with the SHA-256 of the files they came from. */
public record MnistData(MnistSplit train, MnistSplit test, Map<String, String> checksums) {

    /**
     * Reads {@code dir}, only the first {@code trainLimit} / {@code testLimit} examples of a split when
     * positive; every fault names its file. Runs before Spark starts, so bad data costs nothing.
     */
    public static MnistData load(Path dir, int trainLimit, int testLimit) {
        MnistFiles files = new MnistFiles(dir).requirePresent();
        return new MnistData(files.train(trainLimit), files.test(testLimit), files.checksums());
    }
}

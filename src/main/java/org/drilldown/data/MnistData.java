package org.drilldown.data;

import java.nio.file.Path;
import java.util.Map;
import org.drilldown.config.BadInput;

/**
 * The splits read and checked on the driver, limited as asked, with the SHA-256 of the files they came from.
 * {@code validation} is the first images of the training file, held out (empty when none is asked for);
 * {@code train} the images after them.
 */
public record MnistData(MnistSplit train, MnistSplit validation, MnistSplit test, Map<String, String> checksums) {

    /**
     * Reads {@code dir}: {@code validation} training images held out, then only the first {@code trainLimit}
     * training images after them and the first {@code testLimit} test images when positive; every fault names
     * its file. Runs before Spark starts, so bad data costs nothing.
     */
    public static MnistData load(Path dir, int trainLimit, int testLimit, int validation) {
        MnistFiles files = new MnistFiles(dir).requirePresent();
        MnistSplit all = files.train(trainLimit > 0 ? validation + trainLimit : 0);
        if (validation >= all.size()) {
            throw new BadInput("--validation " + validation + " holds out every one of the " + all.size()
                    + " training images read, leaving none to train on; pass a smaller --validation (0 for none)");
        }
        return new MnistData(
                all.slice("train", validation, all.size()),
                all.slice("validation", 0, validation),
                files.test(testLimit),
                files.checksums());
    }
}

package org.drilldown.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the read-only commands ({@code query}, {@code report}) find the metric tables, and how to reach their store. */
final class StoreOptions {
    @Option(
            names = "--conf",
            description =
                    "HOCON file whose drilldown.spark.settings reach the store (spark.hadoop.*: an s3a:// endpoint"
                            + " and keys), e.g. the run's own --conf")
    Path conf;

    @Option(names = "--out", description = "output directory of the runs, a path or a URI (default: out)")
    String out;

    /**
     * The {@code --conf} part of a suggested query.sh or report.sh line: a store other than local disk is reached
     * with the settings of the --conf the job was given.
     */
    static String reach(Object conf, String outputDir) {
        return conf != null && org.drilldown.storage.StorePath.isUri(outputDir) ? " --conf " + conf : "";
    }

    /** A session that reads the tables under {@code --out} and nothing else. */
    ReadOnlySession open() {
        return ReadOnlySession.open(out, conf);
    }
}

package org.drilldown.train;

import org.apache.hadoop.conf.Configuration;
import org.drilldown.config.JobConfig;
import org.drilldown.storage.StorePath;

/**
 * Where the Export approach writes a run's minibatch files: {@code drilldown.training.export-dir} (a plain path or a
 * URI), or {@code <output.dir>/tmp/export} when it is empty; one directory per run id under it.
 */
public record ExportDir(StorePath root) {

    public static ExportDir of(JobConfig config, Configuration hadoop) {
        return new ExportDir(
                config.exportDir().isBlank()
                        ? StorePath.of(config.outputDir(), hadoop, "drilldown.output.dir")
                                .resolve("tmp")
                                .resolve("export")
                        : StorePath.of(config.exportDir(), hadoop, "drilldown.training.export-dir"));
    }

    public StorePath of(String runId) {
        return root.resolve(runId);
    }
}

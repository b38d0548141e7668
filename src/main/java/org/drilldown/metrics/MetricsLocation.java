package org.drilldown.metrics;

import java.nio.file.Path;

/** Where a run's outputs live under the output directory: tables and per-run manifests. */
public record MetricsLocation(Path outputDir) {

    public Path metricsDir() {
        return outputDir.resolve("metrics");
    }

    public Path table(String name) {
        return metricsDir().resolve(name);
    }

    public Path runDir(String runId) {
        return outputDir.resolve("runs").resolve(runId);
    }

    public Path manifest(String runId) {
        return runDir(runId).resolve("manifest.json");
    }
}

package org.drilldown.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.drilldown.config.ScopedDelete;
import org.drilldown.config.StepSpec;
import org.drilldown.metrics.RunId;

/**
 * Writes {@code <out>/report/<run_id>/} (REPORT.md and its PNG charts) into a scratch directory first and
 * moves it into place whole, so a reader never finds half a report; an earlier report of the run is replaced.
 */
public final class ReportWriter {
    private ReportWriter() {}

    /** Returns the path of the REPORT.md written. */
    public static Path write(ReportData data, Path reportRoot) throws IOException {
        // Tables written before run ids were checked may name a run '..': its report would replace OUT itself.
        RunId.require("run id in the runs table", data.runId());
        return writeWhole(reportRoot, data.runId(), scratch -> {
            ReportCharts charts = new ReportCharts(data, scratch);
            Map<String, String> files = new LinkedHashMap<>();
            for (StepSpec step : data.trainedSteps()) {
                files.put("accuracy-" + step.key(), charts.accuracy(step));
                files.put("target-" + step.key(), charts.targetBand(step));
            }
            files.put("loss", charts.loss());
            files.put("learning-rate", charts.learningRate());
            Files.writeString(scratch.resolve("REPORT.md"), new ReportMarkdown(data, files).render());
        });
    }

    /** What fills a report directory. */
    interface Contents {
        void writeInto(Path dir) throws IOException;
    }

    /**
     * Fills a scratch directory under {@code reportRoot}, then moves it to {@code reportRoot/name} whole (an
     * earlier report of that name replaced); returns its REPORT.md.
     */
    static Path writeWhole(Path reportRoot, String name, Contents contents) throws IOException {
        RunId.require("report name", name);
        Path target = reportRoot.resolve(name);
        System.setProperty("java.awt.headless", "true"); // charts render off-screen, also without a display
        Files.createDirectories(reportRoot);
        Path scratch = Files.createTempDirectory(reportRoot, "." + name + "-");
        try {
            contents.writeInto(scratch);
            ScopedDelete.tree(reportRoot, target);
            Files.move(scratch, target, StandardCopyOption.ATOMIC_MOVE);
            return target.resolve("REPORT.md");
        } finally {
            ScopedDelete.quietly(reportRoot, scratch); // gone already when the move succeeded
        }
    }
}

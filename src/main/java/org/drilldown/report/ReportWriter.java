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
import org.drilldown.storage.Store;
import org.drilldown.storage.StorePath;

/**
 * Writes {@code <out>/report/<run_id>/} (REPORT.md and its PNG charts) into a scratch directory first and
 * moves it into place whole, so a reader never finds half a report; an earlier report of the run is replaced.
 */
public final class ReportWriter {
    private ReportWriter() {}

    /** Returns the path of the REPORT.md written. */
    public static StorePath write(ReportData data, StorePath reportRoot) throws IOException {
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
     * Fills a scratch directory, then moves it to {@code reportRoot/name} (an earlier report of that name replaced):
     * whole on the local disk and HDFS, file by file on S3 (see {@link StorePath#replaceDirectoryWith}); returns its
     * REPORT.md. Charts render to local files, so elsewhere the scratch is a local temporary directory.
     */
    static StorePath writeWhole(StorePath reportRoot, String name, Contents contents) throws IOException {
        RunId.require("report name", name);
        if (reportRoot.store() == Store.LOCAL) {
            return StorePath.local(writeWhole(reportRoot.local(), name, contents));
        }
        System.setProperty("java.awt.headless", "true");
        Path temp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        Path scratch = Files.createTempDirectory(temp, "drilldown-report-");
        try {
            contents.writeInto(scratch);
            StorePath target = reportRoot.resolve(name);
            reportRoot.mkdirs();
            target.replaceDirectoryWith(scratch, reportRoot);
            return target.resolve("REPORT.md");
        } finally {
            ScopedDelete.quietly(temp, scratch);
        }
    }

    private static Path writeWhole(Path reportRoot, String name, Contents contents) throws IOException {
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

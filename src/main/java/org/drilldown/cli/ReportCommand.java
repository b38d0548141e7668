package org.drilldown.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.drilldown.metrics.RunId;
import org.drilldown.report.ReportData;
import org.drilldown.report.ReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code drilldown report}: REPORT.md and PNG charts for one run, from the metric tables. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Write <out>/report/<run_id>/REPORT.md and its charts from the metric tables.")
final class ReportCommand implements Callable<Integer> {
    @Option(names = "--out", description = "output directory of the runs (default: out)")
    Path out;

    @Option(names = "--run-id", description = "the run to report (default: the most recently started)")
    String runId;

    @Override
    public Integer call() throws Exception {
        if (runId != null) {
            RunId.require("--run-id", runId);
        }
        try (ReadOnlySession session = ReadOnlySession.open(out)) {
            ReportData data = ReportData.load(session.spark(), session.location(), runId);
            Path report = ReportWriter.write(data, session.location().reportsDir());
            System.out.println("report of run " + data.runId() + ": " + report);
            return 0;
        }
    }
}

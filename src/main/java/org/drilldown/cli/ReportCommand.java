package org.drilldown.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.drilldown.config.BadInput;
import org.drilldown.metrics.RunId;
import org.drilldown.report.ComparisonReport;
import org.drilldown.report.ReportData;
import org.drilldown.report.ReportWriter;
import org.drilldown.report.RunComparison;
import org.drilldown.report.SweepReport;
import org.drilldown.report.SweepSummary;
import org.drilldown.storage.StorePath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code drilldown report}: REPORT.md and PNG charts for one run, one step across runs, or one sweep, from the
 * metric tables.
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Write <out>/report/<run_id>/REPORT.md and its charts from the metric tables, or with --runs"
                + " compare one step across runs, or with --sweep report a sweep.")
final class ReportCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store = new StoreOptions();

    @Option(names = "--run-id", description = "the run to report (default: the most recently started)")
    String runId;

    @Option(
            names = "--runs",
            split = ",",
            paramLabel = "ID",
            description = "compare one step of these runs (e.g. one recipe on several seeds) instead")
    List<String> runs;

    @Option(names = "--step", description = "the step --runs compares (default: 4)")
    String step;

    @Option(
            names = "--sweep",
            paramLabel = "SWEEP_ID",
            description = "report this sweep instead: its best trials, each drawn value against validation accuracy,"
                    + " the pruning ladder")
    String sweep;

    @Override
    public Integer call() throws Exception {
        if (step != null && runs == null) {
            throw new BadInput("--step chooses the step --runs compares; the report of a run or a sweep covers all its"
                    + " steps: drop --step, or pass --runs");
        }
        if (sweep != null) {
            if (runId != null || runs != null) {
                throw new BadInput("--sweep reports a sweep and --run-id, --runs report runs: pass one of them");
            }
            RunId.require("--sweep", sweep);
            return reportSweep();
        }
        if (runId != null) {
            RunId.require("--run-id", runId);
        }
        if (runs != null) {
            if (runId != null) {
                throw new BadInput("--runs compares several runs and --run-id reports one: pass one of them");
            }
            runs.forEach(id -> RunId.require("--runs", id));
            return compare();
        }
        try (ReadOnlySession session = store.open()) {
            ReportData data = ReportData.load(session.spark(), session.location(), runId);
            StorePath report = ReportWriter.write(data, session.location().reportsDir());
            System.out.println("report of run " + data.runId() + ": " + report);
            return 0;
        }
    }

    private String compared() {
        return step == null ? "4" : step;
    }

    private Integer compare() throws Exception {
        try (ReadOnlySession session = store.open()) {
            RunComparison comparison = RunComparison.load(session.spark(), session.location(), runs, compared());
            StorePath report = ComparisonReport.write(
                    comparison, session.location().reportsDir(), ComparisonReport.name(compared(), runs));
            System.out.println("comparison of " + runs.size() + " runs: " + report);
            return 0;
        }
    }

    private Integer reportSweep() throws Exception {
        try (ReadOnlySession session = store.open()) {
            SweepSummary summary = SweepSummary.load(session.spark(), session.location(), sweep);
            StorePath report = SweepReport.write(summary, session.location().reportsDir());
            System.out.println("report of sweep " + sweep + ": " + report);
            return 0;
        }
    }
}

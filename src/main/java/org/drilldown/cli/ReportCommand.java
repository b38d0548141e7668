package org.drilldown.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.JobConfig;
import org.drilldown.config.SparkSessions;
import org.drilldown.metrics.MetricsLocation;
import org.drilldown.report.ReportData;
import org.drilldown.report.ReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code drilldown report}: REPORT.md and PNG charts for one run, from the metric tables. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write <out>/report/<run_id>/REPORT.md and its charts from the metric tables.")
final class ReportCommand implements Callable<Integer> {
    @Option(names = "--out", description = "output directory of the runs (default: out)")
    Path out;
    @Option(names = "--run-id", description = "the run to report (default: the most recently started)")
    String runId;

    @Override
    public Integer call() throws Exception {
        JobConfig config = ConfigLoader.load(null, Map.of("drilldown.spark.default-master", "local[1]"));
        MetricsLocation location = new MetricsLocation(out != null ? out : config.outputDir());
        SparkSession spark = SparkSessions.create(config, Map.of());
        try {
            ReportData data = ReportData.load(spark, location, runId);
            Path report = ReportWriter.write(data, location.reportsDir());
            System.out.println("report of run " + data.runId() + ": " + report);
            return 0;
        } finally {
            spark.stop();
        }
    }
}

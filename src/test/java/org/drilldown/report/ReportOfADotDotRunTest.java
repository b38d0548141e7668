package org.drilldown.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.drilldown.SharedSpark;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.JobConfig;
import org.drilldown.metrics.MetricsLocation;
import org.drilldown.metrics.Tables;
import org.drilldown.storage.StorePath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables that hold a run named '..' (written before run ids were checked) never make a report delete OUT:
 * the report is refused, and its writer deletes nothing outside OUT/report whatever id it is given.
 */
class ReportOfADotDotRunTest {
    @TempDir
    Path out;

    @Test
    void theReportOfTheLatestRunNamedDotDotLeavesTheOutputAlone() throws Exception {
        JobConfig config = ConfigLoader.load(null, Map.of());
        Timestamp now = new Timestamp(System.currentTimeMillis());
        Object[] values = {
            "..",
            now,
            null,
            "running",
            null,
            1L,
            "local[2]",
            1,
            2,
            0,
            2,
            config.resolvedJson(),
            "{}",
            "{}",
            "drilldown run --run-id ..",
            now,
            Tables.SCHEMA_VERSION
        };
        SharedSpark.get()
                .createDataFrame(List.of(RowFactory.create(values)), Tables.RUNS_SCHEMA)
                .write()
                .parquet(out.resolve("metrics/runs").toString());

        // The user's sequence: a plain report picks '..' as the latest run. Refused as bad input: exit 2, the one
        // line docs/errors.md gives, no stack trace.
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream oldErr = System.err;
        int code;
        try {
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            code = org.drilldown.cli.Main.execute("report", "--out", out.toString());
        } finally {
            System.setErr(oldErr);
        }
        String message = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(code).as(message).isEqualTo(2);
        assertThat(message)
                .hasLineCount(1)
                .startsWith("drilldown: run id in the runs table '..': a run id is 1 to 128 letters, ")
                .doesNotContain("\tat ");
        assertThat(out.resolve("metrics/runs")).isDirectory();

        // Defence in depth: the writer itself refuses a report directory outside OUT/report.
        ReportData data = new ReportData(
                new GenericRowWithSchema(values, Tables.RUNS_SCHEMA),
                config,
                List.of(),
                List.of(),
                List.of(),
                List.of());
        Path reports = new MetricsLocation(out).reportsDir().local();
        assertThatThrownBy(() -> ReportWriter.write(data, StorePath.local(reports)))
                .hasMessageContaining("'..'");
        assertThat(out.resolve("metrics/runs")).isDirectory();
        // No scratch directory left behind either.
        assertThat(reports).satisfiesAnyOf(r -> assertThat(r).doesNotExist(), r -> assertThat(r)
                .isEmptyDirectory());
    }
}

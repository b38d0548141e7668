package org.drilldown.cli;

import java.util.concurrent.Callable;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.drilldown.config.BadInput;
import org.drilldown.metrics.MetricsLocation;
import org.drilldown.metrics.MetricsReader;
import org.drilldown.metrics.ReadOnlySql;
import org.drilldown.report.TablePrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code drilldown query}: Spark SQL over the metric tables, each registered as a view by its name. It only
 * reads: statements that write, change the session or read files by path are refused ({@link ReadOnlySql}).
 */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        description =
                "Run Spark SQL over the tables in <out>/metrics/ (runs, epochs, steps, iterations, worker_stats, data_stats).")
final class QueryCommand implements Callable<Integer> {
    enum Format {
        table,
        csv,
        json
    }

    @Mixin
    StoreOptions store = new StoreOptions();

    @Option(names = "--format", description = "table (default), csv or json")
    Format format = Format.table;

    @Parameters(index = "0", paramLabel = "SQL", description = "the query")
    String sql;

    static final String NO_SQL = "no SQL given; pass one statement in quotes, e.g. "
            + "scripts/query.sh \"select run_id, status from runs\"";

    @Override
    public Integer call() throws Exception {
        if (sql == null || sql.isBlank()) {
            throw new BadInput(NO_SQL); // before Spark starts: nothing to run
        }
        try (ReadOnlySession session = store.open()) {
            SparkSession spark = session.spark();
            MetricsLocation location = session.location();
            MetricsReader.registerViews(spark, location);
            Dataset<Row> result;
            try {
                result = ReadOnlySql.sql(spark, sql);
            } catch (Exception e) {
                // Scala throws AnalysisException (ParseException is one) without declaring it.
                if (e instanceof AnalysisException a) {
                    throw new BadInput("bad SQL: " + SqlErrors.oneLine(a) + "; views under " + location.metricsDir()
                            + ": " + String.join(", ", ReadOnlySql.views()));
                }
                throw e;
            }
            String text;
            try {
                text = render(result);
            } catch (Exception e) {
                // Files are only opened now: a corrupt one shows here, and nothing has been printed yet.
                throw new BadInput(
                        "reading the tables under " + location.metricsDir() + " failed (" + MetricsReader.rootMessage(e)
                                + "); a file there is corrupt or not Drilldown's: move it out",
                        e);
            }
            System.out.print(text);
            return 0;
        }
    }

    private String render(Dataset<Row> result) {
        return switch (format) {
            case table -> TablePrinter.render(result);
            case json -> String.join("\n", result.toJSON().collectAsList()) + "\n";
            case csv -> TablePrinter.renderCsv(result);
        };
    }
}

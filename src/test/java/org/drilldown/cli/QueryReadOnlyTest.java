package org.drilldown.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.drilldown.MetricsFixtures;
import org.drilldown.SharedSpark;
import org.drilldown.config.TargetSpec;
import org.drilldown.metrics.MetricsLocation;
import org.drilldown.metrics.MetricsWriter;
import org.drilldown.train.RunInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code query} only reads: whatever would write, change the session or reach past the views is refused. */
class QueryReadOnlyTest {
    @TempDir
    Path out;

    @BeforeEach
    void writeAValidRun() {
        MetricsWriter writer =
                new MetricsWriter(SharedSpark.get(), new MetricsLocation(out), new TargetSpec(99.4, 3, 10000, 15));
        RunInfo run = MetricsFixtures.run("good");
        writer.onRunStart(run);
        writer.onEpochEnd(run, MetricsFixtures.epoch(1));
        writer.onRunEnd(run, null);
    }

    /** The one-liner: it used to exit 0 and replace the epochs table with one column "a". */
    @Test
    void insertOverwriteDirectoryIsRefusedAndTheEpochsSurvive() throws IOException {
        Map<String, Long> before = files();
        Console c =
                query("INSERT OVERWRITE DIRECTORY '" + out.resolve("metrics/epochs") + "' USING parquet SELECT 1 AS a");
        assertRefused(c, "InsertIntoDir");
        assertThat(files()).isEqualTo(before);
        Console epochs = query("select run_id, epoch from epochs");
        assertThat(epochs.out()).isEqualTo("run_id,epoch\ngood,1\n");
    }

    static Stream<Arguments> statementsThatDoNotRead() {
        return Stream.of(
                Arguments.of("CREATE TABLE t (a int) USING parquet", "CreateTable"),
                Arguments.of("CREATE TABLE t USING parquet AS SELECT * FROM epochs", "CreateTableAsSelect"),
                Arguments.of("CREATE VIEW v AS SELECT 1", "CreateView"),
                Arguments.of("CREATE OR REPLACE TEMPORARY VIEW epochs AS SELECT 1 AS a", "CreateViewCommand"),
                Arguments.of("DROP VIEW epochs", "DropView"),
                Arguments.of("DROP TABLE IF EXISTS epochs", "DropTable"),
                Arguments.of("INSERT INTO epochs SELECT * FROM epochs", "InsertIntoStatement"),
                Arguments.of("ALTER VIEW epochs AS SELECT 1 AS a", "AlterViewAs"),
                Arguments.of("CACHE TABLE epochs", "CacheTable"),
                Arguments.of("UNCACHE TABLE epochs", "UncacheTable"),
                Arguments.of("CLEAR CACHE", "ClearCacheCommand"),
                Arguments.of("SET spark.sql.runSQLOnFiles=true", "SetCommand"),
                Arguments.of("RESET", "ResetCommand"),
                Arguments.of("ADD JAR lib.jar", "AddJarsCommand"),
                Arguments.of("ADD FILE notes.txt", "AddFilesCommand"),
                Arguments.of("ADD ARCHIVE notes.zip", "AddArchivesCommand"),
                Arguments.of("CREATE TEMPORARY FUNCTION f AS 'x.Y' USING JAR 'lib.jar'", "CreateFunctionCommand"),
                Arguments.of(
                        "WITH x AS (SELECT 1 AS a) INSERT OVERWRITE DIRECTORY '" + "ignored"
                                + "' USING parquet SELECT * FROM x",
                        "InsertIntoDir"),
                Arguments.of(
                        "EXPLAIN INSERT OVERWRITE DIRECTORY 'ignored' USING parquet SELECT 1",
                        "EXPLAIN of InsertIntoDir"));
    }

    @ParameterizedTest
    @MethodSource("statementsThatDoNotRead")
    void aStatementThatDoesNotOnlyReadIsRefusedAndChangesNothing(String sql, String kind) throws IOException {
        Map<String, Long> before = files();
        Console c = query(sql);
        assertRefused(c, kind);
        assertThat(files()).isEqualTo(before);
        assertThat(query("select run_id, epoch from epochs").out()).isEqualTo("run_id,epoch\ngood,1\n");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "select reflect('java.util.UUID', 'randomUUID')",
                "select java_method('java.util.UUID', 'randomUUID')",
                "select upper(REFLECT('java.util.UUID', 'randomUUID')) from epochs",
                "select run_id from epochs where run_id in (select reflect('java.util.UUID', 'randomUUID'))",
                "with x as (select reflect('java.util.UUID', 'randomUUID') as r) select * from x"
            })
    void functionsThatCallJavaAreRefused(String sql) {
        Console c = query(sql);
        assertThat(c.exitCode()).as(c.err()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err())
                .matches(
                        "drilldown: query only reads: function (reflect|java_method) calls Java methods and is not available\n");
        assertThat(c.out()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "csv", "json", "text", "orc"})
    void filesAreNotReadByPath(String format) {
        Console c = query("select * from " + format + ".`" + out.resolve("metrics/epochs") + "`");
        assertThat(c.exitCode()).as(c.err()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err())
                .startsWith("drilldown: query only reads the metric views (data_stats, epochs, iterations, runs, "
                        + "runs_history, steps, trials, trials_history, worker_stats); `" + format + "`.`"
                        + out.resolve("metrics/epochs")
                        + "`")
                .endsWith(" names a file or another table, which it does not read\n");
        assertThat(c.out()).isEmpty();
    }

    @Test
    void describingAFileByPathIsRefusedToo() {
        Console c = query("describe parquet.`" + out.resolve("metrics/epochs") + "`");
        assertThat(c.exitCode()).as(c.err()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err()).contains("names a file or another table");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "with e as (select * from epochs) select run_id, epoch from e",
                "select run_id, epoch from epochs union all select run_id, epoch from epochs where epoch > 1",
                "select * from (values ('good', 1)) as t(run_id, epoch)",
                "select e.run_id, e.epoch from epochs e join runs r on e.run_id = r.run_id"
            })
    void queriesStillRead(String sql) {
        Console c = query(sql);
        assertThat(c.exitCode()).as(c.err()).isZero();
        assertThat(c.out()).isEqualTo("run_id,epoch\ngood,1\n");
    }

    @Test
    void showDescribeAndExplainStillRead() {
        Console tables = query("show tables");
        assertThat(tables.exitCode()).as(tables.err()).isZero();
        assertThat(tables.out()).contains(",epochs,true", ",runs_history,true", ",worker_stats,true");
        Console describe = query("describe epochs");
        assertThat(describe.exitCode()).as(describe.err()).isZero();
        assertThat(describe.out())
                .startsWith("col_name,data_type,comment\nrun_id,string,")
                .contains("test_accuracy,double,");
        Console columns = query("show columns in epochs");
        assertThat(columns.out()).contains("test_accuracy");
        for (String show : new String[] {
            "show views",
            "show functions",
            "show databases",
            "describe query select run_id from epochs",
            "describe epochs run_id",
            "explain show tables"
        }) {
            Console c = query(show);
            assertThat(c.exitCode()).as(show + ": " + c.err()).isZero();
        }
        Console function = query("describe function upper");
        assertThat(function.exitCode()).as(function.err()).isZero();
        Console explain = query("explain select run_id from epochs where epoch = 1");
        assertThat(explain.exitCode()).as(explain.err()).isZero();
        assertThat(explain.out()).contains("Physical Plan");
    }

    /** report reads through the same checked session: its own SQL passes and the tables stay as they were. */
    @Test
    void theReportStillReads() throws IOException {
        Map<String, Long> metrics = new TreeMap<>(files());
        Console report = Console.run("report", "--out", out.toString());
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(out.resolve("report/good/REPORT.md")).exists();
        Map<String, Long> after = new TreeMap<>(files());
        after.keySet().removeIf(f -> f.startsWith("report/"));
        assertThat(after).isEqualTo(metrics);
    }

    private static void assertRefused(Console c, String kind) {
        assertThat(c.exitCode()).as(c.err()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(c.err())
                .startsWith("drilldown: query only reads: " + kind + " is refused; it runs SELECT")
                .hasLineCount(1);
        assertThat(c.out()).isEmpty();
    }

    /** Every file under the output directory with its size: what a refused statement must leave alone. */
    private Map<String, Long> files() throws IOException {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(out)) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                files.put(out.relativize(f).toString(), Files.size(f));
            }
        }
        return files;
    }

    private Console query(String sql) {
        return Console.run("query", "--out", out.toString(), "--format", "csv", sql);
    }
}

package org.drilldown.metrics;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.QueryPlanningTracker;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;

/**
 * SQL that only reads the metric views: what {@code query} and {@code report} run. A statement is parsed
 * and checked (see {@link ReadOnlyPlans}) before {@code spark.sql}, which would run a command at once.
 */
public final class ReadOnlySql {
    private ReadOnlySql() {}

    /**
     * A session of {@code base} (its own SQL settings, views and functions) that cannot read files by path
     * ({@code parquet.`/path`}) and has no function that calls Java methods.
     */
    public static SparkSession session(SparkSession base) {
        SparkSession spark = base.newSession();
        spark.conf().set("spark.sql.runSQLOnFiles", "false");
        for (String name : ReadOnlyPlans.JVM_FUNCTIONS) {
            spark.sessionState().functionRegistry().dropFunction(new FunctionIdentifier(name));
        }
        return spark;
    }

    /**
     * Runs one statement if it only reads; otherwise BadInput naming what was refused. Spark's
     * AnalysisException (a ParseException included) passes through for the caller to word.
     */
    public static Dataset<Row> sql(SparkSession spark, String sql) {
        LogicalPlan parsed = parse(spark, sql);
        ReadOnlyPlans.checkParsed(parsed);
        if (!ReadOnlyPlans.isReadOnlyCommand(parsed)) {
            // Analysis resolves names and runs nothing; spark.sql below analyzes again and executes.
            ReadOnlyPlans.checkAnalyzed(spark.sessionState()
                    .analyzer()
                    .executeAndCheck(parsed, new QueryPlanningTracker(scala.Option.empty())));
        }
        return spark.sql(sql);
    }

    /** Spark's parser declares ParseException; spark.sql throws it undeclared, and so does this. */
    private static LogicalPlan parse(SparkSession spark, String sql) {
        try {
            return spark.sessionState().sqlParser().parsePlan(sql);
        } catch (ParseException e) {
            throw ReadOnlySql.<RuntimeException>undeclared(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> E undeclared(Exception e) throws E {
        throw (E) e;
    }

    /** Every view a read-only session has: the metric tables, {@code runs_history} and {@code trials_history}. */
    public static List<String> views() {
        return ReadOnlyPlans.views();
    }
}

package org.drilldown.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableOrView;
import org.apache.spark.sql.catalyst.expressions.CallMethodViaReflection;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.DescribeColumn;
import org.apache.spark.sql.catalyst.plans.logical.DescribeFunction;
import org.apache.spark.sql.catalyst.plans.logical.DescribeRelation;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoDir;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ParsedStatement;
import org.apache.spark.sql.catalyst.plans.logical.ScriptTransformation;
import org.apache.spark.sql.catalyst.plans.logical.ShowColumns;
import org.apache.spark.sql.catalyst.plans.logical.ShowFunctions;
import org.apache.spark.sql.catalyst.plans.logical.ShowNamespaces;
import org.apache.spark.sql.catalyst.plans.logical.ShowTables;
import org.apache.spark.sql.catalyst.plans.logical.ShowViews;
import org.apache.spark.sql.catalyst.trees.TreeNode;
import org.apache.spark.sql.execution.command.DescribeQueryCommand;
import org.apache.spark.sql.execution.command.ExplainCommand;
import org.drilldown.config.BadInput;

/**
 * Decides from Spark's own plans whether a statement only reads. Query operators may appear anywhere;
 * a command (Spark's {@link Command}, {@link ParsedStatement} such as INSERT, and {@link InsertIntoDir})
 * is refused unless it is the whole statement and on the allow-list below, so a command Spark adds later
 * is refused by default. Also refused: functions that call Java methods, {@code SELECT TRANSFORM ... USING}
 * (and MAP/REDUCE ... USING), which is a query operator that pipes rows through a shell command, and
 * relations named by more than one part ({@code parquet.`/path`} reads a file; the metric views are
 * one-part names).
 */
final class ReadOnlyPlans {
    /** Commands that only read, allowed as the whole statement. */
    private static final Set<Class<?>> READ_ONLY_COMMANDS = Set.of(
            ShowTables.class,
            ShowViews.class,
            ShowColumns.class,
            ShowFunctions.class,
            ShowNamespaces.class,
            DescribeRelation.class,
            DescribeColumn.class,
            DescribeFunction.class);
    /** Built-in functions that call any static Java method (CallMethodViaReflection). */
    static final Set<String> JVM_FUNCTIONS = Set.of("reflect", "java_method", "try_reflect");

    static final String ALLOWED = "it runs SELECT, WITH, VALUES and their UNION/INTERSECT/EXCEPT, "
            + "SHOW TABLES|VIEWS|COLUMNS|FUNCTIONS|DATABASES, DESCRIBE, and EXPLAIN of those";

    private ReadOnlyPlans() {}

    /** Throws BadInput unless the parsed (unresolved) statement only reads. */
    static void checkParsed(LogicalPlan statement) {
        LogicalPlan inner = innerStatement(statement);
        if (inner != null) {
            // EXPLAIN would not execute a write, but saying no is plainer than explaining why it is harmless.
            checkInner(statement, inner);
            return;
        }
        walk(statement, READ_ONLY_COMMANDS.contains(statement.getClass()) ? statement : null, "");
    }

    /** True for the allow-listed commands, whose analysis Spark ties to running them. */
    static boolean isReadOnlyCommand(LogicalPlan statement) {
        return READ_ONLY_COMMANDS.contains(statement.getClass()) || innerStatement(statement) != null;
    }

    /** Second look, at a query's analyzed plan: still no command and no reflection once names are resolved. */
    static void checkAnalyzed(LogicalPlan analyzed) {
        walk(analyzed, null, "");
    }

    private static void checkInner(LogicalPlan outer, LogicalPlan inner) {
        String prefix = outer instanceof ExplainCommand ? "EXPLAIN of " : "DESCRIBE QUERY of ";
        if (innerStatement(inner) != null) {
            throw refused(prefix + kind(inner));
        }
        walk(inner, READ_ONLY_COMMANDS.contains(inner.getClass()) ? inner : null, prefix);
    }

    /** The statement EXPLAIN or DESCRIBE QUERY describes; null for any other plan. */
    private static LogicalPlan innerStatement(LogicalPlan plan) {
        if (plan instanceof ExplainCommand explain) {
            return explain.logicalPlan();
        }
        if (plan instanceof DescribeQueryCommand describe) {
            return describe.plan();
        }
        return null;
    }

    private static void walk(LogicalPlan plan, LogicalPlan allowed, String prefix) {
        if (plan != allowed && isCommand(plan)) {
            throw refused(prefix + kind(plan));
        }
        checkRelation(plan);
        for (Expression e : list(plan.expressions())) {
            walkExpression(e, prefix);
        }
        for (LogicalPlan child : list(plan.children())) {
            walk(child, allowed, prefix);
        }
        for (TreeNode<?> inner : list(plan.innerChildren())) { // e.g. the named queries of WITH
            if (inner instanceof LogicalPlan p) {
                walk(p, allowed, prefix);
            } else if (inner instanceof Expression e) {
                walkExpression(e, prefix);
            }
        }
    }

    private static void walkExpression(Expression e, String prefix) {
        if (e instanceof UnresolvedFunction f) {
            List<String> parts = list(f.nameParts());
            checkFunction(parts.get(parts.size() - 1));
        } else if (e instanceof CallMethodViaReflection) {
            checkFunction("reflect");
        } else if (e instanceof SubqueryExpression s) {
            walk(s.plan(), null, prefix);
        }
        for (Expression child : list(e.children())) {
            walkExpression(child, prefix);
        }
    }

    private static boolean isCommand(LogicalPlan plan) {
        return plan instanceof Command
                || plan instanceof ParsedStatement
                || plan instanceof InsertIntoDir
                || plan instanceof ScriptTransformation;
    }

    private static void checkFunction(String name) {
        if (JVM_FUNCTIONS.contains(name.toLowerCase(Locale.ROOT))) {
            throw new BadInput("query only reads: function " + name.toLowerCase(Locale.ROOT)
                    + " calls Java methods and is not available");
        }
    }

    private static void checkRelation(LogicalPlan plan) {
        List<String> name = plan instanceof UnresolvedRelation r
                ? list(r.multipartIdentifier())
                : plan instanceof UnresolvedTableOrView t ? list(t.multipartIdentifier()) : List.of();
        if (name.size() > 1) {
            throw new BadInput("query only reads the metric views (" + String.join(", ", views())
                    + "); "
                    + String.join(".", name.stream().map(p -> "`" + p + "`").toList())
                    + " names a file or another table, which it does not read");
        }
    }

    /** Every view a read-only session registers. */
    static List<String> views() {
        Set<String> names = new TreeSet<>(Tables.SCHEMAS.keySet());
        names.add("runs_history");
        names.add("trials_history");
        return List.copyOf(names);
    }

    /** Spark's name for the plan node; a Scala object's class name ends in '$'. */
    private static String kind(LogicalPlan plan) {
        if (plan instanceof ScriptTransformation) {
            return "TRANSFORM (a shell command run on every row)";
        }
        String name = plan.nodeName();
        return name.endsWith("$") ? name.substring(0, name.length() - 1) : name;
    }

    private static BadInput refused(String kind) {
        return new BadInput("query only reads: " + kind + " is refused; " + ALLOWED);
    }

    /** A Scala sequence as a Java list, without tying the code to one Scala version's converters. */
    private static <T> List<T> list(scala.collection.Seq<T> seq) {
        List<T> out = new ArrayList<>(seq.size());
        scala.collection.Iterator<T> it = seq.iterator();
        while (it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }
}

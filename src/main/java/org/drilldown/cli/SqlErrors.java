package org.drilldown.cli;

import org.apache.spark.sql.AnalysisException;

/**
 * Spark's SQL errors worded for one line: the error's first sentence line and where it is. Spark's own
 * message goes on with advice for other cases ("To tolerate the error on drop …") and the unresolved plan.
 */
final class SqlErrors {
    private SqlErrors() {}

    static String oneLine(AnalysisException e) {
        String first = e.message().strip().split("\n", 2)[0].strip();
        if (e.line().isEmpty() || e.startPosition().isEmpty()) {
            return first;
        }
        return first + " (line " + e.line().get() + ", position "
                + e.startPosition().get() + ")";
    }
}

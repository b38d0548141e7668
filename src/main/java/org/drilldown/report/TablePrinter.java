package org.drilldown.report;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Prints a query result as an aligned text table (all rows, no truncation, unlike Dataset.show). */
public final class TablePrinter {
    private TablePrinter() {}

    public static String render(Dataset<Row> result) {
        String[] columns = result.columns();
        List<String[]> rows = new ArrayList<>();
        for (Row r : result.collectAsList()) {
            String[] cells = new String[columns.length];
            for (int i = 0; i < columns.length; i++) {
                cells[i] = r.isNullAt(i) ? "NULL" : String.valueOf(r.get(i));
            }
            rows.add(cells);
        }
        int[] width = new int[columns.length];
        for (int i = 0; i < columns.length; i++) {
            width[i] = columns[i].length();
            for (String[] cells : rows) {
                width[i] = Math.max(width[i], cells[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, columns, width);
        String[] rule = new String[columns.length];
        for (int i = 0; i < columns.length; i++) {
            rule[i] = "-".repeat(width[i]);
        }
        line(out, rule, width);
        rows.forEach(cells -> line(out, cells, width));
        out.append("(")
                .append(rows.size())
                .append(rows.size() == 1 ? " row)" : " rows)")
                .append('\n');
        return out.toString();
    }

    /** RFC 4180 CSV with a header row. */
    public static String renderCsv(Dataset<Row> result) {
        StringBuilder out = new StringBuilder(String.join(",", result.columns())).append('\n');
        for (Row r : result.collectAsList()) {
            for (int i = 0; i < r.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                String cell = r.isNullAt(i) ? "" : String.valueOf(r.get(i));
                boolean quote = cell.contains(",") || cell.contains("\"") || cell.contains("\n");
                out.append(quote ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell);
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String[] cells, int[] width) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.append(" | ");
            }
            out.append(String.format("%-" + width[i] + "s", cells[i]));
        }
        out.append('\n');
    }
}

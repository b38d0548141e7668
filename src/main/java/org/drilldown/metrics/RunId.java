package org.drilldown.metrics;

import java.util.regex.Pattern;
import org.drilldown.config.BadInput;

/**
 * The rule for a run id, checked wherever one comes in (--run-id, --resume, report --run-id): it names the
 * directories {@code runs/<id>/}, {@code report/<id>/} and the export directory's {@code <id>/}, and appears in
 * SQL, so letters, digits, '.', '_' and '-', starting with a letter or digit (never '.' or '..', never hidden).
 */
public final class RunId {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private RunId() {}

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /** Returns {@code id}; refuses it naming {@code option} (the flag, or where the id was found). */
    public static String require(String option, String id) {
        if (!isValid(id)) {
            throw new BadInput(option + " '" + id + "': a run id is 1 to 128 letters, digits, '.', '_' and '-',"
                    + " starting with a letter or digit");
        }
        return id;
    }
}

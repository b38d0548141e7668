package org.drilldown.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;
import java.nio.file.Path;

/** Typesafe Config's parse and IO errors as one printable line: {@code FILE: line N: problem}. */
public final class ConfigProblem {
    /** Enough to see the fault; a binary file's parse error quotes whatever bytes it met. */
    private static final int MAX_PROBLEM_CHARS = 200;

    private ConfigProblem() {}

    public static String describe(Path file, ConfigException e) {
        ConfigOrigin origin = e.origin();
        String problem = e.getMessage();
        // Typesafe Config starts its message with the origin's description; we name file and line ourselves.
        if (origin != null && problem.startsWith(origin.description() + ": ")) {
            problem = problem.substring(origin.description().length() + 2);
        }
        problem = problem.replaceFirst("^java\\.io\\.\\w+Exception: ", ""); // from a missing include
        String where = origin != null && origin.filename() != null ? origin.filename() : file.toString();
        String line = origin != null && origin.lineNumber() > 0 ? ": line " + origin.lineNumber() : "";
        return where + line + ": " + printable(problem);
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(MAX_PROBLEM_CHARS).forEach(c -> {
            boolean shown = !Character.isISOControl(c)
                    && Character.isDefined(c)
                    && c != 0xFFFD
                    && Character.getType(c) != Character.PRIVATE_USE
                    && Character.getType(c) != Character.SURROGATE;
            out.appendCodePoint(shown ? c : '?');
        });
        return text.codePointCount(0, text.length()) > MAX_PROBLEM_CHARS ? out + "…" : out.toString();
    }
}

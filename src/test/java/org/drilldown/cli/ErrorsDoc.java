package org.drilldown.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The messages docs/errors.md documents: the code spans in the first column of its tables headed "message",
 * leaving out spans inside parenthesised prose ("(or `java_method`)"). Each becomes a pattern: its
 * placeholders (OUT, FILE, DIR, ID, N, S, …) and ellipses match anything, the rest literally.
 */
final class ErrorsDoc {
    static final Path FILE = Path.of("docs/errors.md");
    private static final Pattern SPAN = Pattern.compile("``\\s?(.+?)\\s?``|`([^`]+)`");
    private static final Pattern WILDCARD = Pattern.compile(
            "…|\\.\\.\\.|<[^>]+>" + "|\\b(?:EXPORT_DIR|OUT|FILE|DIR|ID|LABELS|IMAGES|RxC|N\\+1|N|M|S|F|L|i|n)\\b");
    /** Example values in the text (quoted names, numbers): what varies from one trigger to the next. */
    private static final Pattern EXAMPLE = Pattern.compile("'[^']*'|-?\\d+(?:\\.\\d+)?|Infinity|NaN");

    private ErrorsDoc() {}

    static List<String> messages() {
        try {
            List<String> messages = new ArrayList<>();
            boolean inMessageTable = false;
            for (String line : Files.readAllLines(FILE)) {
                if (!line.startsWith("|")) {
                    inMessageTable = false;
                    continue;
                }
                String first = line.split("(?<!\\\\)\\|", -1)[1].strip();
                if (first.startsWith("message")) {
                    inMessageTable = true;
                } else if (inMessageTable && !first.matches("[- ]+")) {
                    messages.addAll(spansOutsideParentheses(first));
                }
            }
            return messages;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> spansOutsideParentheses(String cell) {
        List<String> spans = new ArrayList<>();
        Matcher m = SPAN.matcher(cell);
        int depth = 0;
        int from = 0;
        while (m.find()) {
            depth += parenDepth(cell.substring(from, m.start()));
            from = m.end();
            if (depth == 0) {
                spans.add((m.group(1) != null ? m.group(1) : m.group(2)).replace("\\|", "|"));
            }
        }
        return spans;
    }

    private static int parenDepth(String prose) {
        return (int) (prose.chars().filter(c -> c == '(').count()
                - prose.chars().filter(c -> c == ')').count());
    }

    /** The message's own words: what lies between its placeholders, ellipses and example values, trimmed. */
    static List<String> literalParts(String documented) {
        List<String> parts = new ArrayList<>();
        for (String piece : WILDCARD.split(documented)) {
            for (String part : EXAMPLE.split(piece)) {
                if (!part.isBlank()) {
                    parts.add(part.strip());
                }
            }
        }
        return parts;
    }

    /** The message exactly as documented, placeholders and ellipses matching anything. */
    static Pattern strict(String documented) {
        return Pattern.compile(regex(documented, false), Pattern.DOTALL);
    }

    /** As {@link #strict}, the example values (quoted names, numbers) matching anything too: the message's kind. */
    static Pattern loose(String documented) {
        return Pattern.compile(regex(documented, true), Pattern.DOTALL);
    }

    private static String regex(String documented, boolean examplesToo) {
        StringBuilder regex = new StringBuilder();
        Matcher m = WILDCARD.matcher(documented);
        int from = 0;
        while (m.find()) {
            regex.append(literal(documented.substring(from, m.start()), examplesToo))
                    .append(".*?");
            from = m.end();
        }
        return regex.append(literal(documented.substring(from), examplesToo)).toString();
    }

    private static String literal(String text, boolean examplesToo) {
        if (!examplesToo) {
            return Pattern.quote(text);
        }
        StringBuilder regex = new StringBuilder();
        Matcher m = EXAMPLE.matcher(text);
        int from = 0;
        while (m.find()) {
            regex.append(Pattern.quote(text.substring(from, m.start()))).append(".*?");
            from = m.end();
        }
        return regex.append(Pattern.quote(text.substring(from))).toString();
    }
}

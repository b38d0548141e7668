package org.drilldown.cli;

import java.util.List;
import org.drilldown.config.BadInput;
import org.drilldown.train.TrainingDiverged;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/** Entry point: {@code drilldown run} trains; {@code query} and {@code report} read the metric tables; {@code bench} times. */
@Command(
        name = "drilldown",
        mixinStandardHelpOptions = true,
        version = "drilldown 0.1.0",
        description = "The MNIST drill-down as a distributed Spark + DL4J job.",
        subcommands = {
            RunCommand.class,
            ReplayCommand.class,
            QueryCommand.class,
            ReportCommand.class,
            BenchCommand.class,
            SweepCommand.class
        })
public final class Main {
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_BAD_INPUT = 2;
    /**
     * A run stopped by Ctrl-C or kill. The process itself exits with the JVM's status for the signal, 128 + its
     * number (130 for SIGINT, 143 for SIGTERM); this is what an in-process caller of {@link #execute} sees.
     */
    public static final int EXIT_INTERRUPTED = 130;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code; tests call this, never {@link #main}. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> exitCode(e, cmd.getErr()));
        cli.setParameterExceptionHandler((e, ignored) -> badFlag(e));
        return cli.execute(args);
    }

    /**
     * A flag picocli cannot parse is bad input like any other: one line and exit 2. Picocli's own handler
     * prints its message, the suggestions on a line of their own and the whole usage text after it.
     */
    static int badFlag(ParameterException e) {
        CommandLine cmd = e.getCommandLine();
        StringBuilder line = new StringBuilder(e.getMessage());
        if (e instanceof UnmatchedArgumentException u) {
            List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                line.append("; possible solutions: ").append(String.join(", ", suggestions));
            }
        }
        line.append("; see ").append(cmd.getCommandSpec().qualifiedName()).append(" --help");
        cmd.getErr().println("drilldown: " + oneLine(line.toString()));
        return EXIT_BAD_INPUT;
    }

    /** What the user typed may hold line breaks and control characters (a run id, a path): shown as '?'. */
    static String oneLine(String message) {
        return message.replaceAll("\\p{Cntrl}", "?");
    }

    /**
     * Bad input ({@link BadInput}: a flag, file, id or plan the user can fix) is one line and exit 2; a known
     * training failure ({@link DiskFull}, {@link TrainingDiverged}) is one line and exit 1; anything else, an
     * IllegalArgumentException from inside Spark or DL4J included, is a failure with its stack trace.
     */
    static int exitCode(Exception e, java.io.PrintWriter err) {
        if (e instanceof BadInput) {
            err.println("drilldown: " + oneLine(e.getMessage()));
            return EXIT_BAD_INPUT;
        }
        if (e instanceof DiskFull || e instanceof TrainingDiverged) {
            err.println("drilldown: failed: " + oneLine(e.getMessage()));
            return EXIT_FAILED;
        }
        err.println("drilldown: failed: " + e);
        e.printStackTrace(err);
        return EXIT_FAILED;
    }
}

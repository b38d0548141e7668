package org.drilldown.cli;

import org.drilldown.config.BadInput;
import org.drilldown.train.TrainingDiverged;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code drilldown run} trains; {@code query} and {@code report} read the metric tables; {@code bench} times. */
@Command(name = "drilldown", mixinStandardHelpOptions = true, version = "drilldown 0.1.0",
        description = "The MNIST drill-down as a distributed Spark + DL4J job.",
        subcommands = {RunCommand.class, QueryCommand.class, ReportCommand.class, BenchCommand.class})
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
        return cli.execute(args);
    }

    /**
     * Bad input ({@link BadInput}: a flag, file, id or plan the user can fix) is one line and exit 2; a known
     * training failure ({@link DiskFull}, {@link TrainingDiverged}) is one line and exit 1; anything else, an
     * IllegalArgumentException from inside Spark or DL4J included, is a failure with its stack trace.
     */
    static int exitCode(Exception e, java.io.PrintWriter err) {
        if (e instanceof BadInput) {
            err.println("drilldown: " + e.getMessage());
            return EXIT_BAD_INPUT;
        }
        if (e instanceof DiskFull || e instanceof TrainingDiverged) {
            err.println("drilldown: failed: " + e.getMessage());
            return EXIT_FAILED;
        }
        err.println("drilldown: failed: " + e);
        e.printStackTrace(err);
        return EXIT_FAILED;
    }
}

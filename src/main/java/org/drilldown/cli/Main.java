package org.drilldown.cli;

import org.drilldown.config.ConfigError;
import org.drilldown.data.IdxFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code drilldown run} trains; {@code query} and {@code report} read the metric tables; {@code bench} times. */
@Command(name = "drilldown", mixinStandardHelpOptions = true, version = "drilldown 0.1.0",
        description = "The MNIST drill-down as a distributed Spark + DL4J job.",
        subcommands = {RunCommand.class, QueryCommand.class, ReportCommand.class, BenchCommand.class})
public final class Main {
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_BAD_INPUT = 2;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code; tests call this, never {@link #main}. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigError || e instanceof IdxFormatException || e instanceof IllegalArgumentException) {
                cmd.getErr().println("drilldown: " + e.getMessage());
                return EXIT_BAD_INPUT;
            }
            cmd.getErr().println("drilldown: failed: " + e);
            e.printStackTrace(cmd.getErr());
            return EXIT_FAILED;
        });
        return cli.execute(args);
    }
}

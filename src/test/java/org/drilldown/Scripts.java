package org.drilldown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the repository's scripts as a user types them: {@code bash scripts/NAME.sh ...} in a child process, in a
 * working directory of the test's choosing, output captured to a log file.
 */
public final class Scripts {
    /** The repository root: Maven runs the tests there. */
    public static final Path ROOT = Path.of("").toAbsolutePath();

    private Scripts() {}

    /** What a script printed (stdout and stderr together) and its exit code; -1 when it ran past its limit. */
    public record Result(int code, String output) {}

    /** Starts {@code command} (its first word a path under scripts/, resolved from the root) in {@code cwd}. */
    public static Process start(Path cwd, Path log, Map<String, String> env, List<String> command) throws IOException {
        List<String> bash =
                new ArrayList<>(List.of("bash", ROOT.resolve(command.get(0)).toString()));
        bash.addAll(command.subList(1, command.size()));
        ProcessBuilder pb = new ProcessBuilder(bash)
                .directory(cwd.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("SPARK_HOME");
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Runs {@code command} to its end, or kills it after {@code seconds}. */
    public static Result run(Path cwd, Path log, int seconds, Map<String, String> env, String... command)
            throws IOException, InterruptedException {
        Process p = start(cwd, log, env, List.of(command));
        boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        return new Result(done ? p.exitValue() : -1, Files.readString(log));
    }

    /** Waits until the job has written its first epoch row under {@code out}; fails with its log if it dies first. */
    public static void awaitFirstEpochRow(Path out, Process job, Path log) throws IOException, InterruptedException {
        Path epochs = out.resolve("metrics/epochs");
        for (int i = 0; i < 1500 && job.isAlive(); i++) {
            if (Files.isDirectory(epochs)) {
                try (java.util.stream.Stream<Path> files = Files.list(epochs)) {
                    if (files.anyMatch(f -> f.toString().endsWith(".parquet"))) {
                        return;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no epoch row; log:\n" + Files.readString(log));
    }
}

package org.drilldown.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.drilldown.config.BadInput;

/**
 * How many threads one Spark task's native and Java work may use: as many as the task has cores
 * ({@value #TASK_CPUS}, default 1). Left alone, ND4J sizes its OpenMP and op threads to the machine, so a
 * 16-core executor running 16 tasks would start 16 native threads per task, 256 in all. A launcher's
 * environment never reaches executors, so the job sets them through Spark; a value the user set wins.
 * In local mode the tasks run in the driver's JVM, whose environment is the launcher's and cannot change
 * once it runs: there the job only records what applies (and warns when it oversubscribes).
 */
public final class ExecutorThreads {
    static final String TASK_CPUS = "spark.task.cpus";
    static final String OMP = "OMP_NUM_THREADS";
    static final String EXECUTOR_OMP = "spark.executorEnv." + OMP;
    /**
     * {@code BatchNormKernel}'s parallel path (taken when ND4J may use more than one thread, i.e. OMP_NUM_THREADS
     * above 1) splits channels over the JVM's common fork-join pool plus the calling task thread.
     */
    static final String COMMON_POOL = "java.util.concurrent.ForkJoinPool.common.parallelism";

    static final String JAVA_OPTIONS = "spark.executor.extraJavaOptions";
    static final String APPLIES_TO = "applies_to";
    static final String ND4J_THREADS = "nd4j.threads";
    private static final Pattern COMMON_POOL_FLAG = Pattern.compile("-D" + Pattern.quote(COMMON_POOL) + "=(\\S*)");
    private static final String UNSET = "unset";

    private ExecutorThreads() {}

    /** {@value #TASK_CPUS} from the user's settings (conf/ and the launcher's), 1 when unset. */
    static int taskCpus(Map<String, String> user) {
        String value = user.getOrDefault(TASK_CPUS, "1").trim();
        try {
            int cpus = Integer.parseInt(value);
            if (cpus >= 1) {
                return cpus;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadInput(TASK_CPUS + " = \"" + value + "\": must be a whole number of cores, 1 or more");
    }

    /**
     * The settings to add for executors, given the user's: OMP_NUM_THREADS = task cores, and the common pool
     * sized so that one task's channels run on at most that many threads (its own thread and task cores - 1
     * pool threads; at least 1). Under {@value #JAVA_OPTIONS}, a flag for SparkSessions to append.
     */
    static Map<String, String> settings(Map<String, String> user) {
        int cpus = taskCpus(user);
        Map<String, String> add = new LinkedHashMap<>();
        if (!user.containsKey(EXECUTOR_OMP)) {
            add.put(EXECUTOR_OMP, Integer.toString(cpus));
        }
        if (!COMMON_POOL_FLAG.matcher(user.getOrDefault(JAVA_OPTIONS, "")).find()) {
            add.put(JAVA_OPTIONS, "-D" + COMMON_POOL + "=" + Math.max(1, cpus - 1));
        }
        return add;
    }

    /** What the executors of a cluster run with, from the session's final Spark settings. */
    static Map<String, String> onExecutors(Map<String, String> conf) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(APPLIES_TO, "executors");
        m.put(TASK_CPUS, Integer.toString(taskCpus(conf)));
        m.put(OMP, conf.getOrDefault(EXECUTOR_OMP, UNSET));
        String pool = UNSET;
        Matcher flag = COMMON_POOL_FLAG.matcher(conf.getOrDefault(JAVA_OPTIONS, ""));
        while (flag.find()) {
            pool = flag.group(1); // the JVM takes the last
        }
        m.put(COMMON_POOL, pool);
        m.put(DrilldownJob.MALLOC_ENV, conf.getOrDefault(DrilldownJob.EXECUTOR_MALLOC_ENV, UNSET));
        return m;
    }

    /**
     * What local mode's tasks run with: this JVM's environment and thread counts ({@code nd4jThreads}: ND4J's
     * per-op threads, which follow the launcher's OMP_NUM_THREADS or else the machine's cores).
     */
    static Map<String, String> inThisJvm(
            Map<String, String> conf, Map<String, String> env, int nd4jThreads, int commonPool) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(APPLIES_TO, "driver (local mode: tasks run in its JVM, with the launcher's environment)");
        m.put(TASK_CPUS, Integer.toString(taskCpus(conf)));
        m.put(OMP, env.getOrDefault(OMP, UNSET));
        m.put(ND4J_THREADS, Integer.toString(nd4jThreads));
        m.put(COMMON_POOL, Integer.toString(commonPool));
        m.put(DrilldownJob.MALLOC_ENV, env.getOrDefault(DrilldownJob.MALLOC_ENV, UNSET));
        return m;
    }

    /**
     * In local mode, why the run oversubscribes its cores, or null: more than one task at a time, each with more
     * native threads than task cores.
     */
    static String localOversubscription(int cores, int taskCpus, int nd4jThreads) {
        if (cores / taskCpus <= 1 || nd4jThreads <= taskCpus) {
            return null;
        }
        return "local mode runs up to " + (cores / taskCpus) + " tasks at once in this JVM, each with " + nd4jThreads
                + " native threads per op for its " + taskCpus + " " + TASK_CPUS + "; a running JVM's "
                + OMP + " cannot change: launch it with " + OMP + "=" + taskCpus + " (scripts/run-local.sh sets "
                + OMP + "=1 unless you set it)";
    }
}

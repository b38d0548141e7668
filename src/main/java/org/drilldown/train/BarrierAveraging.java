package org.drilldown.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.spark.SparkException;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.JavaSparkStatusTracker;
import org.datavec.spark.util.BroadcastHadoopConfigHolder;
import org.deeplearning4j.core.util.UIDProvider;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import scala.reflect.ClassTag$;

/**
 * Parameter averaging with all of an epoch's rounds in one Spark barrier stage ({@code drilldown.training.averaging
 * = barrier}). DL4J's master runs a Spark job a round: it broadcasts the network, launches the tasks and collects
 * their results, 43 ms a round on the two-core standalone cluster against 31 ms here (docs/scaling.md). The workers start once
 * an epoch and average among themselves through {@code allGather}; they fit the same files in the same rounds
 * ({@link PathRounds}) with DL4J's own worker, so a seed gives the parameters DL4J's jobs give.
 */
final class BarrierAveraging {
    /** How often {@link #awaitSlots} looks again. */
    private static final long WATCH_MILLIS = 250;

    private BarrierAveraging() {}

    /**
     * Why a barrier stage of {@code workers} tasks cannot run now, or null when it can: Spark runs one only with a
     * free slot for every task at once, and never under dynamic allocation.
     */
    static String unusableBecause(JavaSparkContext sc, int workers) {
        if (sc.getConf().getBoolean("spark.dynamicAllocation.enabled", false)) {
            return "Spark refuses barrier stages under dynamic allocation (spark.dynamicAllocation.enabled)";
        }
        int slots =
                sc.sc().maxNumConcurrentTasks(sc.sc().resourceProfileManager().defaultResourceProfile());
        if (slots < workers) {
            return workers + " workers need as many task slots at once, and the job has " + slots;
        }
        return null;
    }

    /**
     * Waits, up to {@code maxMillis}, until a barrier stage of {@code workers} tasks can run: on a cluster the
     * executors register one by one while the job starts, and the first epochs would otherwise go to DL4J's jobs.
     * Spark's own wait for executors ({@code spark.scheduler.minRegisteredResourcesRatio}) is 0 on standalone.
     */
    static void awaitSlots(JavaSparkContext sc, int workers, long maxMillis) {
        long deadline = System.currentTimeMillis() + maxMillis;
        try {
            while (unusableBecause(sc, workers) != null && System.currentTimeMillis() < deadline) {
                Thread.sleep(WATCH_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the job is being stopped: it will notice
        }
    }

    /** What each epoch's stage needs besides its files. */
    record Settings(
            int workers,
            int frequency,
            int batchSize,
            int prefetch,
            List<TrainingHook> hooks,
            List<org.deeplearning4j.optimize.api.TrainingListener> listeners) {}

    /**
     * Fits {@code files} (the epoch's minibatch files) on {@code net} in one barrier stage and leaves the averaged
     * parameters, updater state and counts on it, as DL4J's fits would. {@code rng} is the epoch's generator,
     * {@code epochStartNanos} when the epoch began (its first round includes exporting the files, as with DL4J).
     */
    static EpochFit fit(
            JavaSparkContext sc,
            MultiLayerNetwork net,
            List<String> files,
            Settings settings,
            Random rng,
            long epochStartNanos) {
        List<PathRounds.Round> rounds;
        try {
            rounds = PathRounds.of(files, settings.workers(), settings.frequency(), rng);
        } catch (Exception e) { // DL4J's split function declares Exception; it throws none of its own
            throw new IllegalStateException("dealing the epoch's minibatch files to the workers failed", e);
        }
        long stageStart = System.nanoTime();
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        Updater updater = net.getUpdater();
        BarrierWorker worker = new BarrierWorker(
                conf,
                net.params(),
                updater == null ? null : updater.getStateViewArray(),
                rounds,
                new WorkerConfiguration(
                        false,
                        settings.batchSize(),
                        settings.batchSize(),
                        settings.frequency(),
                        roundPrefetch(settings),
                        true),
                settings.hooks(),
                settings.listeners(),
                new BatchFiles.Loader(),
                BroadcastHadoopConfigHolder.get(sc));
        JavaRDD<BarrierWorker.Result> stage = sc.parallelize(
                        IntStream.range(0, settings.workers()).boxed().toList(), settings.workers())
                .rdd()
                .barrier()
                .mapPartitions(worker, false, ClassTag$.MODULE$.apply(BarrierWorker.Result.class))
                .toJavaRDD();
        List<BarrierWorker.Result> results = collect(sc, stage); // in partition order: worker 0 first
        long stageEnd = System.nanoTime();

        BarrierWorker.Result first = results.get(0);
        net.setParameters(first.params().array());
        if (first.updater() != null) {
            net.getUpdater().setStateViewArray(null, first.updater().array(), false);
        }
        conf.setIterationCount(first.iterationCount());
        int fits = rounds.isEmpty() ? 0 : rounds.get(rounds.size() - 1).fit() + 1;
        for (int i = 0; i < fits; i++) {
            net.incrementEpochCount(); // DL4J's SparkDl4jMultiLayer counts an epoch per fit call
        }

        List<AveragingRound> done = new ArrayList<>(first.rounds());
        if (!done.isEmpty()) {
            AveragingRound r1 = done.get(0);
            done.set(
                    0,
                    new AveragingRound(
                            r1.round(),
                            r1.iteration(),
                            r1.loss(),
                            r1.seconds() + (stageStart - epochStartNanos) / 1e9));
        }
        List<WorkerTiming> timings = new ArrayList<>();
        results.forEach(r -> timings.addAll(r.timings()));
        timings.add(new WorkerTiming(
                "BarrierStage",
                UIDProvider.getHardwareUID(),
                UIDProvider.getJVMUID(),
                Thread.currentThread().getId(),
                1,
                (stageEnd - stageStart) / 1_000_000));
        return new EpochFit(List.copyOf(done), List.copyOf(timings));
    }

    /**
     * The minibatches a worker loads ahead within a round: none when a round fits one (keep-batch's split rounds).
     * DL4J's {@code AsyncDataSetIterator} starts a thread and zeroes a fresh workspace (at least 10 MB, times the
     * prefetch + 1) for every round, and the task waits for it (JFR, docs/performance.md); a one-minibatch round has
     * nothing to load ahead.
     */
    static int roundPrefetch(Settings settings) {
        return settings.frequency() > 1 ? settings.prefetch() : 0;
    }

    /** A barrier stage that lost a task: Spark does not retry a failed barrier result stage, it fails the job. */
    static final class StageLost extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StageLost(String stage, Throwable cause) {
            super("barrier stage " + stage + " lost a task", cause);
        }
    }

    /**
     * Collects {@code stage}. When one of its tasks fails (an executor lost, say) Spark fails the whole job, as it
     * does for any barrier result stage; that comes back as {@link StageLost}, with the driver's network untouched.
     */
    private static List<BarrierWorker.Result> collect(JavaSparkContext sc, JavaRDD<BarrierWorker.Result> stage) {
        String group = "drilldown-barrier-" + UUID.randomUUID();
        sc.setJobGroup(group, "an epoch's averaging rounds", true);
        try {
            return stage.collect();
        } catch (Exception e) { // SparkException among them, which Scala throws undeclared
            throw lostOrAsIs(e, sc, group);
        } finally {
            sc.clearJobGroup();
        }
    }

    /** {@link StageLost} when {@code failure} is Spark failing the group's barrier stage; else {@code failure}. */
    private static RuntimeException lostOrAsIs(Throwable failure, JavaSparkContext sc, String group) {
        if (failure instanceof SparkException
                && String.valueOf(failure.getMessage()).contains("barrier")) {
            return new StageLost(stageIds(sc, group), failure);
        }
        return BarrierAveraging.<RuntimeException>unchecked(failure);
    }

    /** The stage ids of the group's jobs, for the log. */
    private static String stageIds(JavaSparkContext sc, String group) {
        JavaSparkStatusTracker status = sc.statusTracker();
        List<String> ids = new ArrayList<>();
        for (int job : status.getJobIdsForGroup(group)) {
            SparkJobInfo info = status.getJobInfo(job);
            for (int id : info == null ? new int[0] : info.stageIds()) {
                ids.add(String.valueOf(id));
            }
        }
        return String.join(",", ids);
    }

    /** Rethrows {@code t} unwrapped, checked or not (Spark's Scala code throws SparkException undeclared). */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T unchecked(Throwable t) throws T {
        throw (T) t;
    }
}

package org.drilldown.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.datavec.spark.util.SerializableHadoopConfig;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.api.worker.ExecuteWorkerPathFlatMap;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.nd4j.linalg.api.ndarray.INDArray;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;

/**
 * One worker of an epoch's barrier stage: for every round, DL4J's own parameter-averaging worker fits this worker's
 * minibatch files from the round's starting state (as in one of DL4J's per-round jobs: the configuration's counts,
 * parameters and updater state, the same hooks and listeners, the same re-batching and prefetch; on the network the
 * task built in its first round, {@link KeptNetworkWorker}), then the workers hand each other their states
 * ({@link StateExchange}: in memory within one JVM, through {@code allGather} across JVMs) and each takes the mean. The workers stay in one Spark stage for the whole epoch;
 * the driver hears from them once, at its end.
 */
final class BarrierWorker extends AbstractFunction1<Iterator<Integer>, Iterator<BarrierWorker.Result>>
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * What a worker returns: its timings; partition 0 also the final parameters and updater state (null: none), the
     * rounds and the iteration count.
     */
    record Result(
            WorkerState.Snapshot params,
            WorkerState.Snapshot updater,
            int iterationCount,
            List<AveragingRound> rounds,
            List<WorkerTiming> timings)
            implements Serializable {}

    private final MultiLayerConfiguration conf;
    private final WorkerState.Snapshot params;
    private final WorkerState.Snapshot updater; // null: no updater state
    private final List<PathRounds.Round> rounds;
    private final WorkerConfiguration workerConf;
    private final List<TrainingHook> hooks;
    private final List<org.deeplearning4j.optimize.api.TrainingListener> listeners;
    private final DataSetLoader loader;
    private final Broadcast<SerializableHadoopConfig> hadoop;

    BarrierWorker(
            MultiLayerConfiguration conf,
            INDArray params,
            INDArray updater,
            List<PathRounds.Round> rounds,
            WorkerConfiguration workerConf,
            List<TrainingHook> hooks,
            List<org.deeplearning4j.optimize.api.TrainingListener> listeners,
            DataSetLoader loader,
            Broadcast<SerializableHadoopConfig> hadoop) {
        this.conf = conf;
        this.params = new WorkerState.Snapshot(params);
        this.updater = updater == null ? null : new WorkerState.Snapshot(updater);
        this.rounds = List.copyOf(rounds);
        this.workerConf = workerConf;
        this.hooks = List.copyOf(hooks);
        this.listeners = List.copyOf(listeners);
        this.loader = loader;
        this.hadoop = hadoop;
    }

    /** Wakes task threads waiting in {@code allGather}; one daemon thread per JVM. */
    private static final ScheduledExecutorService NUDGE = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "barrier-nudge");
        t.setDaemon(true);
        return t;
    });

    /**
     * {@code ctx.allGather(message)}, without Spark's second. Spark 3.5's {@code BarrierTaskContext} waits for the
     * coordinator's reply in a loop of {@code Thread.sleep(1000)}, so every call took a whole second however fast
     * the reply came (19 calls an epoch: 19 of a step 4 epoch's 23 s, measured). An interrupt ends its sleep early
     * (Spark then checks that the task was not killed and looks at the reply again), so the task thread is
     * interrupted every millisecond while it waits, and its interrupt flag cleared afterwards.
     */
    static String[] allGather(BarrierTaskContext ctx, String message) {
        Nudge nudge = new Nudge(Thread.currentThread());
        ScheduledFuture<?> nudges = NUDGE.scheduleAtFixedRate(nudge, 1, 1, TimeUnit.MILLISECONDS);
        try {
            return ctx.allGather(message);
        } finally {
            nudge.stop();
            nudges.cancel(false);
            Thread.interrupted(); // a nudge that landed after the reply
        }
    }

    /** Interrupts the waiting task thread until stopped; once {@link #stop} returns, it never does again. */
    private static final class Nudge implements Runnable {
        private final Thread task;
        private boolean waiting = true;

        Nudge(Thread task) {
            this.task = task;
        }

        @Override
        public synchronized void run() {
            if (waiting) {
                task.interrupt();
            }
        }

        synchronized void stop() {
            waiting = false;
        }
    }

    @Override
    public Iterator<Result> apply(Iterator<Integer> ignored) {
        TestHalt.stall("in-barrier-stage");
        BarrierTaskContext ctx = BarrierTaskContext.get();
        int partition = ctx.partitionId();
        int frequency = workerConf.getMaxBatchesPerWorker(); // DL4J's workers fit at most the averaging frequency
        int iteration = conf.getIterationCount();
        int epoch = conf.getEpochCount();
        WorkerState state = new WorkerState(params.array(), updater == null ? null : updater.array(), 0);
        List<AveragingRound> done = new ArrayList<>();
        List<WorkerTiming> timings = new ArrayList<>();
        StateExchange exchange = StateExchange.choose(ctx);
        KeptNetworkWorker.Kept kept = new KeptNetworkWorker.Kept();
        long roundStart = System.nanoTime();
        try {
            for (int r = 0; r < rounds.size(); r++) {
                // What DL4J's driver would have set before this round's job: one iteration count per averaged round,
                // one epoch count per fit call.
                conf.setIterationCount(iteration);
                conf.setEpochCount(epoch + rounds.get(r).fit());
                ParameterAveragingTrainingResult result = fit(rounds.get(r), r, partition, state, kept);
                List<WorkerTiming> fitted = TrainingStats.timings(result.getSparkTrainingStats());
                timings.addAll(fitted);
                WorkerState mine = result.getParameters() == null
                        ? null
                        : new WorkerState(result.getParameters(), result.getUpdaterState(), result.getScore());
                long gatherStart = System.nanoTime();
                List<WorkerState> all = exchange.gather(r, mine);
                long now = System.nanoTime();
                timings.add(new WorkerTiming(
                        "AllGather",
                        fitted.isEmpty() ? "" : fitted.get(0).machine(),
                        fitted.isEmpty() ? "" : fitted.get(0).jvm(),
                        Thread.currentThread().getId(),
                        1,
                        (now - gatherStart) / 1_000_000));
                WorkerState mean = WorkerState.mean(all);
                if (mean != null) {
                    state = mean;
                    iteration += frequency;
                }
                done.add(new AveragingRound(r + 1, iteration, state.score(), (now - roundStart) / 1e9));
                roundStart = now;
            }
            exchange.close();
        } catch (RuntimeException | Error e) {
            exchange.abandon();
            throw e;
        }
        List<WorkerTiming> summed = TrainingStats.sum(timings);
        Result out = partition == 0
                ? new Result(
                        new WorkerState.Snapshot(state.params()),
                        state.updater() == null ? null : new WorkerState.Snapshot(state.updater()),
                        iteration,
                        done,
                        summed)
                : new Result(null, null, iteration, List.of(), summed);
        return JavaConverters.asScalaIterator(List.of(out).iterator());
    }

    /**
     * One round's fit of this worker's files from {@code start}, by DL4J's own worker as in its per-round job, on the
     * network {@code kept} from the task's first round.
     */
    private ParameterAveragingTrainingResult fit(
            PathRounds.Round round, int r, int partition, WorkerState start, KeptNetworkWorker.Kept kept) {
        KeptNetworkWorker worker = new KeptNetworkWorker(
                new NetBroadcastTuple(conf, start.params(), start.updater()), workerConf, hooks, listeners, kept);
        try {
            return new ExecuteWorkerPathFlatMap<>(worker, loader, hadoop)
                    .call(round.files().get(partition).iterator())
                    .next();
        } catch (Exception e) {
            throw new IllegalStateException("worker " + partition + " failed in averaging round " + (r + 1), e);
        }
    }
}

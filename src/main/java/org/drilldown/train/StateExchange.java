package org.drilldown.train;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.deeplearning4j.core.util.UIDProvider;

/**
 * How the workers of an epoch's barrier stage hand each other their states after a round. Every worker calls the
 * same methods in the same order: {@link #gather} once a round, then {@link #close}.
 */
interface StateExchange {
    /**
     * Hands over {@code mine} (null: this worker fitted nothing this round) and returns the states of every worker
     * that fitted something, in partition order.
     */
    List<WorkerState> gather(int round, WorkerState mine);

    /** After the last round: whatever this worker still holds out to the others is no longer needed. */
    void close();

    /** After a failure: drops what this worker holds out, without waiting for the others. */
    void abandon();

    /**
     * In memory when every task of the stage runs in this JVM (Spark local mode, or one executor with every slot),
     * through {@code allGather} otherwise. Each worker decides from the same gathered JVM ids, so all decide alike.
     */
    static StateExchange choose(BarrierTaskContext ctx) {
        String[] jvms = BarrierWorker.allGather(ctx, UIDProvider.getJVMUID());
        return Arrays.stream(jvms).distinct().count() == 1 ? new InMemoryExchange(ctx) : new WireExchange(ctx);
    }
}

package org.drilldown.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.BarrierTaskContext;

/**
 * States within one JVM: each worker leaves its round's state in a map for the others to read, and {@code allGather}
 * carries only whether it left one. Encoding step 1's state (two 992,800-float arrays) as Base64 and decoding every
 * worker's cost each worker ~65 ms a round of the ~280 it spent (docs/performance.md). The arrays left are the
 * round's own network's, which nothing writes to once the round's fit is over; readers never write to them either.
 */
final class InMemoryExchange implements StateExchange {
    /** A state's place: the stage attempt's, the round's and the partition's (one JVM may run several stages). */
    private record Key(int stage, int attempt, int round, int partition) {}

    private static final Map<Key, WorkerState> STATES = new ConcurrentHashMap<>();
    private static final String LEFT = "in memory";

    private final BarrierTaskContext ctx;
    private int lastRound = -1;

    InMemoryExchange(BarrierTaskContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public List<WorkerState> gather(int round, WorkerState mine) {
        if (mine != null) {
            STATES.put(key(round, ctx.partitionId()), mine);
        }
        String[] all = BarrierWorker.allGather(ctx, mine == null ? "" : LEFT);
        // Every worker is past the previous round: it read those states before it reached this allGather.
        dropMine(lastRound);
        lastRound = round;
        List<WorkerState> states = new ArrayList<>();
        for (int p = 0; p < all.length; p++) {
            if (!all[p].isEmpty()) {
                WorkerState s = STATES.get(key(round, p));
                if (s == null) {
                    throw new IllegalStateException("worker " + p + " left no state in round " + (round + 1)
                            + " of stage " + ctx.stageId() + " in this JVM");
                }
                states.add(s);
            }
        }
        return states;
    }

    @Override
    public void close() {
        BarrierWorker.allGather(ctx, ""); // every worker has read the last round's states
        dropMine(lastRound);
    }

    @Override
    public void abandon() {
        int stage = ctx.stageId();
        int attempt = ctx.stageAttemptNumber();
        int partition = ctx.partitionId();
        STATES.keySet().removeIf(k -> k.stage() == stage && k.attempt() == attempt && k.partition() == partition);
    }

    /** How many states this JVM holds out, of every stage: for tests. */
    static int held() {
        return STATES.size();
    }

    private void dropMine(int round) {
        if (round >= 0) {
            STATES.remove(key(round, ctx.partitionId()));
        }
    }

    private Key key(int round, int partition) {
        return new Key(ctx.stageId(), ctx.stageAttemptNumber(), round, partition);
    }
}

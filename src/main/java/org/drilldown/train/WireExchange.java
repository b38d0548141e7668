package org.drilldown.train;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.BarrierTaskContext;

/**
 * States across JVMs: each worker's state as one {@link WorkerState#encode} string through {@code allGather}; an
 * empty string from a worker that fitted nothing. A worker's own state is taken as it is, not decoded back (the
 * encoding is exact, so the bits are the same).
 */
final class WireExchange implements StateExchange {
    private final BarrierTaskContext ctx;

    WireExchange(BarrierTaskContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public List<WorkerState> gather(int round, WorkerState mine) {
        String[] all = BarrierWorker.allGather(ctx, mine == null ? "" : mine.encode());
        List<WorkerState> states = new ArrayList<>();
        for (int p = 0; p < all.length; p++) {
            if (!all[p].isEmpty()) {
                states.add(p == ctx.partitionId() ? mine : WorkerState.decode(all[p]));
            }
        }
        return states;
    }

    @Override
    public void close() {}

    @Override
    public void abandon() {}
}

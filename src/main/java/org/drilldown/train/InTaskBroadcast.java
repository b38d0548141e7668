package org.drilldown.train;

import org.apache.spark.broadcast.Broadcast;
import scala.reflect.ClassTag$;

/**
 * A value handed to a worker as a {@link Broadcast} that travels inside the task using it. DL4J's parameter-averaging
 * worker reads each round's parameters through a broadcast, and a real one costs every executor one more fetch from
 * the driver each round (16 ms of the cluster's 68 ms a round, docs/scaling.md), while Spark broadcasts each stage's
 * task binary anyway: the value rides in that. Spark's broadcast manager never hears of it, so there is nothing to
 * unpersist or destroy; the value is serialized with the task, once per round.
 */
final class InTaskBroadcast<T> extends Broadcast<T> {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // the tuples handed here (DL4J's NetBroadcastTuple) are Serializable
    private final T value;

    @SuppressWarnings("unchecked")
    InTaskBroadcast(T value) {
        super(-1L, ClassTag$.MODULE$.apply((Class<T>) value.getClass()));
        this.value = value;
    }

    @Override
    public T getValue() {
        return value;
    }

    @Override
    public void doUnpersist(boolean blocking) {
        // not Spark's: nothing stored
    }

    @Override
    public void doDestroy(boolean blocking) {
        // not Spark's: nothing stored
    }
}

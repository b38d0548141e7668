package org.drilldown.train;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A worker's parameters, updater state and loss after a round; across JVMs ({@link WireExchange}) one string for
 * {@code BarrierTaskContext.allGather} (which carries strings): each array's shape and floats, little-endian,
 * Base64. ND4J's own serialization writes and reads one value at a time, which cost step 1 (two 992,800-float
 * arrays a worker) about 0.25 s a round (docs/performance.md).
 */
record WorkerState(INDArray params, INDArray updater, double score) {
    private static final String SEP = ",";

    String encode() {
        return floats(params)
                + SEP
                + (updater == null ? "" : floats(updater))
                + SEP
                + score; // Double.toString reads back to the same double
    }

    static WorkerState decode(String message) {
        String[] parts = message.split(SEP, -1);
        return new WorkerState(
                floats(parts[0]), parts[1].isEmpty() ? null : floats(parts[1]), Double.parseDouble(parts[2]));
    }

    /**
     * The array's shape and values, little-endian floats in Base64 ("1x10096:…"): the same bits come back from
     * {@link #floats(String)}.
     */
    static String floats(INDArray a) {
        float[] values = values(a);
        ByteBuffer bytes = ByteBuffer.allocate(Float.BYTES * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        String shape = Arrays.stream(a.shape()).mapToObj(Long::toString).collect(Collectors.joining("x"));
        return shape + ":" + Base64.getEncoder().encodeToString(bytes.array());
    }

    /** The array that {@link #floats(INDArray)} wrote, in its shape. */
    static INDArray floats(String encoded) {
        int colon = encoded.indexOf(':');
        long[] shape = colon == 0
                ? new long[0]
                : Arrays.stream(encoded.substring(0, colon).split("x"))
                        .mapToLong(Long::parseLong)
                        .toArray();
        FloatBuffer buffer = ByteBuffer.wrap(Base64.getDecoder().decode(encoded.substring(colon + 1)))
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer();
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        return Nd4j.createFromArray(values).reshape('c', shape);
    }

    /**
     * The mean of {@code states} (the workers that fitted something), summed in partition order as {@code
     * RecordingTrainingMaster} sums DL4J's results (and DL4J itself for two workers, where a + b is b + a); null when
     * there are none. The states' own arrays are left as they are: another worker may be reading them.
     */
    static WorkerState mean(List<WorkerState> states) {
        if (states.isEmpty()) {
            return null;
        }
        INDArray params = null;
        INDArray updater = null;
        double scoreSum = 0;
        for (WorkerState s : states) {
            params = params == null ? s.params().dup() : params.addi(s.params());
            if (s.updater() != null) {
                updater = updater == null ? s.updater().dup() : updater.addi(s.updater());
            }
            scoreSum += s.score();
        }
        int n = states.size();
        return new WorkerState(params.divi(n), updater == null ? null : updater.divi(n), scoreSum / n);
    }

    /**
     * An array's shape and float values for Java serialization, which Spark uses for the barrier stage's closure and
     * results: the epoch's starting and final parameters and updater state. ND4J's own serialization ({@code
     * Nd4j.toByteArray}) writes and reads one value at a time.
     */
    static final class Snapshot implements Serializable {
        private static final long serialVersionUID = 1L;
        private final long[] shape;
        private final float[] values;

        Snapshot(INDArray a) {
            this.shape = a.shape();
            this.values = values(a);
        }

        /** A new array with the snapshot's shape and values. */
        INDArray array() {
            return Nd4j.createFromArray(values).reshape('c', shape);
        }
    }

    /** A copy of the array's float values in 'c' order. */
    private static float[] values(INDArray a) {
        if (a.dataType() != DataType.FLOAT) {
            throw new IllegalStateException("a worker's state is float, not " + a.dataType());
        }
        // asFloat copies the whole buffer: exactly the array's values unless it is a view or not in 'c' order.
        boolean ownBuffer = !a.isView() && a.ordering() == 'c' && a.data().length() == a.length();
        return (ownBuffer ? a : a.dup('c')).data().asFloat();
    }
}

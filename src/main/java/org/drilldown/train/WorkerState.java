package org.drilldown.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Base64;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A worker's parameters, updater state and loss after a round, as one string for {@code BarrierTaskContext.allGather}
 * (which carries strings): ND4J's own array serialization, Base64. A worker that fitted nothing this round sends the
 * empty string and counts in no average.
 */
record WorkerState(INDArray params, INDArray updater, double score) {
    private static final String SEP = ",";

    String encode() {
        Base64.Encoder b64 = Base64.getEncoder();
        return b64.encodeToString(bytes(params))
                + SEP
                + (updater == null ? "" : b64.encodeToString(bytes(updater)))
                + SEP
                + score; // Double.toString reads back to the same double
    }

    static WorkerState decode(String message) {
        String[] parts = message.split(SEP, -1);
        Base64.Decoder b64 = Base64.getDecoder();
        return new WorkerState(
                array(b64.decode(parts[0])),
                parts[1].isEmpty() ? null : array(b64.decode(parts[1])),
                Double.parseDouble(parts[2]));
    }

    /**
     * The mean of the workers that fitted something, summed in partition order as {@code RecordingTrainingMaster}
     * sums DL4J's results (and DL4J itself for two workers, where a + b is b + a); null when none did.
     */
    static WorkerState average(String[] messages) {
        INDArray params = null;
        INDArray updater = null;
        double scoreSum = 0;
        int n = 0;
        for (String message : messages) {
            if (message.isEmpty()) {
                continue;
            }
            WorkerState s = decode(message);
            params = params == null ? s.params() : params.addi(s.params());
            updater = updater == null ? s.updater() : s.updater() == null ? updater : updater.addi(s.updater());
            scoreSum += s.score();
            n++;
        }
        if (n == 0) {
            return null;
        }
        return new WorkerState(params.divi(n), updater == null ? null : updater.divi(n), scoreSum / n);
    }

    /** ND4J's serialization of a copy of {@code a} (a view is written as the values it shows). */
    static byte[] bytes(INDArray a) {
        try {
            return Nd4j.toByteArray(a.dup());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize an array of shape " + Arrays.toString(a.shape()), e);
        }
    }

    static INDArray array(byte[] bytes) {
        return Nd4j.fromByteArray(bytes);
    }
}

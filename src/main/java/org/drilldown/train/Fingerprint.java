package org.drilldown.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SHA-256 of a network's parameters and updater (momentum) state, as little-endian floats: two runs that
 * trained the same are the same to the last bit exactly when their fingerprints match (column
 * {@code epochs.params_sha256}).
 */
final class Fingerprint {
    private Fingerprint() {}

    static String of(MultiLayerNetwork net) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(bytes(net.params()));
            INDArray state = net.getUpdater() == null ? null : net.getUpdater().getStateViewArray();
            if (state != null) {
                sha.update(bytes(state));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
    }

    private static byte[] bytes(INDArray a) {
        float[] values = a.toFloatVector();
        ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return buf.array();
    }
}

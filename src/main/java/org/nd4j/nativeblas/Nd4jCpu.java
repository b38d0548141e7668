package org.nd4j.nativeblas;

/**
 * Compatibility shim: DL4J 1.0.0-M2.1's {@code BaseMKLDNNHelper} asks
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment.isUseMKLDNN()} whether oneDNN is on, but ND4J M2.1
 * moved that class to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu} and renamed the method
 * {@code isUseONEDNN()}. Without this class the lookup fails silently and every conv, pooling and
 * batch-norm layer falls back to DL4J's slow built-in path. See {@code org.drilldown.train.NativeHelpers}.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {}

    /** The subset of the old API that DL4J's helpers call. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() {}

        public static Environment getInstance() {
            return INSTANCE;
        }

        public boolean isUseMKLDNN() {
            return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance()
                    .isUseONEDNN();
        }
    }
}

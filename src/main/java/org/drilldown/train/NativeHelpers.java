package org.drilldown.train;

/**
 * Switches DL4J's oneDNN layer helpers on (and JavaCPP's per-allocation memory probe off). DL4J 1.0.0-M2.1
 * ships the helpers off twice over: the system property {@value #HELPERS_DISABLE} defaults to true, and the
 * helper probe looks up a class ND4J renamed (fixed by the shim {@code org.nd4j.nativeblas.Nd4jCpu}). The
 * oneDNN build of libnd4j is picked by JavaCPP's platform extension. Must run before any ND4J class loads,
 * in every JVM: the driver here, executors through {@link #executorJavaOptions(boolean)}.
 */
public final class NativeHelpers {
    public static final String HELPERS_DISABLE = "org.eclipse.deeplearning4j.helpers.disable";
    public static final String PLATFORM_EXTENSION = "org.bytedeco.javacpp.platform.extension";
    public static final String ONEDNN_EXTENSION = "-onednn-avx2";
    /**
     * JavaCPP checks the process's resident memory (reads /proc/self/statm) on every native allocation while
     * this limit is positive; ND4J allocates per op, so at batch 32 that cost 3-5 % of training throughput
     * (measured, docs/performance.md). 0 turns the check off; the heap-based limit maxBytes still applies.
     */
    public static final String JAVACPP_MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

    private NativeHelpers() {}

    /** Sets the properties in this JVM unless the launcher already set them; oneDNN only for the CPU backend. */
    public static void configure(boolean onednn) {
        setIfAbsent(JAVACPP_MAX_PHYSICAL_BYTES, "0");
        if (onednn && cpuBackend()) {
            setIfAbsent(HELPERS_DISABLE, "false");
            setIfAbsent(PLATFORM_EXTENSION, ONEDNN_EXTENSION);
        }
    }

    /** The same switches as JVM flags, for {@code spark.executor.extraJavaOptions}. */
    public static String executorJavaOptions(boolean onednn) {
        String javacpp = "-D" + JAVACPP_MAX_PHYSICAL_BYTES + "=0";
        return onednn && cpuBackend()
                ? javacpp + " -D" + HELPERS_DISABLE + "=false -D" + PLATFORM_EXTENSION + "=" + ONEDNN_EXTENSION
                : javacpp;
    }

    /**
     * True when ND4J will run on its CPU backend: the CUDA backend (the gpu build) is absent. Looked up
     * without initialising anything, so no natives load yet.
     */
    static boolean cpuBackend() {
        return present("org.nd4j.linalg.cpu.nativecpu.CpuBackend")
                && !present("org.nd4j.linalg.jcublas.JCublasBackend");
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, NativeHelpers.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}

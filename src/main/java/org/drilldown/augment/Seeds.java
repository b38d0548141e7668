package org.drilldown.augment;

/** Derives independent seeds from the run seed, so no stage needs randomness of its own. */
public final class Seeds {
    private Seeds() {}

    /** A well-mixed 64-bit seed for the tuple ({@code seed}, {@code parts}...), SplitMix64 style. */
    public static long derive(long seed, long... parts) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        for (long p : parts) {
            h = mix(h + 0x9E3779B97F4A7C15L + p);
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

package org.drilldown.train;

/**
 * Test-only: stops the JVM as {@code kill -9} would (no shutdown hooks, exit code 137) at a named point, so
 * that tests can kill a child job exactly between two writes. Set {@code -Ddrilldown.test.halt=POINT}; points
 * are {@code after-checkpoint:STEP:EPOCH} (the epoch's checkpoint written, its rows not) and
 * {@code in-first-runs-write} (the run's first {@code runs} row staged, not yet in the table). Unset in real runs.
 * {@link #stall} holds a thread instead, at {@code in-barrier-stage}: a stage that holds every task slot forever.
 */
public final class TestHalt {
    static final String PROPERTY = "drilldown.test.halt";

    private TestHalt() {}

    /** Halts when {@code point} is the one the property names; otherwise does nothing. */
    public static void at(String point) {
        if (point.equals(System.getProperty(PROPERTY))) {
            Runtime.getRuntime().halt(137);
        }
    }

    /** Blocks the calling thread until it is interrupted (a task cancelled) when the property names {@code point}. */
    public static void stall(String point) {
        if (point.equals(System.getProperty(PROPERTY))) {
            try {
                new java.util.concurrent.CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("test stall at " + point + " interrupted", e);
            }
        }
    }
}

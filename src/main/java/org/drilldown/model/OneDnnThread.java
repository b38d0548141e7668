package org.drilldown.model;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A thread's oneDNN state for {@link OneDnnConvolution}: its stream, its {@link ConvolutionPlan}s by shape, and
 * one scratch buffer that every plan's reordered copies share (each lives only during its call, so the largest
 * call sets the size, not the sum over layers). DL4J runs a network on one thread at a time, and a Spark worker's
 * network lasts a round (DL4J's job a round) or an epoch's barrier task, so the plans belong to the thread, not to the
 * layer.
 */
final class OneDnnThread {
    private static final long ALIGNMENT = 64;
    private static final engine ENGINE = new engine(engine.kind.cpu, 0);
    private static final ThreadLocal<OneDnnThread> CURRENT = ThreadLocal.withInitial(OneDnnThread::new);

    private final stream stream = new stream(ENGINE);
    private final Map<ConvolutionShape, ConvolutionPlan> plans = new HashMap<>();
    private final Scratch scratch = new Scratch();

    static OneDnnThread current() {
        return CURRENT.get();
    }

    ConvolutionPlan plan(ConvolutionShape shape) {
        return plans.computeIfAbsent(shape, s -> new ConvolutionPlan(s, ENGINE));
    }

    /** A plan outside the thread's cache, with Winograd allowed or not: for {@link ConvolutionTimes}. */
    static ConvolutionPlan plan(ConvolutionShape shape, boolean winograd) {
        return new ConvolutionPlan(shape, ENGINE, winograd);
    }

    stream stream() {
        return stream;
    }

    /** The scratch, emptied, with room for {@code bytes}. */
    Scratch scratch(long bytes) {
        scratch.reset(bytes);
        return scratch;
    }

    /** A pointer oneDNN reads as the plain address {@code address}. */
    Pointer address(long address) {
        return new Address(address);
    }

    static long aligned(long bytes) {
        return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** Reordered copies for one call, laid out one after another in a buffer that grows to the largest call's. */
    final class Scratch {
        private BytePointer buffer;
        private long start;
        private long capacity;
        private long next;

        void reset(long bytes) {
            if (bytes > capacity) {
                if (buffer != null) {
                    buffer.deallocate();
                }
                buffer = new BytePointer(bytes + ALIGNMENT);
                start = aligned(buffer.address());
                capacity = bytes;
            }
            next = start;
        }

        Pointer take(long bytes) {
            if (next + bytes > start + capacity) {
                throw new IllegalStateException("oneDNN scratch overrun: " + bytes + " bytes past " + capacity);
            }
            Pointer at = new Address(next);
            next += bytes;
            return at;
        }

        OneDnnThread thread() {
            return OneDnnThread.this;
        }
    }

    /** JavaCPP's pointer to an address it does not own (an ND4J buffer, or the scratch). */
    private static final class Address extends Pointer {
        Address(long address) {
            this.address = address;
        }
    }
}

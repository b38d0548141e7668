package org.drilldown.train;

/**
 * One kind of timed event in one epoch, summed per JVM thread: DL4J's parameter-averaging training stats
 * (e.g. a worker's fit time, the driver's broadcast or aggregation), keyed by DL4J's short stat name.
 */
public record WorkerTiming(String stat, String machine, String jvm, long thread, int events, long totalMs)
        implements java.io.Serializable {}

package org.drilldown.train;

/**
 * One parameter-averaging round as the driver saw it: its 1-based number within the epoch, DL4J's
 * iteration count after it (minibatches each worker has fitted in this step), the workers' mean loss on
 * their last minibatch, and the seconds since the previous round ended (the epoch's first round includes
 * exporting that epoch's minibatches).
 */
public record AveragingRound(int round, int iteration, double loss, double seconds) implements java.io.Serializable {}

package org.drilldown.train;

import java.util.List;

/** How an epoch's fit went: its averaging rounds and the timings of the driver and every worker thread. */
record EpochFit(List<AveragingRound> rounds, List<WorkerTiming> timings) {}

/**
 * Recipe sweeps: a search space of step keys (conf/sweep-step4.conf), seeded trials each trained as a one-worker
 * run of the job itself, run side by side as Spark jobs, and successive halving on validation accuracy; every
 * trial and pruning decision goes to the {@code trials} table. Uses train and metrics; the cli starts it.
 */
package org.drilldown.sweep;

package org.drilldown.sweep;

/** Trains a trial's run; {@link JobTrialTraining} through the job itself. */
public interface TrialTraining {
    /**
     * Trains {@code trial}'s run to {@code epochs} epochs in all, continuing from what it recorded; {@code last}:
     * the run ends with this call (its step and its outcome are recorded), otherwise it stays open for the next
     * rung. A failure comes back as a failed result, never as an exception.
     */
    TrialResult train(Trial trial, int epochs, boolean last);
}

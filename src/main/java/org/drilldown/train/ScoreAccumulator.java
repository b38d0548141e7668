package org.drilldown.train;

import org.apache.spark.util.AccumulatorV2;

/** A Spark accumulator of {@link Score}s: tasks add, the driver reads their sum once the job has run. */
final class ScoreAccumulator extends AccumulatorV2<Score, Score> {
    private Score total = Score.EMPTY;

    @Override
    public boolean isZero() {
        return total.count() == 0 && total.lossSum() == 0;
    }

    @Override
    public ScoreAccumulator copy() {
        ScoreAccumulator copy = new ScoreAccumulator();
        copy.total = total;
        return copy;
    }

    @Override
    public void reset() {
        total = Score.EMPTY;
    }

    @Override
    public void add(Score score) {
        total = total.plus(score);
    }

    @Override
    public void merge(AccumulatorV2<Score, Score> other) {
        total = total.plus(other.value());
    }

    @Override
    public Score value() {
        return total;
    }
}

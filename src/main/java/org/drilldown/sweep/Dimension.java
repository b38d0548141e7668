package org.drilldown.sweep;

import java.util.List;
import java.util.Random;

/**
 * One step key a sweep varies: a range {@code [low, high]} drawn uniformly ({@link Scale#LINEAR}) or uniformly in
 * its logarithm ({@link Scale#LOG}), rounded for an integer key; a list of {@code choices} (numbers, lists or
 * objects, as HOCON unwraps them), one drawn with equal odds; or a {@code grid} of values, each given in turn to
 * the configurations ({@link SweepPlan}): drawn choices repeat some values and miss others, and a comparison of a
 * few architectures wants each one once.
 */
public record Dimension(String key, Scale scale, double low, double high, boolean integer, List<Object> choices) {
    /** How a range is drawn; {@code CHOICE} for a dimension of choices, {@code GRID} for one of grid values. */
    public enum Scale {
        LINEAR,
        LOG,
        CHOICE,
        GRID
    }

    public Dimension {
        choices = List.copyOf(choices);
    }

    static Dimension range(String key, Scale scale, double low, double high, boolean integer) {
        return new Dimension(key, scale, low, high, integer, List.of());
    }

    static Dimension choices(String key, List<Object> choices) {
        return new Dimension(key, Scale.CHOICE, Double.NaN, Double.NaN, false, choices);
    }

    static Dimension grid(String key, List<Object> values) {
        return new Dimension(key, Scale.GRID, Double.NaN, Double.NaN, false, values);
    }

    boolean isGrid() {
        return scale == Scale.GRID;
    }

    /** The value for one trial, drawn from {@code random}; a grid's values are given, not drawn. */
    Object draw(Random random) {
        return switch (scale) {
            case GRID -> throw new IllegalStateException("sweep.space." + key + " is a grid: its values are not drawn");
            case CHOICE -> choices.get(random.nextInt(choices.size()));
            case LOG -> number(Math.exp(Math.log(low) + random.nextDouble() * (Math.log(high) - Math.log(low))));
            case LINEAR -> number(low + random.nextDouble() * (high - low));
        };
    }

    /** The ends a range can draw (so both can be checked before any trial runs); the choices or grid themselves. */
    List<Object> extremes() {
        return scale == Scale.CHOICE || scale == Scale.GRID ? choices : List.of(number(low), number(high));
    }

    private Object number(double value) {
        return integer ? (Object) (int) Math.round(value) : (Object) value;
    }
}

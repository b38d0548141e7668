package org.drilldown.augment;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Random rotation in [-maxDegrees, maxDegrees] whose angle depends only on (run seed, epoch, image id),
 * so an epoch replays identically however Spark partitions the data.
 */
public record RandomRotation(long seed, int epoch, double maxDegrees) implements Serializable {

    public double angleFor(long imageId) {
        if (maxDegrees == 0.0) {
            return 0.0;
        }
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, epoch, imageId));
        return (random.nextDouble() * 2 - 1) * maxDegrees;
    }

    public float[] apply(long imageId, float[] image, int rows, int cols) {
        double angle = angleFor(imageId);
        return angle == 0.0 ? image : Rotation.rotate(image, rows, cols, angle);
    }
}

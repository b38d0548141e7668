package org.drilldown.augment;

/**
 * Rotation of a single-channel image about its centre with bilinear interpolation and zero fill, the
 * geometry of torchvision's RandomRotation and of {@code grid_sample(align_corners=False)}.
 */
public final class Rotation {
    private Rotation() {}

    /** Rotates {@code src} (row-major {@code rows x cols}) by {@code degrees}, counter-clockwise for positive angles. */
    public static float[] rotate(float[] src, int rows, int cols, double degrees) {
        if (degrees == 0.0) {
            return src.clone();
        }
        double rad = Math.toRadians(degrees);
        double cos = Math.cos(rad);
        double sin = Math.sin(rad);
        double cy = (rows - 1) / 2.0;
        double cx = (cols - 1) / 2.0;
        float[] out = new float[rows * cols];
        for (int y = 0; y < rows; y++) {
            double dy = y - cy;
            for (int x = 0; x < cols; x++) {
                double dx = x - cx;
                // Inverse mapping: where in the source does this output pixel come from?
                double sx = cos * dx - sin * dy + cx;
                double sy = sin * dx + cos * dy + cy;
                out[y * cols + x] = bilinear(src, rows, cols, sy, sx);
            }
        }
        return out;
    }

    private static float bilinear(float[] src, int rows, int cols, double y, double x) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        double top = lerp(at(src, rows, cols, y0, x0), at(src, rows, cols, y0, x0 + 1), fx);
        double bottom = lerp(at(src, rows, cols, y0 + 1, x0), at(src, rows, cols, y0 + 1, x0 + 1), fx);
        return (float) lerp(top, bottom, fy);
    }

    private static double lerp(double a, double b, double t) {
        return a + (b - a) * t;
    }

    private static float at(float[] src, int rows, int cols, int y, int x) {
        return (y < 0 || y >= rows || x < 0 || x >= cols) ? 0f : src[y * cols + x];
    }
}

package org.drilldown.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.drilldown.TestData;
import org.drilldown.data.MnistFiles;
import org.drilldown.data.MnistSplit;
import org.junit.jupiter.api.Test;

class RotationTest {

    @Test
    void zeroDegreesIsTheIdentity() {
        float[] digit = realDigit(0);
        assertThat(Rotation.rotate(digit, 28, 28, 0.0)).containsExactly(digit);
        assertThat(new RandomRotation(1, 1, 0.0).apply(0, digit, 28, 28)).containsExactly(digit);
    }

    @Test
    void ninetyDegreesTurnsARowIntoAColumn() {
        float[] bar = new float[28 * 28];
        for (int x = 4; x < 24; x++) {
            bar[14 * 28 + x] = 1f; // horizontal bar on row 14
        }
        float[] turned = Rotation.rotate(bar, 28, 28, 90.0);
        // Counter-clockwise about (13.5, 13.5): row 14 maps to column 14, right end goes up.
        for (int y = 4; y < 24; y++) {
            assertThat(turned[y * 28 + 14]).as("row %d", y).isCloseTo(1f, within(1e-4f));
        }
        assertThat(sum(turned)).isCloseTo(sum(bar), within(1e-3f));
        assertThat(turned[14 * 28 + 4]).isZero();
    }

    @Test
    void aRotatedDigitKeepsItsInkAndComesBack() {
        float[] digit = realDigit(7);
        float[] rotated = Rotation.rotate(digit, 28, 28, 10.0);
        float[] back = Rotation.rotate(rotated, 28, 28, -10.0);

        assertThat(correlation(digit, rotated)).isLessThan(0.97);
        assertThat(sum(rotated)).isCloseTo(sum(digit), within(0.03f * sum(digit)));
        assertThat(correlation(digit, back)).isGreaterThan(0.95);
    }

    @Test
    void anglesDependOnlyOnSeedEpochAndImageAndStayInRange() {
        RandomRotation epoch1 = new RandomRotation(42, 1, 10.0);
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (long id = 0; id < 2000; id++) {
            double a = epoch1.angleFor(id);
            assertThat(a).isEqualTo(new RandomRotation(42, 1, 10.0).angleFor(id));
            min = Math.min(min, a);
            max = Math.max(max, a);
        }
        assertThat(min).isBetween(-10.0, -9.0);
        assertThat(max).isBetween(9.0, 10.0);
        assertThat(epoch1.angleFor(5)).isNotEqualTo(new RandomRotation(42, 2, 10.0).angleFor(5));
        assertThat(epoch1.angleFor(5)).isNotEqualTo(new RandomRotation(43, 1, 10.0).angleFor(5));
    }

    static float[] realDigit(int index) {
        MnistSplit test = new MnistFiles(TestData.mnistDir()).test();
        byte[] pixels = test.images()[index];
        float[] image = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            image[i] = (pixels[i] & 0xFF) / 255f;
        }
        return image;
    }

    private static float sum(float[] a) {
        float s = 0;
        for (float v : a) {
            s += v;
        }
        return s;
    }

    private static double correlation(float[] a, float[] b) {
        double ma = sum(a) / a.length;
        double mb = sum(b) / b.length;
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.sqrt(aa * bb);
    }
}

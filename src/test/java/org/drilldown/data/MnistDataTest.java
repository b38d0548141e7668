package org.drilldown.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.drilldown.TestData;
import org.drilldown.config.BadInput;
import org.junit.jupiter.api.Test;

/** The validation set is the first N training images, never among those trained on; limits count after it. */
class MnistDataTest {
    @Test
    void theFirstImagesAreHeldOutAndTheLimitCountsTheOnesAfterThem() {
        MnistData data = MnistData.load(TestData.mnistDir(), 100, 10, 50);
        MnistSplit first150 = new MnistFiles(TestData.mnistDir()).train(150);
        assertThat(data.validation().size()).isEqualTo(50);
        assertThat(data.train().size()).isEqualTo(100);
        assertThat(data.test().size()).isEqualTo(10);
        assertThat(data.validation().images()[49]).isEqualTo(first150.images()[49]);
        assertThat(data.train().images()[0]).isEqualTo(first150.images()[50]);
        assertThat(data.train().labels()[99]).isEqualTo(first150.labels()[149]);
    }

    @Test
    void noValidationSetTrainsOnTheFirstImages() {
        MnistData data = MnistData.load(TestData.mnistDir(), 20, 10, 0);
        assertThat(data.validation().size()).isZero();
        assertThat(data.train().images()[0])
                .isEqualTo(new MnistFiles(TestData.mnistDir()).train(1).images()[0]);
    }

    @Test
    void aValidationSetThatLeavesNothingToTrainOnIsRefused() {
        assertThatThrownBy(() -> MnistData.load(TestData.mnistDir(), 0, 10, 60_000))
                .isInstanceOf(BadInput.class)
                .hasMessage("--validation 60000 holds out every one of the 60000 training images read, leaving none to"
                        + " train on; pass a smaller --validation (0 for none)");
    }
}

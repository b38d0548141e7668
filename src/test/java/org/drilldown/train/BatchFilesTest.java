package org.drilldown.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.drilldown.TestData;
import org.drilldown.data.MnistFiles;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class BatchFilesTest {
    private final DataSet batch = new SingleProcessTrainer(0.1307, 0.3081)
            .batches(new MnistFiles(TestData.mnistDir()).train().limit(32), null, 32, null)
            .get(0);

    @Test
    void aRealBatchRoundTripsExactly() {
        DataSet back = BatchFiles.decode(BatchFiles.encode(batch), "mem");
        assertThat(back.getFeatures().shape()).containsExactly(32, 1, 28, 28);
        assertThat(back.getFeatures()).isEqualTo(batch.getFeatures());
        assertThat(back.getLabels()).isEqualTo(batch.getLabels());
    }

    @Test
    void truncatedOrForeignFilesAreRefusedWithTheirPath() {
        byte[] bytes = BatchFiles.encode(batch);
        assertThatThrownBy(() -> BatchFiles.decode(Arrays.copyOf(bytes, bytes.length - 4), "/x/part-0-1.bin"))
                .hasMessageContaining("truncated batch file /x/part-0-1.bin");
        bytes[0] ^= 0x7f;
        assertThatThrownBy(() -> BatchFiles.decode(bytes, "/x/part-0-2.bin"))
                .hasMessageContaining("not a Drilldown batch file: /x/part-0-2.bin");
    }
}

package org.drilldown.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.drilldown.TestData;
import org.drilldown.data.MnistFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.loader.Source;
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
    void theLoaderReadsLocalFilesFromDiskAndAnyOtherPathThroughItsSource(@TempDir Path dir) throws Exception {
        byte[] bytes = BatchFiles.encode(batch);
        Path file = Files.write(dir.resolve("part-0-0.bin"), bytes);
        DataSet local = new BatchFiles.Loader().load(source(file.toUri().toString(), null));
        assertThat(local.getFeatures()).isEqualTo(batch.getFeatures());
        assertThat(local.getLabels()).isEqualTo(batch.getLabels());
        DataSet remote = new BatchFiles.Loader().load(source("hdfs://nn/x/part-0-0.bin", bytes));
        assertThat(remote.getFeatures()).isEqualTo(batch.getFeatures());
    }

    /** A source at {@code path} whose stream holds {@code bytes}; null: opening it fails the test. */
    private static Source source(String path, byte[] bytes) {
        return new Source() {
            @Override
            public InputStream getInputStream() {
                assertThat(bytes)
                        .as("a local file is read from disk, not opened through Hadoop")
                        .isNotNull();
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public String getPath() {
                return path;
            }
        };
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

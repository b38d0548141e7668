package org.drilldown.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.drilldown.config.ConfigLoader;
import org.drilldown.config.StepSpec;
import org.drilldown.model.StepModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Checkpoints keep the model and its momentum, and say which file cannot be resumed from and why. */
class CheckpointsTest {
    @TempDir
    Path dir;

    private static StepSpec step3;

    @BeforeAll
    static void setUp() {
        NativeHelpers.configure(true);
        step3 = ConfigLoader.load(null, Map.of("drilldown.run-steps", List.of("3")))
                .steps()
                .get(0);
    }

    @Test
    void aCheckpointRestoresParametersAndUpdaterState() {
        MultiLayerNetwork net = StepModels.network(step3, 5);
        net.getUpdater()
                .getStateViewArray()
                .assign(Nd4j.rand(
                        DataType.FLOAT, net.getUpdater().getStateViewArray().shape()));
        Checkpoints checkpoints = new Checkpoints(dir);

        checkpoints.save("3", 2, net);
        MultiLayerNetwork back = checkpoints.load("3", 2);

        assertThat(back.params()).isEqualTo(net.params());
        assertThat(back.getUpdater().getStateViewArray())
                .isEqualTo(net.getUpdater().getStateViewArray());
    }

    @Test
    void theCheckpointOfTheLastRecordedEpochStaysUntilTheNextEpochsRowsAreWritten() throws IOException {
        MultiLayerNetwork net = StepModels.network(step3, 5);
        Checkpoints checkpoints = new Checkpoints(dir);
        checkpoints.save("3", 1, net);
        checkpoints.discardBefore("3", 1);
        checkpoints.save("3", 2, net); // a kill here leaves rows up to epoch 1: its checkpoint must still be there
        assertThat(checkpoints.epochs("3")).containsExactly(1, 2);

        checkpoints.discardBefore("3", 2); // epoch 2's rows are written
        assertThat(checkpoints.epochs("3")).containsExactly(2);
        assertThat(checkpoints.epochs("4")).isEmpty();
    }

    @Test
    void updaterStateOfAnotherLayoutIsRefusedNamingTheFile() throws IOException {
        // As a checkpoint from before BatchNorm's running statistics had updater state: a shorter state array.
        MultiLayerNetwork net = StepModels.network(step3, 5);
        Checkpoints checkpoints = new Checkpoints(dir);
        checkpoints.save("3", 1, net);
        Path file = dir.resolve("step-3-epoch-1.zip");
        INDArray shorter =
                Nd4j.zeros(DataType.FLOAT, net.getUpdater().getStateViewArray().length() - 96);
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + file.toUri()), Map.of());
                OutputStream out = Files.newOutputStream(zip.getPath(ModelSerializer.UPDATER_BIN));
                DataOutputStream data = new DataOutputStream(out)) {
            Nd4j.write(shorter, data);
        }

        assertThatThrownBy(() -> checkpoints.load("3", 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("another version of Drilldown")
                .hasMessageContaining("run the step afresh");
    }
}

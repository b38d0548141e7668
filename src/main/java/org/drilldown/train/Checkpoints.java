package org.drilldown.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.drilldown.config.BadInput;

/**
 * Per-epoch checkpoints of a run, {@code <dir>/step-<key>-epoch-<n>.zip}: the model with its updater
 * (momentum) state, written before the epoch's metric rows. The step's older checkpoints are discarded
 * only once the new epoch's rows are written, so the last epoch with rows always has its checkpoint, also
 * after a kill between a checkpoint and its rows; when a step ends, its latest checkpoint alone is left.
 */
public final class Checkpoints {
    private final Path dir;

    public Checkpoints(Path dir) {
        this.dir = dir;
    }

    void save(String step, int epoch, MultiLayerNetwork net) {
        Path target = file(step, epoch);
        try {
            Files.createDirectories(dir);
            Path partial = Files.createTempFile(dir, ".checkpoint-", ".zip");
            ModelSerializer.writeModel(net, partial.toFile(), true);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target, e);
        }
    }

    /** Deletes the step's checkpoints of epochs before {@code epoch}: call once that epoch's rows are written. */
    void discardBefore(String step, int epoch) {
        try {
            for (int older : epochs(step)) {
                if (older < epoch) {
                    Files.deleteIfExists(file(step, older));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete older checkpoints of step " + step + " in " + dir, e);
        }
    }

    /** The epochs of the step that have a checkpoint, in order. */
    public List<Integer> epochs(String step) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        String prefix = "step-" + step + "-epoch-";
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith(prefix) && n.endsWith(".zip"))
                    .map(n -> n.substring(prefix.length(), n.length() - ".zip".length()))
                    .filter(n -> n.matches("[0-9]{1,9}"))
                    .map(Integer::valueOf)
                    .sorted()
                    .toList();
        }
    }

    /** The step's model and updater state after {@code epoch}; fails naming the file when it is missing. */
    MultiLayerNetwork load(String step, int epoch) {
        Path file = file(step, epoch);
        if (!Files.isRegularFile(file)) {
            throw new BadInput("no checkpoint " + file + " for step " + step + " epoch " + epoch
                    + "; the run cannot be resumed from there");
        }
        try {
            return ModelSerializer.restoreMultiLayerNetwork(file.toFile(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file, e);
        } catch (IllegalStateException e) {
            // DL4J refuses updater state of another length, e.g. from a Drilldown before 6c59495, whose BatchNorm
            // running statistics had no updater state.
            throw new IllegalStateException(
                    "cannot restore checkpoint " + file + ": " + e.getMessage()
                            + ". It was written by another version of Drilldown (the run's manifest names its commit):"
                            + " resume with that version, or run the step afresh",
                    e);
        }
    }

    public boolean has(String step, int epoch) {
        return Files.isRegularFile(file(step, epoch));
    }

    /** The checkpoint file of the step's epoch, whether or not it exists. */
    public Path file(String step, int epoch) {
        return dir.resolve("step-" + step + "-epoch-" + epoch + ".zip");
    }
}

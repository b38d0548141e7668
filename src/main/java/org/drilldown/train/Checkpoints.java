package org.drilldown.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.io.output.CloseShieldOutputStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.drilldown.config.BadInput;
import org.drilldown.model.OneDnnConvolution;
import org.drilldown.storage.StorePath;

/**
 * Per-epoch checkpoints of a run, {@code <dir>/step-<key>-epoch-<n>.zip}: the model with its updater
 * (momentum) state, written before the epoch's metric rows. The step's older checkpoints are discarded
 * only once the new epoch's rows are written, so the last epoch with rows always has its checkpoint, also
 * after a kill between a checkpoint and its rows; when a step ends, its latest checkpoint alone is left.
 */
public final class Checkpoints {
    private final StorePath dir;

    public Checkpoints(StorePath dir) {
        this.dir = dir;
    }

    /** Checkpoints in a directory on the local disk. */
    public Checkpoints(Path dir) {
        this(StorePath.local(dir));
    }

    void save(String step, int epoch, MultiLayerNetwork net) {
        StorePath target = file(step, epoch);
        try {
            // Whole or not at all (StorePath#write); DL4J must not close the stream: the write does.
            target.write(out -> ModelSerializer.writeModel(net, CloseShieldOutputStream.wrap(out), true));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target, e);
        }
    }

    /** Deletes the step's checkpoints of epochs before {@code epoch}: call once that epoch's rows are written. */
    void discardBefore(String step, int epoch) {
        try {
            for (int older : epochs(step)) {
                if (older < epoch) {
                    file(step, older).deleteTree(dir);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete older checkpoints of step " + step + " in " + dir, e);
        }
    }

    /** The epochs of the step that have a checkpoint, in order. */
    public List<Integer> epochs(String step) throws IOException {
        String prefix = "step-" + step + "-epoch-";
        return dir.list().stream()
                .map(StorePath::name)
                .filter(n -> n.startsWith(prefix) && n.endsWith(".zip"))
                .map(n -> n.substring(prefix.length(), n.length() - ".zip".length()))
                .filter(n -> n.matches("[0-9]{1,9}"))
                .map(Integer::valueOf)
                .sorted()
                .toList();
    }

    /** The step's model and updater state after {@code epoch}; fails naming the file when it is missing. */
    MultiLayerNetwork load(String step, int epoch) {
        StorePath file = file(step, epoch);
        if (!isFile(file)) {
            throw new BadInput("no checkpoint " + file + " for step " + step + " epoch " + epoch
                    + "; the run cannot be resumed from there");
        }
        try (InputStream in = file.open()) {
            return OneDnnConvolution.install(ModelSerializer.restoreMultiLayerNetwork(in, true));
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
        return isFile(file(step, epoch));
    }

    private static boolean isFile(StorePath file) {
        try {
            return file.isFile();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The checkpoint file of the step's epoch, whether or not it exists. */
    public StorePath file(String step, int epoch) {
        return dir.resolve("step-" + step + "-epoch-" + epoch + ".zip");
    }
}

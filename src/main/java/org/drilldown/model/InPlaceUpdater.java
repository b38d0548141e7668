package org.drilldown.model;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link MultiLayerUpdater}, told when the gradient it gets is the network's own. DL4J updates that
 * gradient through views it made once, per updater block and parameter; any other gradient ("external", say
 * from another network) it slices afresh every step: the whole parameter and gradient vectors reshaped and
 * cut for every parameter, before and after the updater, and again per block and minibatch-division run.
 * DL4J 1.0.0-M2.1 decides by identity ({@code gradient.gradient() != getFlattenedGradientsView()}), and its
 * {@code DefaultGradient.gradient()} returns a fresh reshape every call, so every step took the slow path: in
 * step 4, ~500 of the ~860 ND4J buffers a {@code fit()} creates, each registered with ND4J's deallocator and
 * kept until the collection after it dies (docs/performance.md).
 */
public final class InPlaceUpdater extends MultiLayerUpdater {
    /**
     * Updates in this JVM that took the in-place path: the canary tests (docs/dl4j-couplings.md) read it to see
     * that DL4J still hands its updater the network's own gradient buffer, locally and on Spark workers.
     */
    private static final AtomicLong IN_PLACE_UPDATES = new AtomicLong();

    public InPlaceUpdater(MultiLayerNetwork network, INDArray updaterState) {
        super(network, updaterState);
    }

    /** Gives {@code network} this updater, keeping its updater state (the same array, not a copy). */
    public static MultiLayerNetwork install(MultiLayerNetwork network) {
        Updater current = network.getUpdater();
        if (!(current instanceof InPlaceUpdater)) {
            network.setUpdater(new InPlaceUpdater(network, current.getStateViewArray()));
        }
        return network;
    }

    /**
     * {@link MultiLayerNetwork#setLearningRate(double)}, which rebuilds DL4J's own updater (carrying its state
     * over), then this updater again on that state.
     */
    public static void setLearningRate(MultiLayerNetwork network, double learningRate) {
        network.setLearningRate(learningRate);
        install(network);
    }

    @Override
    public synchronized void update(
            Gradient gradient, int iteration, int epoch, int batchSize, LayerWorkspaceMgr workspaceMgr) {
        INDArray own = getFlattenedGradientsView();
        INDArray given = gradient.gradient();
        // Never the same object (that is DL4J's bug): the same memory is what makes it the network's own.
        boolean isOwn = given.data().address() == own.data().address()
                && given.offset() == own.offset()
                && given.length() == own.length();
        if (isOwn) {
            IN_PLACE_UPDATES.incrementAndGet();
        }
        super.update(isOwn ? new OwnGradient(gradient, own) : gradient, iteration, epoch, batchSize, workspaceMgr);
    }

    /** How many updates in this JVM so far took the in-place path. */
    public static long inPlaceUpdates() {
        return IN_PLACE_UPDATES.get();
    }

    @Override
    public Updater clone() {
        return new InPlaceUpdater(network, null);
    }

    /** {@code gradient}, whose flattened array is handed back as the network's own view object. */
    private record OwnGradient(Gradient delegate, INDArray flattened) implements Gradient {
        @Override
        public INDArray gradient() {
            return flattened;
        }

        @Override
        public Map<String, INDArray> gradientForVariable() {
            return delegate.gradientForVariable();
        }

        @Override
        public INDArray gradient(List<String> order) {
            return delegate.gradient(order);
        }

        @Override
        public void clear() {
            delegate.clear();
        }

        @Override
        public INDArray getGradientFor(String variable) {
            return delegate.getGradientFor(variable);
        }

        @Override
        public INDArray setGradientFor(String variable, INDArray newGradient) {
            return delegate.setGradientFor(variable, newGradient);
        }

        @Override
        public INDArray setGradientFor(String variable, INDArray gradient, Character flatteningOrder) {
            return delegate.setGradientFor(variable, gradient, flatteningOrder);
        }

        @Override
        public Character flatteningOrderForVariable(String variable) {
            return delegate.flatteningOrderForVariable(variable);
        }
    }
}

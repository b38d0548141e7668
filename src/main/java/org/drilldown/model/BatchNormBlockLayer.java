package org.drilldown.model;

import java.lang.reflect.Field;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.drilldown.augment.Seeds;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link BatchNormBlock} at work: BatchNorm, ReLU and dropout. Training (float NCHW activations, what every
 * step model has) runs all three as {@link BatchNormKernel} on Java copies of the activations; backprop uses
 * the output's sign as both ReLU's derivative and the dropout mask. Inference is DL4J's BatchNormalization
 * with the running statistics, through {@link OneDnnBatchNorm} where DL4J chose its oneDNN helper, then ReLU.
 */
final class BatchNormBlockLayer extends BatchNormalization {
    private final double retain; // probability of keeping an activation; 1 = no dropout
    private Batch batch; // the kernel's copy of the input, output and statistics, from forward pass to backprop
    private boolean trained; // a training forward pass ran and awaits its backprop
    private long dropoutStream; // which worker draws the masks (DropoutStream.select); 0 in one process
    private long javaSteps; // training steps (forward and backward) done by BatchNormKernel

    /**
     * This thread's free {@link Batch}es by shape. A layer takes one for a training forward pass and gives it back
     * after its backprop (every array is written before it is read), so a network that DL4J's parameter-averaging
     * worker builds afresh every round reuses the arrays of the round before: allocating and zeroing them anew took
     * 27 % of a step 3 worker's samples under keep-batch's round a minibatch (JFR, docs/performance.md).
     */
    private static final ThreadLocal<Map<List<Integer>, ArrayDeque<Batch>>> FREE =
            ThreadLocal.withInitial(HashMap::new);

    /** What {@link BatchNormKernel}'s backward needs from the forward pass. */
    private static final class Batch {
        final int n, c, hw;
        final float[] x, out, grad, gamma, beta;
        final double[] mean, var, dGamma, dBeta;
        final float[] runningMean, runningVar, perChannel; // the running statistics; a float scratch per channel

        Batch(int n, int c, int hw) {
            this.n = n;
            this.c = c;
            this.hw = hw;
            x = new float[n * c * hw];
            out = new float[x.length];
            grad = new float[x.length];
            gamma = new float[c];
            beta = new float[c];
            mean = new double[c];
            var = new double[c];
            dGamma = new double[c];
            dBeta = new double[c];
            runningMean = new float[c];
            runningVar = new float[c];
            perChannel = new float[c];
        }

        boolean fits(INDArray a) {
            return a.size(0) == n && a.size(1) == c && a.size(2) * a.size(3) == hw;
        }

        /** A free Batch of this thread for {@code a}'s shape, or a new one. */
        static Batch take(INDArray a) {
            int n = (int) a.size(0);
            int c = (int) a.size(1);
            int hw = (int) (a.size(2) * a.size(3));
            ArrayDeque<Batch> free = FREE.get().get(List.of(n, c, hw));
            Batch b = free == null ? null : free.poll();
            return b != null ? b : new Batch(n, c, hw);
        }

        /** Back to this thread's free Batches, for the next layer of its shape. */
        void give() {
            FREE.get()
                    .computeIfAbsent(List.of(n, c, hw), k -> new ArrayDeque<>())
                    .push(this);
        }
    }

    BatchNormBlockLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        requireCpuBackend(Nd4j.getBackend().getClass().getName());
        this.retain = ((BatchNormBlock) conf.getLayer()).getRetainProbability();
        replaceOneDnnHelper();
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        trained = training;
        if (training) {
            return forwardInJava(workspaceMgr);
        }
        INDArray out = super.activate(false, workspaceMgr);
        Transforms.relu(out, false);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!trained) {
            throw new IllegalStateException("BatchNormBlock: backprop without a training forward pass");
        }
        return backwardInJava(epsilon, workspaceMgr);
    }

    /** Every gradient is a true gradient here, the running statistics' zeros included (see backwardInJava). */
    @Override
    public boolean updaterDivideByMinibatch(String paramName) {
        return true;
    }

    @Override
    public void clear() {
        super.clear();
        trained = false;
    }

    private INDArray forwardInJava(LayerWorkspaceMgr workspaceMgr) {
        org.deeplearning4j.nn.conf.layers.BatchNormalization conf = layerConf();
        if (input.dataType() != DataType.FLOAT
                || dataType != DataType.FLOAT
                || input.rank() != 4
                || conf.getCnn2DFormat() != CNN2DFormat.NCHW
                || conf.isLockGammaBeta()
                || input.length() > Integer.MAX_VALUE) {
            throw new IllegalStateException(
                    "BatchNormBlock trains float NCHW activations with trainable gamma and beta; got "
                            + input.dataType() + " " + input.shapeInfoToString() + " in a " + dataType + " network, "
                            + conf.getCnn2DFormat() + (conf.isLockGammaBeta() ? ", locked gamma/beta" : "")
                            + ": build the network in float, or with DL4J's stock layers (StepModels, fusedBlocks = false)");
        }
        if (batch == null || !batch.fits(input)) {
            if (batch != null) {
                batch.give();
            }
            batch = Batch.take(input);
        }
        Batch b = batch;
        read(input, b.x);
        read(getParam(BatchNormalizationParamInitializer.GAMMA), b.gamma);
        read(getParam(BatchNormalizationParamInitializer.BETA), b.beta);
        BatchNormKernel.forward(
                b.x,
                b.n,
                b.c,
                b.hw,
                b.gamma,
                b.beta,
                layerConf().getEps(),
                1 - retain,
                dropoutSeed(),
                b.mean,
                b.var,
                b.out,
                parallel());
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, input.shape(), 'c');
        write(b.out, out);
        return out;
    }

    /**
     * The masks' seed, a key rather than a generator's state: the network's seed (the step's), the worker's
     * stream, the network's iteration (minibatches fitted, counted across averaging rounds and epochs) and this
     * layer's index. The same run draws the same masks on any thread, executor or schedule, and after a resume.
     */
    private long dropoutSeed() {
        return Seeds.derive(conf.getSeed(), dropoutStream, getIterationCount(), getIndex());
    }

    void setDropoutStream(long stream) {
        dropoutStream = stream;
    }

    private Pair<Gradient, INDArray> backwardInJava(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        Batch b = batch;
        read(epsilon, b.grad); // b.out still holds the forward pass's output, dropout mask included
        BatchNormKernel.backward(
                b.x,
                b.out,
                b.grad,
                b.n,
                b.c,
                b.hw,
                b.gamma,
                layerConf().getEps(),
                b.mean,
                b.var,
                (float) (1.0 / retain),
                b.dGamma,
                b.dBeta,
                parallel());
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        write(b.grad, dx);

        // The running statistics, updated here as PyTorch does in its training forward pass: mean = decay mean +
        // (1 - decay) batch mean, likewise the variance (kept as log10(std) by default). DL4J's own layer hands
        // its no-op updater the difference as a "gradient"; this one shares the network's updater (see
        // BatchNormBlock#getUpdaterByParam) and hands it zeros.
        double decay = layerConf().getDecay();
        boolean logStd = layerConf().isUseLogStd();
        String varParam = logStd
                ? BatchNormalizationParamInitializer.GLOBAL_LOG_STD
                : BatchNormalizationParamInitializer.GLOBAL_VAR;
        float[] runningMean = b.runningMean;
        float[] runningVar = b.runningVar; // the variance, or log10(std) where logStd
        read(getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN), runningMean);
        read(getParam(varParam), runningVar);
        for (int ch = 0; ch < b.c; ch++) {
            runningMean[ch] = (float) (decay * runningMean[ch] + (1 - decay) * b.mean[ch]);
            if (logStd) {
                double var = Math.pow(10, 2.0 * runningVar[ch]);
                runningVar[ch] = (float) (Math.log10(decay * var + (1 - decay) * b.var[ch]) / 2);
            } else {
                runningVar[ch] = (float) (decay * runningVar[ch] + (1 - decay) * b.var[ch]);
            }
        }
        write(runningMean, getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN));
        write(runningVar, getParam(varParam));
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(
                BatchNormalizationParamInitializer.GAMMA,
                write(b.dGamma, b.perChannel, BatchNormalizationParamInitializer.GAMMA));
        gradient.setGradientFor(
                BatchNormalizationParamInitializer.BETA,
                write(b.dBeta, b.perChannel, BatchNormalizationParamInitializer.BETA));
        Arrays.fill(b.perChannel, 0f); // the running statistics' gradients
        gradient.setGradientFor(
                BatchNormalizationParamInitializer.GLOBAL_MEAN,
                write(b.perChannel, gradientViews.get(BatchNormalizationParamInitializer.GLOBAL_MEAN)));
        gradient.setGradientFor(varParam, write(b.perChannel, gradientViews.get(varParam)));
        trained = false;
        javaSteps++;
        batch = null;
        b.give();
        return new Pair<>(gradient, dx);
    }

    private INDArray write(double[] values, float[] scratch, String param) {
        for (int i = 0; i < values.length; i++) {
            scratch[i] = (float) values[i];
        }
        return write(scratch, gradientViews.get(param));
    }

    // Bulk copies between ND4J's native buffers and the Java arrays (views and other orders copied to 'c' first).
    private static void read(INDArray a, float[] to) {
        INDArray c = contiguous(a);
        c.data().asNioFloat().get(to, 0, (int) c.length()); // a view's buffer starts at its offset
    }

    private static INDArray write(float[] from, INDArray a) {
        if (!isContiguous(a)) {
            throw new IllegalStateException(
                    "BatchNormBlock: cannot write into a non-contiguous array " + a.shapeInfoToString());
        }
        a.data().asNioFloat().put(from, 0, (int) a.length());
        return a;
    }

    private static INDArray contiguous(INDArray a) {
        return isContiguous(a) ? a : a.dup('c');
    }

    private static boolean isContiguous(INDArray a) {
        return a.elementWiseStride() == 1 && (a.ordering() == 'c' || a.isVectorOrScalar());
    }

    // Channels in parallel when ND4J itself may use more than one thread (single process, or a Spark task with
    // spark.task.cpus > 1: executors get OMP_NUM_THREADS and the common pool's size from it, ExecutorThreads); a
    // task with one core, and local mode under run-local.sh (OMP_NUM_THREADS=1), runs one thread.
    private static boolean parallel() {
        return Nd4j.getEnvironment().maxMasterThreads() > 1;
    }

    /**
     * The kernel reads and writes the arrays' host buffers: on a device backend that would bypass ND4J's host/device
     * synchronisation and train on stale memory. StepModels never builds the block there; a network that has one
     * anyway (a checkpoint of a CPU run resumed on a GPU build) stops here instead.
     */
    static void requireCpuBackend(String backendClass) {
        if (!StepModels.fusedBlocksOn(backendClass)) {
            throw new IllegalStateException("BatchNormBlock runs on ND4J's CPU backend only, not " + backendClass
                    + ": build the network with DL4J's stock layers (StepModels picks them on this backend);"
                    + " a checkpoint of a run on the CPU build resumes only on the CPU build");
        }
    }

    /** Training steps {@link BatchNormKernel} did, forward and backward (tests make sure it is what they check). */
    long javaSteps() {
        return javaSteps;
    }

    /** Times DL4J caught an exception from the helper and fell back to its built-in code (it only logs them). */
    int helperFailures() {
        return helperCountFail;
    }

    private void replaceOneDnnHelper() {
        try {
            Field helper = BatchNormalization.class.getDeclaredField("helper");
            helper.setAccessible(true);
            if (helper.get(this) instanceof MKLDNNBatchNormHelper) {
                helper.set(this, new OneDnnBatchNorm());
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "DL4J's BatchNormalization has no 'helper' field: "
                            + "BatchNormBlock is written for DL4J 1.0.0-M2.1 (see pom.xml)",
                    e);
        }
    }
}

package org.drilldown.model;

import java.util.List;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.memory.MemoryUseMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.drilldown.config.ConfigError;
import org.drilldown.config.StepSpec;
import org.drilldown.data.MnistSplit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds a step's network from its spec. Each "conv" is the seed's block: convolution without bias,
 * then BatchNorm if the step has it, ReLU, then dropout if the step has it (with BatchNorm, the three are
 * one {@link BatchNormBlock} on ND4J's CPU backend, DL4J's three stock layers on any other; without BatchNorm,
 * ReLU is the convolution's activation). The last layer is the
 * 1x1 convolution to the classes; at 1x1 spatial size that is a bias-free dense layer, here DL4J's
 * OutputLayer with softmax and cross-entropy (the seed's log-softmax + NLL).
 */
public final class StepModels {
    /** ND4J's CPU backend, the only one {@link BatchNormBlock} runs on. */
    static final String CPU_BACKEND = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";
    /** ND4J's CUDA backend: on the classpath in the gpu build (mvn -Pgpu). */
    static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";

    private StepModels() {}

    /** The step's network for the ND4J backend this JVM runs ({@link #fusedBlocksOn}). */
    public static MultiLayerConfiguration configuration(StepSpec step, long seed) {
        return configuration(step, seed, fusedBlocksHere());
    }

    /**
     * Whether {@link BatchNormBlock} may run on the named ND4J backend (its class name): only on the CPU one. Its
     * kernel copies activations through the arrays' host (NIO) buffers, which on a device backend such as CUDA
     * would bypass ND4J's host/device synchronisation; any other backend gets DL4J's stock layers.
     */
    public static boolean fusedBlocksOn(String backendClass) {
        return CPU_BACKEND.equals(backendClass);
    }

    /**
     * {@link #fusedBlocksOn} this JVM's backend (initialises ND4J if nothing has yet), and never in the gpu build:
     * a driver there may fall back to the CPU backend (no GPU on its host) while the executors it ships the
     * configuration to run CUDA.
     */
    static boolean fusedBlocksHere() {
        return fusedBlocksOn(Nd4j.getBackend().getClass().getName()) && !onClasspath(CUDA_BACKEND);
    }

    static boolean onClasspath(String className) {
        try {
            Class.forName(className, false, StepModels.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * {@code fusedBlocks}: BatchNorm + ReLU + dropout as one {@link BatchNormBlock} (what the job trains on ND4J's
     * CPU backend), or as DL4J's three stock layers (on any other backend, and the reference the tests compare
     * the block with).
     */
    public static MultiLayerConfiguration configuration(StepSpec step, long seed, boolean fusedBlocks) {
        String key = "drilldown.steps." + step.key() + ".layers";
        List<LayerSpec> layers =
                step.layers().stream().map(t -> LayerSpec.parse(key, t)).toList();
        if (layers.get(layers.size() - 1).kind() != LayerSpec.Kind.OUTPUT
                || layers.stream()
                                .filter(l -> l.kind() == LayerSpec.Kind.OUTPUT)
                                .count()
                        != 1) {
            throw new ConfigError(key, step.layers(), "must end with exactly one \"output N\" layer");
        }
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Nesterovs(step.learningRate(), step.momentum()))
                // DL4J's l2 adds coefficient x weight to the gradient before the updater, as PyTorch's weight_decay.
                .l2(step.weightDecay())
                .weightInit(new TorchDefaultInit())
                .convolutionMode(ConvolutionMode.Truncate)
                // Keeps each convolution's training forward output for its backward pass, which otherwise runs the
                // forward again (oneDNN calls and their layout reorders): 10-22 % less CPU per minibatch, steps 1-4
                // (docs/performance.md); same parameters to the bit.
                .cacheMode(CacheMode.DEVICE)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .list();
        for (LayerSpec layer : layers) {
            add(list, layer, step, fusedBlocks);
        }
        return list.setInputType(InputType.convolutional(MnistSplit.ROWS, MnistSplit.COLS, 1))
                .build();
    }

    /**
     * Bytes one worker needs to train {@code step} at its batch size: DL4J's own estimate of parameters,
     * updater state, activations and gradients (float32, with the forward cache {@link #configuration} keeps).
     */
    public static long trainingBytes(StepSpec step) {
        return configuration(step, 0)
                .getMemoryReport(InputType.convolutional(MnistSplit.ROWS, MnistSplit.COLS, 1))
                .getTotalMemoryBytes(step.batchSize(), MemoryUseMode.TRAINING, CacheMode.DEVICE, DataType.FLOAT);
    }

    public static MultiLayerNetwork network(StepSpec step, long seed) {
        return network(step, seed, fusedBlocksHere());
    }

    public static MultiLayerNetwork network(StepSpec step, long seed, boolean fusedBlocks) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(step, seed, fusedBlocks));
        net.init();
        return InPlaceUpdater.install(OneDnnConvolution.install(net));
    }

    private static void add(
            NeuralNetConfiguration.ListBuilder list, LayerSpec layer, StepSpec step, boolean fusedBlocks) {
        switch (layer.kind()) {
            case CONV -> {
                list.layer(new ConvolutionLayer.Builder(layer.kernel(), layer.kernel())
                        .nOut(layer.size())
                        .padding(layer.padding(), layer.padding())
                        .hasBias(false)
                        .activation(step.batchNorm() ? Activation.IDENTITY : Activation.RELU)
                        .build());
                if (step.batchNorm() && fusedBlocks) {
                    list.layer(new BatchNormBlock(step.dropout()));
                    return;
                }
                if (step.batchNorm()) {
                    list.layer(new BatchNormalization.Builder().build());
                    list.layer(new ActivationLayer.Builder()
                            .activation(Activation.RELU)
                            .build());
                }
                if (step.dropout() > 0) {
                    // DL4J takes the probability of *retaining* an activation.
                    list.layer(new DropoutLayer.Builder(1.0 - step.dropout()).build());
                }
            }
            case MAXPOOL -> list.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                    .kernelSize(layer.kernel(), layer.kernel())
                    .stride(layer.kernel(), layer.kernel())
                    .build());
            case GAP -> list.layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build());
            case OUTPUT -> list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .nOut(layer.size())
                    .hasBias(false)
                    .activation(Activation.SOFTMAX)
                    .build());
        }
    }
}

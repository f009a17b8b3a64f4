package dev.graft.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.model.Scalars;

/**
 * BatchNorm over the channels of {@code [N, C, H, W]} with PyTorch's names ({@code weight},
 * {@code bias}, {@code running_mean}, {@code running_var}) and update rule
 * ({@code running = (1−momentum)·running + momentum·batch}, unbiased batch variance).
 *
 * <p>The freezing rule Keras has and DJL's own BatchNorm lacks: batch statistics are used, and the
 * running statistics updated, only when the forward pass is in training mode <em>and</em> this
 * layer's {@code weight} is trainable. A frozen layer (its block frozen by the training plan)
 * always normalises with its running statistics, which therefore never change.
 *
 * <p>{@link #keepRunningStatistics} extends that to trainable layers (Keras' advice for fine-tuning: BatchNorm stays
 * in inference mode while its scale and shift still learn); fastai's {@code train_bn} is the default.
 */
public final class BatchNorm2d extends VisionModule {

    private final int channels;
    private final float eps;
    private final float momentum;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;
    private boolean keepRunning;

    /** PyTorch defaults: eps 1e-5, momentum 0.1. */
    public BatchNorm2d(int channels) {
        this(channels, 1e-5f, 0.1f);
    }

    /** BatchNorm with explicit {@code eps} and {@code momentum}. */
    public BatchNorm2d(int channels, float eps, float momentum) {
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = param("weight", Parameter.Type.GAMMA, new Shape(channels));
        this.bias = param("bias", Parameter.Type.BETA, new Shape(channels));
        this.runningMean = buffer("running_mean", Parameter.Type.RUNNING_MEAN, new Shape(channels));
        this.runningVar = buffer("running_var", Parameter.Type.RUNNING_VAR, new Shape(channels));
        // PyTorch's initial state, explicitly (a fresh layer is the identity on unit-variance inputs)
        weight.setInitializer(ai.djl.training.initializer.Initializer.ONES);
        bias.setInitializer(ai.djl.training.initializer.Initializer.ZEROS);
        runningMean.setInitializer(ai.djl.training.initializer.Initializer.ZEROS);
        runningVar.setInitializer(ai.djl.training.initializer.Initializer.ONES);
    }

    /** Whether a training-mode pass would use batch statistics (the layer is trainable and not told to keep them). */
    public boolean updatesStatistics() {
        return weight.requiresGradient() && !keepRunning;
    }

    /**
     * With {@code true}, this layer normalises with its running statistics and never updates them, even in a
     * training-mode pass of a trainable layer; its weight and bias still train.
     */
    public void keepRunningStatistics(boolean keep) {
        this.keepRunning = keep;
    }

    /** Sets {@link #keepRunningStatistics} on every BatchNorm inside {@code root}; returns how many there are. */
    public static int keepRunningStatistics(VisionModule root, boolean keep) {
        int n = 0;
        if (root instanceof BatchNorm2d bn) {
            bn.keepRunningStatistics(keep);
            n++;
        }
        for (java.util.Map.Entry<String, VisionModule> c : root.modules()) {
            n += keepRunningStatistics(c.getValue(), keep);
        }
        return n;
    }

    /** Normalises {@code x}. */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        // views of the parameters would otherwise be created in the parameters' long-lived manager, one set per step
        NDArray g = ps.getValue(weight, x.getDevice(), training).reshape(1, channels, 1, 1);
        NDArray b = ps.getValue(bias, x.getDevice(), training).reshape(1, channels, 1, 1);
        g.attach(x.getManager());
        b.attach(x.getManager());
        NDArray rm = runningMean.getArray();
        NDArray rv = runningVar.getArray();
        if (training && updatesStatistics()) {
            NDArray mean = channelMean(x);
            NDArray centred = x.sub(mean);
            NDArray var = channelMean(centred.square());
            NDArray y = centred.div(Scalars.add(var, eps).sqrt()).mul(g).add(b);
            long n = x.getShape().get(0) * x.getShape().get(2) * x.getShape().get(3);
            // The running statistics are updated from plain copies of the batch statistics, outside autograd: an
            // in-place update from arrays still attached to the graph would chain every step's graph into them.
            float[] bm = mean.toFloatArray();
            float[] bv = var.toFloatArray();
            double unbias = n / (double) Math.max(1, n - 1);
            for (int c = 0; c < channels; c++) {
                bv[c] = (float) (bv[c] * unbias);
            }
            try (NDManager tmp = rm.getManager().newSubManager()) {
                rm.muli(1 - momentum).addi(tmp.create(bm).muli(momentum));
                rv.muli(1 - momentum).addi(tmp.create(bv).muli(momentum));
            }
            return y;
        }
        NDArray runVar = rv.reshape(1, channels, 1, 1);
        NDArray runMean = rm.reshape(1, channels, 1, 1);
        runVar.attach(x.getManager());
        runMean.attach(x.getManager());
        NDArray scale = g.div(Scalars.add(runVar, eps).sqrt());
        NDArray shift = b.sub(runMean.mul(scale));
        return x.mul(scale).add(shift);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.head(), training));
    }
}

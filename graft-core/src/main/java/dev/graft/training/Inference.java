package dev.graft.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.graft.model.torch.ConstantBf16Weights;
import java.util.Arrays;

/** Batched inference of a module: its activated outputs (e.g. softmax probabilities) without gradients. */
public final class Inference {

    private Inference() {
    }

    /**
     * Class probabilities for every example of {@code data}, in order.
     *
     * @param scopeParent manager under which each batch gets its own short-lived scope
     */
    public static float[][] probabilities(Block model, BatchSource data, int batchSize, NDManager scopeParent) {
        return outputs(model, data, batchSize, scopeParent, o -> o.softmax(-1));
    }

    /**
     * The model's outputs for every example of {@code data}, in order, passed through {@code activate} (a task's
     * {@code activate}: softmax, sigmoid, de-standardisation). Outputs of more than two dimensions (per-token scores
     * {@code [B, T, C]}) come back flattened per example, padded positions included.
     *
     * @param scopeParent manager under which each batch gets its own short-lived scope
     */
    public static float[][] outputs(Block model, BatchSource data, int batchSize, NDManager scopeParent,
                                    java.util.function.UnaryOperator<NDArray> activate) {
        float[][] out = new float[data.size()][];
        // no weight changes during the loop: a bfloat16 product casts each weight once
        try (ConstantBf16Weights.Scope constant = ConstantBf16Weights.whileInferring()) {
            for (int[] idx : data.inferenceBatches(batchSize)) {
                try (NDManager step = scopeParent.newSubManager()) {
                    NDArray probs = activate.apply(model.forward(new ParameterStore(step, false), data.inputs(step, idx), false)
                            .singletonOrThrow());
                    int width = (int) (probs.size() / idx.length); // [B, C], or [B, T, C] flattened per example
                    float[] flat = probs.toFloatArray();
                    for (int i = 0; i < idx.length; i++) {
                        out[idx[i]] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
                    }
                }
            }
        }
        return out;
    }

    /** Index of the largest value (the first on ties). */
    public static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}

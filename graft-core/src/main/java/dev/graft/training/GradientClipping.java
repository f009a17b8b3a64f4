package dev.graft.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import dev.graft.model.torch.FreshGradients;
import dev.graft.model.torch.GradientNorm;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Clipping of all trainable gradients together by their global L2 norm ({@code clip_grad_norm_}). */
final class GradientClipping {

    private GradientClipping() {
    }

    /**
     * Scales the gradients so their global norm is at most {@code maxNorm} ({@code 0} or infinity:
     * only measure).
     *
     * @return the norm before clipping (NaN or infinite when a gradient is not finite)
     */
    static double clip(Collection<Parameter> parameters, double maxNorm) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            List<NDArray> gradients = new ArrayList<>();
            List<NDArray> rows = new ArrayList<>();
            for (Parameter p : parameters) {
                if (p.requiresGradient()) {
                    gradients.add(p.getArray().getGradient());
                    rows.add(FreshGradients.writtenRows(p)); // the word embeddings: the rows the batch looked up
                }
            }
            return GradientNorm.clip(gradients, rows, maxNorm);
        }
    }
}

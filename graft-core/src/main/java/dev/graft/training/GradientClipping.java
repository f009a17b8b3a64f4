package dev.graft.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import java.util.Collection;

/** Clipping of all trainable gradients together by their global L2 norm ({@code clip_grad_norm_}). */
final class GradientClipping {

    private GradientClipping() {
    }

    /**
     * Scales the gradients so their global norm is at most {@code maxNorm}.
     *
     * @return the norm before clipping
     */
    static double clip(Collection<Parameter> parameters, double maxNorm) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray sq = null;
            for (Parameter p : parameters) {
                if (p.requiresGradient()) {
                    NDArray s = p.getArray().getGradient().square().sum();
                    sq = sq == null ? s : sq.add(s);
                }
            }
            if (sq == null) {
                return 0;
            }
            double norm = Math.sqrt(sq.getFloat()); // one synchronisation per step, not one per parameter
            if (norm > maxNorm && Double.isFinite(norm)) {
                float scale = (float) (maxNorm / (norm + 1e-6));
                for (Parameter p : parameters) {
                    if (p.requiresGradient()) {
                        p.getArray().getGradient().muli(scale);
                    }
                }
            }
            return norm;
        }
    }
}

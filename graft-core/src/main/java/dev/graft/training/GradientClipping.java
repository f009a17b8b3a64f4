package dev.graft.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Clipping of all trainable gradients together by their global L2 norm ({@code clip_grad_norm_}). */
final class GradientClipping {

    private GradientClipping() {
    }

    /** Sets every trainable gradient to zero (the step is dropped). */
    static void zero(Collection<Parameter> parameters) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (Parameter p : parameters) {
                if (p.requiresGradient()) {
                    p.getArray().getGradient().set(new ai.djl.ndarray.index.NDIndex("..."), 0f); // fill, not ×0: NaN·0 is NaN
                }
            }
        }
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
            List<NDArray> norms = new ArrayList<>();
            for (Parameter p : parameters) {
                if (p.requiresGradient()) {
                    norms.add(p.getArray().getGradient().norm()); // fused: no gradient-sized temporary, unlike square().sum()
                }
            }
            if (norms.isEmpty()) {
                return 0;
            }
            // one synchronisation per step, not one per parameter
            double norm = NDArrays.stack(new NDList(norms.toArray(NDArray[]::new))).norm().getFloat();
            if (maxNorm > 0 && norm > maxNorm && Double.isFinite(norm)) {
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

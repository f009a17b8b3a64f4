package dev.graft.model.torch;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The global L2 norm of many gradients, and clipping to it, in one libtorch call: what
 * {@code torch.nn.utils.clip_grad_norm_(foreach=True)} runs ({@code _foreach_norm}, then {@code _foreach_mul_}),
 * through a {@link TorchScriptFunction}. One call replaces two DJL ops and two array handles per gradient.
 */
public final class GradientNorm {

    static final String CLASS_NAME = "GraftClipGradNorm";

    /**
     * forward(grads, max_norm) → the norm before clipping; scales the gradients in place by
     * {@code max_norm / (norm + 1e-6)} when {@code max_norm > 0} and the norm is finite and above it.
     */
    static final String SOURCE = TorchScriptFunction.moduleSource(CLASS_NAME, List.of("grads: List[Tensor]",
            "max_norm: float"), "float",
            List.of("total = torch.linalg_vector_norm(torch.stack(torch._foreach_norm(grads, 2)))",
                    "norm = float(total)",
                    "if max_norm > 0. and norm > max_norm and bool(torch.isfinite(total)):",
                    "  torch._foreach_mul_(grads, max_norm / (norm + 1e-6))",
                    "return norm"));

    private GradientNorm() {
    }

    /** Compiled on first use. */
    private static final class Module {
        static final TorchScriptFunction INSTANCE = TorchScriptFunction.compile(CLASS_NAME, SOURCE);
    }

    /**
     * Scales {@code gradients} in place so that their global L2 norm is at most {@code maxNorm} ({@code 0}: only
     * measure); a non-finite norm scales nothing.
     *
     * @return the norm before clipping (NaN or infinite when a gradient is not finite); 0 for no gradients
     */
    public static double clip(List<NDArray> gradients, double maxNorm) {
        if (gradients.isEmpty()) {
            return 0;
        }
        return (Double) Module.INSTANCE.call(gradients, maxNorm);
    }
}

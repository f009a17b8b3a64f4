package dev.graft.model.torch;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The global L2 norm of many gradients, and clipping to it, in one libtorch call through a
 * {@link TorchScriptFunction}: the sum of squares of each gradient is its dot product with itself (libtorch hands
 * that to the BLAS, one vectorised, multi-threaded pass), summed over gradients in double precision and read back
 * once (one device synchronisation, not one per gradient); then
 * {@code _foreach_mul_}, as {@code torch.nn.utils.clip_grad_norm_} does.
 *
 * <p>Why not {@code _foreach_norm}, which {@code clip_grad_norm_} runs: on the CPU it takes one
 * {@code linalg_vector_norm} per gradient, which on a MiniLM step (22.6 M gradients, 104 arrays) took 4.5 ms against
 * 2.2 ms for the dot products, and sums each array in float32: on normal draws of MiniLM's shapes it read 4748.84
 * where the exact norm is 4750.010 (the dot products: 4749.99).
 */
public final class GradientNorm {

    static final String CLASS_NAME = "GraftClipGradNorm";

    /**
     * forward(grads, max_norm) → the norm before clipping; scales the gradients in place by
     * {@code max_norm / (norm + 1e-6)} when {@code max_norm > 0} and the norm is finite and above it.
     */
    static final String SOURCE = TorchScriptFunction.moduleSource(CLASS_NAME, List.of("grads: List[Tensor]",
            "max_norm: float"), "float",
            List.of("dots: List[Tensor] = []",
                    "for g in grads:",
                    "  flat = torch.reshape(g, [-1])",
                    "  dots.append(torch.dot(flat, flat))",
                    "norm = float(torch.sum(torch.to(torch.stack(dots), 7))) ** 0.5",
                    "finite = norm == norm and norm != float(\"inf\")",
                    "if max_norm > 0. and finite and norm > max_norm:",
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

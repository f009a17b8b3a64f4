package dev.graft.model.torch;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * The global L2 norm of many gradients, and clipping to it, in one libtorch call through a
 * {@link TorchScriptFunction}: the sum of squares of each gradient is its dot product with itself, taken in chunks of
 * {@link #CHUNK} elements (libtorch hands each to the BLAS, one vectorised pass), summed in double precision and read back
 * once (one device synchronisation, not one per gradient); then each is scaled in place, as
 * {@code torch.nn.utils.clip_grad_norm_} does (there with {@code _foreach_mul_}, which on the CPU is the same loop of
 * {@code mul_}; in TorchScript it left the arrays of a list built in the script unchanged). A lookup table's kept gradient
 * ({@link FreshGradients#keepRowGradient}) is zero outside the rows its last pass wrote: only those are read and
 * scaled (MiniLM's word embeddings: a few hundred rows of 30,522).
 *
 * <p>Why not {@code _foreach_norm}, which {@code clip_grad_norm_} runs: on the CPU it takes one
 * {@code linalg_vector_norm} per gradient, which on a MiniLM step (22.6 M gradients, 104 arrays) took 4.5 ms against
 * 2.2 ms for the dot products, and sums each array in float32: on normal draws of MiniLM's shapes it read 4748.84
 * where the exact norm is 4750.010 (the dot products: 4749.99).
 */
public final class GradientNorm {

    static final String CLASS_NAME = "GraftClipGradNorm";

    /**
     * Elements per dot product. A BLAS dot adds in float32 along a few running sums, and how few depends on the
     * library's code path for the CPU: on an AMD EPYC, libtorch's dot of 4·10⁶ equal values was 7·10⁻⁴ off (relative;
     * within 10⁻⁴ on an Intel Xeon). Chunks of 2¹⁷ keep each float32 sum short; the chunks are summed in double precision.
     */
    static final int CHUNK = 1 << 17;

    /**
     * forward(grads, rows, max_norm) → the norm before clipping; scales the gradients in place by
     * {@code max_norm / (norm + 1e-6)} when {@code max_norm > 0} and the norm is finite and above it. {@code rows[i]}
     * is a 0-dim tensor for an ordinary gradient; for a lookup table's kept gradient ({@link FreshGradients}) it is
     * the rows the last pass wrote, the only ones that are not zero, so only they are read and scaled ({@code [-1]}:
     * not known, the whole array).
     */
    static final String SOURCE = TorchScriptFunction.moduleSource(CLASS_NAME, List.of("grads: List[Tensor]",
            "rows: List[Tensor]", "max_norm: float"), "float",
            List.of("dots: List[Tensor] = []",
                    "sparse: List[bool] = []",
                    "for i in range(torch.len(grads)):",
                    "  r = rows[i]",
                    "  some = r.dim() == 1 and not bool(torch.lt(r, 0).any())",
                    "  sparse.append(some)",
                    "  if some:",
                    "    flat = torch.reshape(torch.index_select(grads[i], 0, r), [-1])",
                    "  else:",
                    "    flat = torch.reshape(grads[i], [-1])",
                    "  n = torch.numel(flat)",
                    "  start = 0",
                    "  while start < n:",
                    "    piece = torch.narrow(flat, 0, start, min(" + CHUNK + ", n - start))",
                    "    dots.append(torch.dot(piece, piece))",
                    "    start += " + CHUNK,
                    "norm = float(torch.sum(torch.to(torch.stack(dots), 7))) ** 0.5",
                    "finite = norm == norm and norm != float(\"inf\")",
                    "if max_norm > 0. and finite and norm > max_norm:",
                    "  scale = max_norm / (norm + 1e-6)",
                    "  for i in range(torch.len(grads)):",
                    "    if sparse[i]:",
                    "      grads[i].index_copy_(0, rows[i], torch.mul(torch.index_select(grads[i], 0, rows[i]), scale))",
                    "    else:",
                    "      grads[i].mul_(scale)",
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
        List<NDArray> none = new ArrayList<>(gradients.size());
        for (int i = 0; i < gradients.size(); i++) {
            none.add(null);
        }
        return clip(gradients, none, maxNorm);
    }

    /**
     * {@link #clip(List, double)} where {@code writtenRows[i]}, when not null, is what
     * {@link FreshGradients#writtenRows} gave for gradient {@code i}: only those rows of it are read and scaled.
     */
    public static double clip(List<NDArray> gradients, List<NDArray> writtenRows, double maxNorm) {
        if (gradients.isEmpty()) {
            return 0;
        }
        try (NDArray plain = gradients.get(0).getManager().create(0L)) {
            List<NDArray> rows = new ArrayList<>(gradients.size());
            for (NDArray r : writtenRows) {
                rows.add(r != null ? r : plain);
            }
            return (Double) Module.INSTANCE.call(gradients, rows, maxNorm);
        }
    }
}

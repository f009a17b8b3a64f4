package dev.graft.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.model.torch.BFloat16Ops;

/**
 * The machine's matrix-product limits as {@code graft bench} measures them: a 2048² product on
 * libtorch, timed in repetitions of several products, once in float32 (SGEMM) and once in bfloat16
 * (Graft's own bf16 linear op, {@link BFloat16Ops#linear}, casts included). Every step's GFLOP/s is
 * reported as a fraction of the peak of its precision.
 */
final class MatmulPeak {

    /** The matrix side. */
    static final int N = 2048;

    /** One way to multiply {@code x} [N, N] by a weight [N, N] (with a zero bias where the op takes one). */
    @FunctionalInterface
    interface Product {
        /** The product, in {@code x}'s manager. */
        NDArray multiply(NDArray x, NDArray weight, NDArray bias);
    }

    /** float32 {@code x · W} (libtorch's SGEMM through DJL). */
    static final Product FP32 = (x, w, bias) -> x.matMul(w);
    /** bfloat16 {@code x · Wᵀ + b} with float32 inputs and output: the product Graft's bf16 linear layers compute. */
    static final Product BF16 = BFloat16Ops::linear;

    private MatmulPeak() {
    }

    /** Times {@code product} under {@code name}: warm-up and recorded repetitions of 8 (quick) or 20 products. */
    static Measurement measure(BenchSettings s, String name, String description, Product product) {
        int perRep = s.quick() ? 8 : 20;
        Measurement.Builder b = new Measurement.Builder();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(-1f, 1f, new Shape(N, N));
            NDArray w = m.randomUniform(-1f, 1f, new Shape(N, N));
            NDArray bias = m.zeros(new Shape(N));
            for (int r = 0; r < s.warmup() + s.reps(); r++) {
                long t0 = System.nanoTime();
                for (int k = 0; k < perRep; k++) {
                    try (NDArray z = product.multiply(x, w, bias)) {
                        z.getShape(); // libtorch CPU runs synchronously; the product exists here
                    }
                }
                if (r >= s.warmup()) {
                    b.since(t0);
                }
            }
        }
        return b.build(name, description, "matmuls", perRep, perRep * Flops.sgemm(N));
    }
}

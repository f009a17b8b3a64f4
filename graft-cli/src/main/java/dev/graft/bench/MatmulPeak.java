package dev.graft.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.model.torch.BFloat16Ops;
import java.util.ArrayList;
import java.util.List;

/**
 * The machine's matrix-product limits as {@code graft bench} measures them: a 2048² product on
 * libtorch, timed in repetitions of several products, once in float32 (SGEMM) and once in bfloat16
 * (Graft's own bf16 linear op, {@link BFloat16Ops#linear}, casts included), the two taking turns
 * when measured together. Every step's GFLOP/s is reported as a fraction of the peak of its
 * precision.
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

    /**
     * One peak to measure.
     *
     * @param name        measurement key
     * @param description what is multiplied, for the table
     * @param product     the product
     */
    record Peak(String name, String description, Product product) {
    }

    /** The float32 SGEMM peak, {@link BenchReport#SGEMM}. */
    static final Peak SGEMM = new Peak(BenchReport.SGEMM, "libtorch matMul 2048^2 fp32 (DJL NDArray)", FP32);
    /** The bfloat16 peak, {@link BenchReport#BF16_PEAK}. */
    static final Peak BF16_PEAK = new Peak(BenchReport.BF16_PEAK, "bf16 x*W^T 2048^2, fp32 in/out (Graft's TorchScript op)",
            BF16);

    /**
     * Times {@code peaks} on the same operands: each repetition runs 8 (quick) or 20 products of every peak, the peaks
     * taking turns (ABAB) so that they see the same machine load; warm-up repetitions are not recorded.
     */
    static List<Measurement> measure(BenchSettings s, List<Peak> peaks) {
        int perRep = s.quick() ? 8 : 20;
        List<Measurement.Builder> times = new ArrayList<>();
        peaks.forEach(p -> times.add(new Measurement.Builder()));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(-1f, 1f, new Shape(N, N));
            NDArray w = m.randomUniform(-1f, 1f, new Shape(N, N));
            NDArray bias = m.zeros(new Shape(N));
            for (int r = 0; r < s.warmup() + s.reps(); r++) {
                for (int k = 0; k < peaks.size(); k++) {
                    Product product = peaks.get(k).product();
                    long t0 = System.nanoTime();
                    for (int i = 0; i < perRep; i++) {
                        try (NDArray z = product.multiply(x, w, bias)) {
                            z.getShape(); // libtorch CPU runs synchronously; the product exists here
                        }
                    }
                    if (r >= s.warmup()) {
                        times.get(k).since(t0);
                    }
                }
            }
        }
        List<Measurement> out = new ArrayList<>();
        for (int k = 0; k < peaks.size(); k++) {
            Peak p = peaks.get(k);
            out.add(times.get(k).build(p.name(), p.description(), "matmuls", perRep, perRep * Flops.sgemm(N)));
        }
        return out;
    }
}

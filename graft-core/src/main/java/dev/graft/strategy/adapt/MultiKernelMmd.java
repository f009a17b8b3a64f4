package dev.graft.strategy.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.graft.model.Scalars;

/**
 * Squared maximum mean discrepancy between two batches under a sum of Gaussian kernels
 * (DAN, Long et al. 2015): bandwidths {@code σ²·2^k} for {@code k = −2..2} around σ², the mean
 * pairwise squared distance of the joint batch (treated as a constant). The biased estimate
 * {@code mean K(s,s) + mean K(t,t) − 2·mean K(s,t)} is differentiable in both inputs; it is 0 for
 * identical batches and grows as the two distributions move apart.
 */
public final class MultiKernelMmd {

    /** Number of kernels. */
    public static final int KERNELS = 5;

    private MultiKernelMmd() {
    }

    /** MMD² of {@code source [B, D]} and {@code target [B', D]}. */
    public static NDArray mmd2(NDArray source, NDArray target) {
        int ns = (int) source.getShape().get(0);
        int nt = (int) target.getShape().get(0);
        int n = ns + nt;
        NDArray x = source.concat(target, 0);
        NDArray sq = x.square().sum(new int[] {1}, true);                 // [n, 1]
        NDArray d = sq.add(sq.transpose()).sub(Scalars.mul(x.matMul(x.transpose()), 2f));
        d = d.maximum(Scalars.constant(d, 0f));                           // rounding can make a distance slightly negative
        NDArray base = Scalars.add(d.stopGradient().sum(), 1e-12f).div(Scalars.constant(d, (float) n * n - n));
        NDArray k = null;
        for (int i = 0; i < KERNELS; i++) {
            NDArray bw = Scalars.mul(base, (float) Math.pow(2, i - KERNELS / 2));
            NDArray ki = d.div(bw).neg().exp();
            k = k == null ? ki : k.add(ki);
        }
        float[] w = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                boolean si = i < ns;
                boolean sj = j < ns;
                w[i * n + j] = si && sj ? 1f / ((float) ns * ns) : !si && !sj ? 1f / ((float) nt * nt) : -1f / ((float) ns * nt);
            }
        }
        NDArray weights = d.getManager().create(w, new Shape(n, n));
        return k.mul(weights).sum();
    }
}

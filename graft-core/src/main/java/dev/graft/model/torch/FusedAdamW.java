package dev.graft.model.torch;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.List;

/**
 * libtorch's fused AdamW kernel ({@code torch._fused_adamw_}, what {@code torch.optim.AdamW(fused=True)} runs on CPU):
 * one vectorised, multi-threaded pass per parameter reads the weights, gradient and both moments once and writes the
 * weights and moments once, where the same update as separate DJL ops makes about ten passes over each array. The
 * gradients are zeroed in the same call. Reached through a {@link TorchScriptFunction}, since DJL 0.36 has no binding
 * for it.
 *
 * <p>The kernel's update is PyTorch's AdamW: {@code w ← w·(1 − lr·wd)}, {@code m ← lerp(m, g, 1 − β₁)},
 * {@code v ← β₂·v + (1 − β₂)·g²}, {@code w ← w − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)}.
 */
public final class FusedAdamW {

    static final String CLASS_NAME = "GraftFusedAdamW";

    /**
     * forward(params, grads, exp_avgs, exp_avg_sqs, steps, lr, beta1, beta2, weight_decay, eps) → False, touching
     * nothing, when an array is not contiguous (the kernel walks raw memory); else updates in place and returns True.
     */
    static final String SOURCE = String.join("\n",
            "class " + CLASS_NAME + "(Module):",
            "  __parameters__ = []",
            "  __buffers__ = []",
            "  training : bool",
            "  def forward(self: __torch__." + CLASS_NAME + ",",
            "    params: List[Tensor],",
            "    grads: List[Tensor],",
            "    exp_avgs: List[Tensor],",
            "    exp_avg_sqs: List[Tensor],",
            "    steps: List[Tensor],",
            "    lr: float,",
            "    beta1: float,",
            "    beta2: float,",
            "    weight_decay: float,",
            "    eps: float) -> bool:",
            "    contiguous = True",
            "    for i in range(torch.len(params)):",
            "      if not torch.is_contiguous(params[i]) or not torch.is_contiguous(grads[i]):",
            "        contiguous = False",
            "      if not torch.is_contiguous(exp_avgs[i]) or not torch.is_contiguous(exp_avg_sqs[i]):",
            "        contiguous = False",
            "    if contiguous:",
            "      torch._fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, annotate(List[Tensor], []), steps, lr=lr,"
                    + " beta1=beta1, beta2=beta2, weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False)",
            "      torch._foreach_zero_(grads)",
            "    return contiguous",
            "");

    private FusedAdamW() {
    }

    /** Compiled on first use. */
    private static final class Module {
        static final TorchScriptFunction INSTANCE = TorchScriptFunction.compile(CLASS_NAME, SOURCE);
    }

    /** True when the kernel can update these arrays: float32, on the CPU (the only fused kernel in Graft's libtorch). */
    public static boolean supports(List<NDArray> arrays) {
        for (NDArray a : arrays) {
            if (a.getDataType() != DataType.FLOAT32 || !Device.Type.CPU.equals(a.getDevice().getDeviceType())) {
                return false;
            }
        }
        return true;
    }

    /**
     * One AdamW step for parameters that share a learning rate, weight decay and step count; zeroes their gradients.
     * All lists are parallel and hold float32 CPU arrays ({@link #supports}).
     *
     * @param step the 1-based step, for the bias corrections
     * @return false, with nothing changed, when an array is not contiguous in memory
     */
    public static boolean step(List<NDArray> weights, List<NDArray> gradients, List<NDArray> firstMoments,
                               List<NDArray> secondMoments, long step, double lr, double beta1, double beta2,
                               double weightDecay, double eps) {
        if (weights.isEmpty()) {
            return true;
        }
        NDArray stepCount = weights.get(0).getManager().create((float) step);
        try {
            List<NDArray> steps = java.util.Collections.nCopies(weights.size(), stepCount);
            return (Boolean) Module.INSTANCE.call(weights, gradients, firstMoments, secondMoments, steps, lr, beta1, beta2,
                    weightDecay, eps);
        } finally {
            stepCount.close();
        }
    }
}

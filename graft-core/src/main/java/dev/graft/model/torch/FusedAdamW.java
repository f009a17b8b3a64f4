package dev.graft.model.torch;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * libtorch's fused AdamW kernel ({@code torch._fused_adamw_}, what {@code torch.optim.AdamW(fused=True)} runs on CPU):
 * one vectorised, multi-threaded pass per parameter reads the weights, gradient and both moments once and writes the
 * weights and moments once, where the same update as separate DJL ops makes about ten passes over each array. It
 * reads the gradients and leaves them as they were. Reached through a {@link TorchScriptFunction}, since DJL 0.36 has
 * no binding for it.
 *
 * <p>The kernel's update is PyTorch's AdamW: {@code w ← w·(1 − lr·wd)}, {@code m ← lerp(m, g, 1 − β₁)},
 * {@code v ← β₂·v + (1 − β₂)·g²}, {@code w ← w − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)}.
 */
public final class FusedAdamW {

    static final String CLASS_NAME = "GraftFusedAdamW";

    /**
     * forward(params, grads, exp_avgs, exp_avg_sqs, steps, lrs, weight_decays, beta1, beta2, eps), each list holding
     * one list (or value) per group → False, touching nothing, when an array is not contiguous (the kernel walks raw
     * memory); else updates every group in place and returns True. One call for all groups: each
     * call into TorchScript costs ~0.4 ms, which a step with 16 groups (layer-wise rates, decay and no decay) noticed.
     */
    static final String SOURCE = TorchScriptFunction.moduleSource(CLASS_NAME,
            List.of("params: List[List[Tensor]]", "grads: List[List[Tensor]]", "exp_avgs: List[List[Tensor]]",
                    "exp_avg_sqs: List[List[Tensor]]", "steps: List[List[Tensor]]", "lrs: List[float]",
                    "weight_decays: List[float]", "beta1: float", "beta2: float", "eps: float"),
            "bool",
            List.of("contiguous = True",
                    "for g in range(torch.len(params)):",
                    "  for i in range(torch.len(params[g])):",
                    "    if not torch.is_contiguous(params[g][i]) or not torch.is_contiguous(grads[g][i]):",
                    "      contiguous = False",
                    "    if not torch.is_contiguous(exp_avgs[g][i]) or not torch.is_contiguous(exp_avg_sqs[g][i]):",
                    "      contiguous = False",
                    "if contiguous:",
                    "  for g in range(torch.len(params)):",
                    "    torch._fused_adamw_(params[g], grads[g], exp_avgs[g], exp_avg_sqs[g], annotate(List[Tensor], []),"
                            + " steps[g], lr=lrs[g], beta1=beta1, beta2=beta2, weight_decay=weight_decays[g], eps=eps,"
                            + " amsgrad=False, maximize=False)",
                    "return contiguous"));

    /**
     * Parameters that share a learning rate, weight decay and step count; parallel lists of float32 CPU arrays
     * ({@link #supports}).
     *
     * @param weights       the parameters
     * @param gradients     their gradients
     * @param firstMoments  AdamW's first moments
     * @param secondMoments AdamW's second moments
     * @param step          the 1-based step, for the bias corrections
     * @param lr            the learning rate
     * @param weightDecay   the decoupled weight decay
     */
    public record Group(List<NDArray> weights, List<NDArray> gradients, List<NDArray> firstMoments,
                        List<NDArray> secondMoments, long step, double lr, double weightDecay) {
    }

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
     * One AdamW step for every group, in one call.
     *
     * @return false, with nothing changed, when an array is not contiguous in memory
     */
    public static boolean step(List<Group> groups, double beta1, double beta2, double eps) {
        List<Group> nonEmpty = groups.stream().filter(g -> !g.weights().isEmpty()).toList();
        if (nonEmpty.isEmpty()) {
            return true;
        }
        NDManager manager = nonEmpty.get(0).weights().get(0).getManager();
        List<NDArray> stepCounts = new ArrayList<>();
        try {
            List<List<NDArray>> steps = new ArrayList<>();
            for (Group g : nonEmpty) {
                NDArray count = manager.create((float) g.step());
                stepCounts.add(count);
                steps.add(Collections.nCopies(g.weights().size(), count));
            }
            return (Boolean) Module.INSTANCE.call(nonEmpty.stream().map(Group::weights).toList(),
                    nonEmpty.stream().map(Group::gradients).toList(), nonEmpty.stream().map(Group::firstMoments).toList(),
                    nonEmpty.stream().map(Group::secondMoments).toList(), steps,
                    nonEmpty.stream().map(g -> g.lr()).toList(), nonEmpty.stream().map(g -> g.weightDecay()).toList(),
                    beta1, beta2, eps);
        } finally {
            stepCounts.forEach(NDArray::close);
        }
    }
}

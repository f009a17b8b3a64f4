package dev.graft.model.torch;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

/**
 * bfloat16 matrix products with float32 inputs and outputs, differentiable, on the PyTorch engine.
 *
 * <p>Why TorchScript: DJL 0.36's PyTorch JNI knows no bfloat16 type (its dtype table stops at
 * complex64, and a bfloat16 request aborts the process), and its {@code toType} runs without
 * autograd, so a cast inside a {@code GradientCollector} cuts the graph. The casts therefore run
 * inside a tiny TorchScript module, written by {@link TorchScriptArchive} and run through DJL's
 * {@code IValueUtils.forward} with autograd on: {@code y = float32(linear(bf16(x), bf16(W))) + b}.
 * libtorch's autograd differentiates the casts, so the gradients of {@code x}, {@code W} and
 * {@code b} arrive as float32 (the weight gradient is a bfloat16 product, cast back). On CPUs with
 * AVX512_BF16 or AMX, oneDNN computes the bfloat16 products in hardware.
 *
 * <p>Each call switches libtorch's TorchScript graph optimiser off for the calling thread (a
 * thread-local libtorch setting; Graft runs no other TorchScript): the module is then interpreted
 * as written, with libtorch's own autograd, whatever the input shapes.
 */
public final class BFloat16Ops {

    static final String CLASS_NAME = "GraftBf16Linear";

    /** The module: forward(x [..., in], weight [out, in], bias [out]) → [..., out], float32. */
    static final String SOURCE = String.join("\n",
            "class " + CLASS_NAME + "(Module):",
            "  __parameters__ = []",
            "  __buffers__ = []",
            "  training : bool",
            "  def forward(self: __torch__." + CLASS_NAME + ",",
            "    x: Tensor,",
            "    weight: Tensor,",
            "    bias: Tensor) -> Tensor:",
            "    _0 = torch.linear(torch.to(x, 15), torch.to(weight, 15))",
            "    return torch.add(torch.to(_0, 6), bias)",
            "");

    /** Array names that DJL's {@code IValueUtils} would read as list, tuple or dict markers. */
    private static final Pattern PLAIN_NAME = Pattern.compile("\\w*");

    private BFloat16Ops() {
    }

    /** Loaded on first use, kept for the life of the process (a few kilobytes). */
    private static final class Module {
        static final PtSymbolBlock INSTANCE = load();

        private static PtSymbolBlock load() {
            NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
            try {
                return JniUtils.loadModule((PtNDManager) manager,
                        new ByteArrayInputStream(TorchScriptArchive.write(CLASS_NAME, SOURCE)), false, false);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot load Graft's bfloat16 TorchScript module: " + e.getMessage(), e);
            }
        }
    }

    /**
     * {@code x · weightᵀ + bias} with the product in bfloat16 and the result, and the bias sum, in
     * float32; differentiable with respect to all three.
     *
     * @param x      float32 {@code [..., in]} on the PyTorch engine
     * @param weight float32 {@code [out, in]}
     * @param bias   float32 {@code [out]}
     * @return float32 {@code [..., out]}, in {@code x}'s manager
     */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        NDManager step = x.getManager();
        NDList in = new NDList(plain(x, step), plain(weight, step), plain(bias, step));
        JniUtils.setGraphExecutorOptimize(false);
        return IValueUtils.forward(Module.INSTANCE, in, true).singletonOrThrow();
    }

    /** {@code a}, or an unnamed view of it in {@code step} when DJL would read its name as structure. */
    private static NDArray plain(NDArray a, NDManager step) {
        String name = a.getName();
        if (name == null || PLAIN_NAME.matcher(name).matches()) {
            return a;
        }
        NDArray view = a.reshape(a.getShape());
        view.attach(step);
        return view;
    }
}

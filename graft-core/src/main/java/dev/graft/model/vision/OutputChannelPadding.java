package dev.graft.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Works around a bug of the CPU convolution kernels libtorch 2.7 ships (oneDNN 3.7, {@code jit:avx512_core}
 * {@code backward_data}): for a dense convolution with a kernel larger than 1×1 whose output channels are not a
 * multiple of the kernels' channel block (16 floats on AVX-512), the gradient with respect to the input now and then
 * holds NaN — the kernel reads the padded channels of its blocked layout, which are not always zeroed. The NaN then
 * flows down into every earlier layer, so the stem's gradients are the first to show it, and the training loop drops
 * the step. It depends on what the memory held before, so it comes and goes from run to run.
 *
 * <p>Such a convolution is computed with its filters padded by zero filters up to a multiple of {@link #BLOCK} and the
 * extra output channels dropped: the same values, and the backward pass sees no padded channels. Convolutions whose
 * output channels are a multiple of 16 (every convolution of the published MobileNetV2, ResNet and EfficientNet
 * checkpoints), 1×1 and grouped convolutions run unchanged.
 */
final class OutputChannelPadding {

    /** Output channels are padded up to a multiple of this (the AVX-512 block of 16 floats; also a multiple of AVX2's 8). */
    static final int BLOCK = 16;

    private OutputChannelPadding() {
    }

    /** Whether a convolution of this shape is computed with padded filters. */
    static boolean applies(int outChannels, int kernel, int groups) {
        return groups == 1 && kernel > 1 && outChannels % BLOCK != 0;
    }

    /** A convolution of fixed stride, padding and groups: {@code (x, weight, bias) → y}; {@code bias} may be null. */
    @FunctionalInterface
    interface Conv {
        NDArray apply(NDArray x, NDArray weight, NDArray bias);
    }

    /**
     * {@code conv.apply(x, weight, bias)} with the filters (and bias) padded by zero filters to a multiple of {@link #BLOCK},
     * then the padded output channels dropped.
     *
     * @param bias may be {@code null}
     */
    static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, Conv conv) {
        Shape ws = weight.getShape();
        long out = ws.get(0);
        long padded = (out + BLOCK - 1) / BLOCK * BLOCK;
        NDArray w = padded(weight, x.getManager().zeros(new Shape(padded - out, ws.get(1), ws.get(2), ws.get(3)), weight.getDataType()), x);
        NDArray b = bias == null ? null : padded(bias, x.getManager().zeros(new Shape(padded - out), bias.getDataType()), x);
        NDArray y = conv.apply(x, w, b);
        return y.get(new NDIndex(":, :{}", out));
    }

    /** {@code values} followed by {@code zeros} along the first axis, owned by {@code x}'s step (not the parameter's manager). */
    private static NDArray padded(NDArray values, NDArray zeros, NDArray x) {
        NDArray joined = NDArrays.concat(new NDList(values, zeros), 0);
        joined.attach(x.getManager());
        return joined;
    }
}

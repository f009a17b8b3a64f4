package dev.graft.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Works around bugs of the CPU convolution kernels libtorch 2.7 ships (oneDNN 3.7, {@code jit:avx512_core}): they keep
 * channels in blocks of 16 floats and, for a dense convolution with a kernel larger than 1×1, now and then read the
 * padding of a block that the channels do not fill, which is not always zeroed. It depends on what the memory held
 * before, so it comes and goes from run to run:
 * <ul>
 *   <li>output channels not a multiple of 16: the gradient with respect to the input holds NaN, which flows down into
 *       every earlier layer, and the training loop drops the step;</li>
 *   <li>more than 16 input channels, not a multiple of 16 (20, 24, 40 measured): the forward pass itself gives NaN or
 *       different values from one run to the next, at inference too.</li>
 * </ul>
 *
 * <p>Such a convolution is computed with its filters padded by zeros up to a multiple of {@link #BLOCK} on both
 * channel axes, the input padded by zero channels to match, and the extra output channels dropped: the same values,
 * and the kernels see no partial block. Convolutions whose channels are multiples of 16 (every convolution of the
 * published MobileNetV2, ResNet and EfficientNet checkpoints but their 3-channel stems, which the kernels handle), 1×1
 * and grouped convolutions run unchanged.
 */
public final class ChannelPadding {

    /** Channels are padded up to a multiple of this (the AVX-512 block of 16 floats; also a multiple of AVX2's 8). */
    static final int BLOCK = 16;

    private ChannelPadding() {
    }

    /** Whether a convolution of this shape is computed with padded channels. */
    static boolean applies(int inChannels, int outChannels, int kernel, int groups) {
        return groups == 1 && kernel > 1 && (outChannels % BLOCK != 0 || padsInput(inChannels));
    }

    /** Whether the input channels are padded: more than one block, not whole blocks. */
    static boolean padsInput(int inChannels) {
        return inChannels > BLOCK && inChannels % BLOCK != 0;
    }

    /** A convolution of fixed stride, padding and groups: {@code (x, weight, bias) → y}; {@code bias} may be null. */
    @FunctionalInterface
    interface Conv {
        NDArray apply(NDArray x, NDArray weight, NDArray bias);
    }

    /**
     * {@code conv.apply(x, weight, bias)} with the filters (and bias) padded by zeros to whole blocks of output channels
     * and, where {@link #padsInput}, of input channels (the input padded by zero channels to match), then the padded
     * output channels dropped.
     *
     * @param bias may be {@code null}
     */
    static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, Conv conv) {
        Shape ws = weight.getShape();
        long out = ws.get(0);
        long in = ws.get(1);
        long outPadded = wholeBlocks((int) out);
        long inPadded = padsInput((int) in) ? wholeBlocks((int) in) : in;
        NDArray w = weight;
        NDArray input = x;
        if (inPadded > in) {
            w = padded(w, x.getManager().zeros(new Shape(out, inPadded - in, ws.get(2), ws.get(3)), weight.getDataType()), 1, x);
            Shape xs = x.getShape();
            input = padded(x, x.getManager().zeros(new Shape(xs.get(0), inPadded - in, xs.get(2), xs.get(3)), x.getDataType()), 1, x);
        }
        if (outPadded > out) {
            w = padded(w, x.getManager().zeros(new Shape(outPadded - out, inPadded, ws.get(2), ws.get(3)), weight.getDataType()), 0, x);
        }
        NDArray b = bias == null || outPadded == out ? bias
                : padded(bias, x.getManager().zeros(new Shape(outPadded - out), bias.getDataType()), 0, x);
        NDArray y = conv.apply(input, w, b);
        return outPadded == out ? y : y.get(new NDIndex(":, :{}", out));
    }

    /** {@code channels} rounded up to whole blocks of {@link #BLOCK}. */
    public static int wholeBlocks(int channels) {
        return (channels + BLOCK - 1) / BLOCK * BLOCK;
    }

    /** {@code values} followed by {@code zeros} along {@code axis}, owned by {@code x}'s step (not the parameter's manager). */
    private static NDArray padded(NDArray values, NDArray zeros, int axis, NDArray x) {
        NDArray joined = NDArrays.concat(new NDList(values, zeros), axis);
        joined.attach(x.getManager());
        return joined;
    }
}

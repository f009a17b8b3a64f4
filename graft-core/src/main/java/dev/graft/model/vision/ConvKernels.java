package dev.graft.model.vision;

/**
 * How a CNN's convolutions are computed on libtorch. The parameters, their names and what is saved are the same in
 * every mode, and so are the results up to float32 rounding.
 */
public enum ConvKernels {
    /**
     * DJL's {@code conv2d} and {@code clip} on {@code NCHW} arrays: oneDNN reorders every convolution's input and
     * output between {@code NCHW} and its blocked layout, and each clip writes a new array. The reference.
     */
    DJL,
    /**
     * Channels-last ({@code NHWC}) activations, which oneDNN convolves without reordering, and each convolution with
     * its bias and following clip (ReLU6) in one TorchScript call, bias and clip in place; float32.
     */
    FUSED,
    /**
     * As {@link #FUSED}, computing in bfloat16 with float32 weights, gradients and activations between modules: each
     * convolution chain (a MobileNetV2 inverted residual block, or one convolution elsewhere) casts its input and
     * weights to bfloat16 inside its TorchScript call and its result back to float32. oneDNN computes the bfloat16
     * convolutions in hardware on CPUs with AVX512_BF16 or AMX. Only MobileNetV2 gains from it: a network whose
     * convolutions are separated by other modules (ResNet's BatchNorm) would cast around every one of them.
     */
    FUSED_BF16;

    /** Whether activations are channels-last. */
    public boolean channelsLast() {
        return this != DJL;
    }

    /** Whether convolutions compute in bfloat16. */
    public boolean bf16() {
        return this == FUSED_BF16;
    }
}

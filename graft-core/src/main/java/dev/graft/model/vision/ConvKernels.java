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
    FUSED;


    /** Whether activations are channels-last. */
    public boolean channelsLast() {
        return this != DJL;
    }
}

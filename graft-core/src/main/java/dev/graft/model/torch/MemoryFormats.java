package dev.graft.model.torch;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * libtorch memory formats, which DJL 0.36 does not expose: a differentiable copy of an image batch into channels-last
 * ({@code NHWC}) order, through a {@link TorchScriptFunction}. The shape stays {@code [N, C, H, W]}; only the strides
 * change. libtorch's elementwise ops and oneDNN's convolutions keep the format of their input, so one conversion at a
 * network's input makes every convolution after it run on {@code NHWC} directly instead of reordering its input and
 * output to oneDNN's blocked layout and back on every call.
 */
public final class MemoryFormats {

    static final String CLASS_NAME = "GraftChannelsLast";

    /** forward(x [N, C, H, W]) → the same values, channels-last ({@code c10::MemoryFormat::ChannelsLast} is 2). */
    static final String SOURCE = TorchScriptFunction.moduleSource(CLASS_NAME, List.of("x"),
            List.of("return torch.contiguous(x, memory_format=2)"));

    private MemoryFormats() {
    }

    /** Compiled on first use. */
    private static final class Module {
        static final TorchScriptFunction INSTANCE = TorchScriptFunction.compile(CLASS_NAME, SOURCE);
    }

    /** {@code x} (4-D) in channels-last memory order, in {@code x}'s manager; gradients pass through unchanged. */
    public static NDArray channelsLast(NDArray x) {
        if (x.getShape().dimension() != 4) {
            throw new IllegalArgumentException("channels-last needs a 4-D [N, C, H, W] array, got " + x.getShape());
        }
        return Module.INSTANCE.apply(x);
    }
}

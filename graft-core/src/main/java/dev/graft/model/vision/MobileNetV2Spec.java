package dev.graft.model.vision;

import java.util.List;

/**
 * The architecture of a MobileNetV2 as found in an ONNX graph: every convolution with its
 * activation bounds (the Clip after it; ReLU6 is [0, 6], but a graph exported from a quantised
 * model carries per-layer bounds, and linear bottlenecks are clipped too), block structure and
 * residual connections. Stored as {@code backbone.json} next to the weights.
 *
 * @param inputClip   bounds applied to the input image itself ({@code null} = none)
 * @param stem        the first convolution ({@code features.0.0})
 * @param blocks      inverted residual blocks ({@code features.1} ... )
 * @param last        the final 1×1 convolution ({@code features.<n+1>.0})
 * @param poolClip    bounds after global average pooling ({@code null} = none)
 * @param matmulClip  bounds after the ImageNet classifier's matrix product, before its bias ({@code null} = none)
 * @param logitsClip  bounds on the ImageNet logits ({@code null} = none)
 * @param numClasses  ImageNet classifier outputs (0 = no classifier)
 */
public record MobileNetV2Spec(Bounds inputClip, ConvSpec stem, List<BlockSpec> blocks, ConvSpec last, Bounds poolClip,
                              Bounds matmulClip, Bounds logitsClip, int numClasses) {

    /** Copies the list. */
    public MobileNetV2Spec {
        blocks = List.copyOf(blocks);
    }

    /**
     * Clip bounds.
     *
     * @param min lower bound
     * @param max upper bound
     */
    public record Bounds(float min, float max) {
    }

    /**
     * One convolution (BatchNorm folded into its bias) and the activation bounds after it.
     *
     * @param in      input channels
     * @param out     output channels
     * @param kernel  kernel size
     * @param stride  stride
     * @param padding padding
     * @param groups  groups (= channels for depthwise)
     * @param clip    bounds after it ({@code null} = linear)
     */
    public record ConvSpec(int in, int out, int kernel, int stride, int padding, int groups, Bounds clip) {
    }

    /**
     * An inverted residual block: optional 1×1 expansion, 3×3 depthwise, 1×1 projection.
     *
     * @param convs    the convolutions in order (2 or 3)
     * @param residual whether the input is added to the output
     * @param addClip  bounds after the addition ({@code null} = none)
     */
    public record BlockSpec(List<ConvSpec> convs, boolean residual, Bounds addClip) {
        /** Copies the list. */
        public BlockSpec {
            convs = List.copyOf(convs);
        }
    }

    /** Width of the pooled feature vector. */
    public int featureDim() {
        return last.out();
    }
}

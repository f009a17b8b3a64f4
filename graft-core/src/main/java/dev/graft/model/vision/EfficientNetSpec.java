package dev.graft.model.vision;

import java.util.List;

/**
 * An EfficientNet architecture (timm/torchvision PyTorch layout: symmetric padding {@code k/2}, SiLU,
 * squeeze-excitation sized from each block's input channels).
 *
 * @param name          {@code efficientnet-b0}, or a custom name
 * @param stemOut       channels of the 3×3 stride-2 stem convolution
 * @param stages        the MBConv stages, bottom to top
 * @param headOut       channels of the final 1×1 convolution (the feature width)
 * @param seRatio       squeeze-excitation width as a share of the block's input channels (0.25)
 * @param bnEps         BatchNorm epsilon (1e-5 in timm's and torchvision's B0)
 * @param dropPathRate  stochastic depth of the last block in training; block {@code i} of {@code n} drops its
 *                      residual branch with probability {@code dropPathRate·i/n}. Never applied at inference.
 */
public record EfficientNetSpec(String name, int stemOut, List<Stage> stages, int headOut, double seRatio, float bnEps,
                               double dropPathRate) {

    /**
     * One stage of identical blocks (the first one changes width and stride).
     *
     * @param expand  expansion ratio of the inverted bottleneck (1: a depthwise-separable block without expansion)
     * @param kernel  depthwise kernel size (3 or 5)
     * @param stride  stride of the stage's first block
     * @param out     output channels
     * @param repeats number of blocks
     */
    public record Stage(int expand, int kernel, int stride, int out, int repeats) {
        /** Validates the fields. */
        public Stage {
            if (expand < 1 || kernel < 1 || kernel % 2 == 0 || stride < 1 || out < 1 || repeats < 1) {
                throw new IllegalArgumentException("invalid EfficientNet stage: expand " + expand + ", kernel " + kernel
                        + " (odd), stride " + stride + ", out " + out + ", repeats " + repeats);
            }
        }
    }

    /** Copies the list and validates the fields. */
    public EfficientNetSpec {
        stages = List.copyOf(stages);
        if (stages.isEmpty() || stemOut < 1 || headOut < 1 || seRatio < 0 || bnEps <= 0 || dropPathRate < 0 || dropPathRate >= 1) {
            throw new IllegalArgumentException("invalid EfficientNet spec " + name + ": stem " + stemOut + ", " + stages.size()
                    + " stages, head " + headOut + ", SE ratio " + seRatio + ", eps " + bnEps + ", drop path " + dropPathRate);
        }
    }

    /**
     * EfficientNet-B0 (Tan &amp; Le 2019): 16 MBConv blocks in 7 stages, 1280-d features, stochastic depth 0.2 as
     * in torchvision and Keras.
     */
    public static EfficientNetSpec b0() {
        return new EfficientNetSpec("efficientnet-b0", 32, List.of(
                new Stage(1, 3, 1, 16, 1),
                new Stage(6, 3, 2, 24, 2),
                new Stage(6, 5, 2, 40, 2),
                new Stage(6, 3, 2, 80, 3),
                new Stage(6, 5, 1, 112, 3),
                new Stage(6, 5, 2, 192, 4),
                new Stage(6, 3, 1, 320, 1)), 1280, 0.25, 1e-5f, 0.2);
    }

    /** Total number of blocks. */
    public int blockCount() {
        return stages.stream().mapToInt(Stage::repeats).sum();
    }

    /** Width of the pooled features. */
    public int featureDim() {
        return headOut;
    }

    /** This spec with another stochastic-depth rate (0 turns it off in training too). */
    public EfficientNetSpec withDropPathRate(double rate) {
        return new EfficientNetSpec(name, stemOut, stages, headOut, seRatio, bnEps, rate);
    }
}

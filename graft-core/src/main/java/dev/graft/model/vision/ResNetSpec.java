package dev.graft.model.vision;

import java.util.List;

/**
 * A ResNet architecture (torchvision/timm layout).
 *
 * @param name       {@code resnet18}, {@code resnet34}, {@code resnet50}, or a custom name
 * @param bottleneck bottleneck blocks (1×1, 3×3, 1×1; expansion 4) instead of basic blocks (3×3, 3×3)
 * @param layers     blocks per stage ({@code layer1..layer4})
 * @param width      channels of the stem and first stage (64 in the published models; smaller for tests)
 */
public record ResNetSpec(String name, boolean bottleneck, List<Integer> layers, int width) {

    /** Validates the fields. */
    public ResNetSpec {
        layers = List.copyOf(layers);
        if (layers.size() != 4 || layers.stream().anyMatch(n -> n < 1) || width < 1) {
            throw new IllegalArgumentException("a ResNet needs 4 stages of ≥ 1 block and a positive width, got " + layers + ", " + width);
        }
    }

    /** ResNet-18. */
    public static ResNetSpec resnet18() {
        return new ResNetSpec("resnet18", false, List.of(2, 2, 2, 2), 64);
    }

    /** ResNet-34 (basic blocks, 3-4-6-3). */
    public static ResNetSpec resnet34() {
        return new ResNetSpec("resnet34", false, List.of(3, 4, 6, 3), 64);
    }

    /** ResNet-50. */
    public static ResNetSpec resnet50() {
        return new ResNetSpec("resnet50", true, List.of(3, 4, 6, 3), 64);
    }

    /** Channels out of a block of stage {@code s} (0-based). */
    public int stageOut(int s) {
        return width * (1 << s) * (bottleneck ? 4 : 1);
    }

    /** Width of the pooled features. */
    public int featureDim() {
        return stageOut(3);
    }

    /** This spec with another width (tests build reduced models). */
    public ResNetSpec withWidth(int w) {
        return new ResNetSpec(name, bottleneck, layers, w);
    }
}

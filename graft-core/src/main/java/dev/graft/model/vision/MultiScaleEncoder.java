package dev.graft.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import java.util.List;

/**
 * A vision backbone that also gives the feature maps a dense-prediction decoder reads: one map per resolution, at
 * strides 2, 4, 8, 16 and 32 of the input, shallowest first (timm's {@code features_only} maps). MobileNetV2, ResNet
 * and EfficientNet implement it; a segmentation network takes any of them as its encoder.
 */
public interface MultiScaleEncoder extends VisionBackbone {

    /** Total stride of the deepest map: input sides must be multiples of it. */
    int TOTAL_STRIDE = 32;

    /**
     * The feature maps of a batch of normalised images {@code [N, 3, H, W]} (sides multiples of {@link #TOTAL_STRIDE}),
     * at strides 2, 4, 8, 16 and 32, shallowest first.
     */
    List<NDArray> featureMaps(ParameterStore ps, NDArray images, boolean training);

    /** The channels of each of {@link #featureMaps}, shallowest first. */
    List<Integer> featureMapChannels();

    /**
     * Name prefixes (with their trailing dot) of the parameters and buffers that only the pooled features use, not
     * {@link #featureMaps} (MobileNetV2's and EfficientNet's final 1×1 convolution): a segmentation network neither trains
     * nor reports them.
     */
    List<String> poolingOnlyPrefixes();

    /** Whether parameter {@code name} is used by {@link #featureMaps} (not under one of {@link #poolingOnlyPrefixes}). */
    default boolean usedByFeatureMaps(String name) {
        return poolingOnlyPrefixes().stream().noneMatch(name::startsWith);
    }
}

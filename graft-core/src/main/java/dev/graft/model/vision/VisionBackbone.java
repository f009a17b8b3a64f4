package dev.graft.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.graft.model.LayerGroup;
import dev.graft.model.NamedBuffers;
import dev.graft.model.NamedParameters;
import java.util.List;

/** A CNN that maps images {@code [N, 3, H, W]} to pooled feature vectors {@code [N, D]}. */
public interface VisionBackbone extends Block, NamedParameters, NamedBuffers {

    /** Pooled features of a batch of normalised images. */
    NDArray features(ParameterStore ps, NDArray images, boolean training);

    /** Width {@code D} of the feature vector. */
    int featureDim();

    /** Architecture name ({@code mobilenetv2}, {@code resnet18}, {@code resnet50}). */
    String architecture();

    /** The architecture's configuration as a JSON-serialisable record (written to {@code backbone.json}). */
    Object spec();

    /** Backbone layer groups, bottom to top (stem first), named by parameter prefix; no head. */
    List<LayerGroup> layerGroups();

    /** Allocates the parameters in {@code manager}. */
    void initialize(NDManager manager);
}

package dev.graft.model.vision;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.model.LayerGroup;
import dev.graft.model.NamedBuffers;
import dev.graft.model.Splittable;
import dev.graft.model.head.ClassifierHead;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CNN backbone and a new classification head, trainable end to end: images → logits.
 * Parameters are {@code backbone.<name>} and {@code head.<name>}; layer groups are the backbone's
 * (stem first) and the head last; BatchNorm running statistics are buffers.
 */
public final class ImageClassifierModel extends AbstractBlock implements Splittable, NamedBuffers {

    /** Prefix of backbone parameter names. */
    public static final String BACKBONE = "backbone.";
    /** Prefix of head parameter names. */
    public static final String HEAD = "head.";

    private final VisionBackbone backbone;
    private final ClassifierHead head;

    /** Composes an initialised backbone and an initialised head. */
    public ImageClassifierModel(VisionBackbone backbone, ClassifierHead head) {
        if (head.config().inputDim() != backbone.featureDim()) {
            throw new IllegalArgumentException("head input " + head.config().inputDim() + " ≠ backbone features " + backbone.featureDim());
        }
        this.backbone = addChildBlock("backbone", backbone);
        this.head = addChildBlock("head", head);
    }

    /** The backbone. */
    public VisionBackbone backbone() {
        return backbone;
    }

    /** The head. */
    public ClassifierHead head() {
        return head;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return head.forward(ps, new NDList(backbone.features(ps, inputs.head(), training)), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), head.config().numClasses())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // both parts arrive initialised
    }

    @Override
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        backbone.namedParameters().forEach((n, p) -> m.put(BACKBONE + n, p));
        head.namedParameters().forEach((n, p) -> m.put(HEAD + n, p));
        return m;
    }

    @Override
    public Map<String, Parameter> namedBuffers() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        backbone.namedBuffers().forEach((n, p) -> m.put(BACKBONE + n, p));
        return m;
    }

    @Override
    public List<LayerGroup> layerGroups() {
        List<LayerGroup> groups = new ArrayList<>();
        for (LayerGroup g : backbone.layerGroups()) {
            groups.add(new LayerGroup(g.name(), g.parameters().stream().map(n -> BACKBONE + n).toList(), false));
        }
        groups.add(new LayerGroup("head", head.namedParameters().keySet().stream().map(n -> HEAD + n).toList(), true));
        return groups;
    }
}

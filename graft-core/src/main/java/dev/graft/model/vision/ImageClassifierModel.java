package dev.graft.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.model.LayerGroup;
import dev.graft.model.torch.MemoryFormats;
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
 *
 * <p>{@link #setKernels} chooses how the backbone's convolutions compute (channels-last, fused, bfloat16); it changes
 * neither the parameters, their names nor what is saved.
 */
public final class ImageClassifierModel extends AbstractBlock implements Splittable, NamedBuffers {

    /** Prefix of backbone parameter names. */
    public static final String BACKBONE = "backbone.";
    /** Prefix of head parameter names. */
    public static final String HEAD = "head.";

    private final VisionBackbone backbone;
    private final ClassifierHead head;
    private ConvKernels kernels = ConvKernels.DJL;

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

    /**
     * Computes the backbone's convolutions with {@code k} from the next forward pass on ({@link ConvKernels#DJL} at
     * first); with the fused kernels, images enter the backbone in channels-last memory order.
     *
     * @throws IllegalArgumentException for fused kernels on a backbone that is not built of Graft's convolutions
     */
    public void setKernels(ConvKernels k) {
        int convs = backbone instanceof VisionModule module ? Conv2dLayer.setKernels(module, k) : 0;
        if (convs == 0 && k != ConvKernels.DJL) {
            throw new IllegalArgumentException("kernels " + k + " need a backbone of Graft's convolutions, got "
                    + backbone.architecture());
        }
        this.kernels = k;
    }

    /** How the backbone's convolutions are computed. */
    public ConvKernels kernels() {
        return kernels;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray images = kernels.channelsLast() ? MemoryFormats.channelsLast(inputs.head()) : inputs.head();
        return head.forward(ps, new NDList(backbone.features(ps, images, training)), training);
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

package dev.graft.model.bert;

import dev.graft.model.NamedParameters;
import dev.graft.model.Precision;
import dev.graft.model.torch.BFloat16Ops;
import dev.graft.model.torch.ConstantBf16Weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A fully connected layer {@code y = x W^T + b} with PyTorch's layout: {@code weight [out, in]},
 * {@code bias [out]}. Weights start as N(0, 0.02) like Hugging Face BERT, biases as zero.
 *
 * <p>In {@link Precision#BF16} the product runs in bfloat16 ({@link BFloat16Ops#linear}); the
 * parameters, the bias sum and the output stay float32.
 */
public final class BertLinear extends AbstractBlock implements NamedParameters {

    private final int inFeatures;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;
    private LinearDelta delta;
    private Precision precision = Precision.FP32;

    /** A linear map from {@code inFeatures} to {@code outFeatures}. */
    public BertLinear(int inFeatures, int outFeatures) {
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(outFeatures, inFeatures)).optInitializer(new NormalInitializer(0.02f)).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(outFeatures)).build());
    }

    /** Input width. */
    public int inFeatures() {
        return inFeatures;
    }

    /** Output width. */
    public int outFeatures() {
        return outFeatures;
    }

    /**
     * Decorates this layer with {@code d}, which then transforms every output (LoRA's low-rank
     * update, a bottleneck adapter); {@code null} removes the decoration. The layer's own weights
     * are untouched, and its {@link #namedParameters()} stay the pretrained ones: the decoration's
     * parameters are named by whoever attached it.
     */
    public void decorate(LinearDelta d) {
        this.delta = d;
    }

    /** The decoration, or {@code null}. */
    public LinearDelta delta() {
        return delta;
    }

    /** Computes the product in {@code p} from the next forward pass on; {@link Precision#FP32} at first. */
    public void setPrecision(Precision p) {
        this.precision = Objects.requireNonNull(p, "precision");
    }

    /** The precision of the product. */
    public Precision precision() {
        return precision;
    }

    /**
     * The weight and bias for a bfloat16 product of {@code x}, as {@code ps} gives them for {@code x}'s device: the
     * weight as {@link ConstantBf16Weights#forProduct} gives it (a kept bfloat16 copy where a scope covers it).
     */
    NDArray[] bf16WeightAndBias(ParameterStore ps, NDArray x, boolean training) {
        return new NDArray[] {ConstantBf16Weights.forProduct(ps.getValue(weight, x.getDevice(), training)),
            ps.getValue(bias, x.getDevice(), training)};
    }

    /** Applies the layer to {@code x [..., in]}; the result lives in {@code x}'s manager. */
    NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = ps.getValue(bias, x.getDevice(), training);
        NDArray y = precision == Precision.BF16 ? BFloat16Ops.linear(x, ConstantBf16Weights.forProduct(w), b)
                : Linear.linear(x, w, b).singletonOrThrow();
        return delta == null ? y : delta.apply(ps, x, y, training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(outFeatures)};
    }

    @Override
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("weight", weight);
        m.put("bias", bias);
        return m;
    }
}

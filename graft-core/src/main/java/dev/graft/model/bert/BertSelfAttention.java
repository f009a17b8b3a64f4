package dev.graft.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.model.Precision;
import dev.graft.model.Scalars;
import dev.graft.model.torch.BFloat16Ops;
import dev.graft.model.torch.CounterDropout;
import dev.graft.model.torch.ScaledDotProductAttention;
import dev.graft.util.Arguments;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Multi-head scaled dot-product self-attention with {@code query}, {@code key}, {@code value}
 * projections, as in Hugging Face {@code BertSelfAttention}.
 *
 * <p>Input: {@code NDList(hidden [B,T,H], additiveMask [B,1,1,T])}; output: the context {@code [B,T,H]}
 * (before the output projection).
 */
public final class BertSelfAttention extends CompositeBlock {

    private final int numHeads;
    private final int headSize;
    private float dropout;
    private final BertLinear query;
    private final BertLinear key;
    private final BertLinear value;
    private AttentionKernel kernel = AttentionKernel.AUTO;

    /** Attention sized by {@code config}, with attention-probability dropout {@code dropout}. */
    public BertSelfAttention(BertConfig config, float dropout) {
        int h = config.hiddenSize();
        this.numHeads = config.numHeads();
        this.headSize = h / numHeads;
        this.dropout = dropout;
        query = addChildBlock("query", new BertLinear(h, h));
        key = addChildBlock("key", new BertLinear(h, h));
        value = addChildBlock("value", new BertLinear(h, h));
    }

    /** How the attention is computed (default {@link AttentionKernel#AUTO}). */
    public void setKernel(AttentionKernel kernel) {
        this.kernel = Objects.requireNonNull(kernel, "kernel");
    }

    /** How the attention is computed. */
    public AttentionKernel kernel() {
        return kernel;
    }

    /** Sets the dropout probability on the attention weights in training (in [0, 1); initially the model's dropout). */
    public void setDropout(float dropout) {
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException(Arguments.name("dropout") + " must be in [0, 1), got " + dropout);
        }
        this.dropout = dropout;
    }

    /** The dropout probability on the attention weights in training. */
    public float dropout() {
        return dropout;
    }

    NDArray apply(ParameterStore ps, NDArray hidden, NDArray additiveMask, boolean training) {
        NDArray qp = query.apply(ps, hidden, training);
        NDArray kp = key.apply(ps, hidden, training);
        NDArray vp = value.apply(ps, hidden, training);
        float p = training ? dropout : 0f;
        return switch (kernel.resolve(training, dropout)) {
            case AUTO -> throw new AssertionError("resolved");
            case FUSED -> ScaledDotProductAttention.FP32.apply(qp, kp, vp, additiveMask, numHeads, p);
            case FUSED_BF16 -> ScaledDotProductAttention.BF16.apply(qp, kp, vp, additiveMask, numHeads, p);
            case COMPOSITE -> composite(qp, kp, vp, additiveMask, training);
        };
    }

    /**
     * {@code output(attention(hidden))}: the context projected by {@code output}. When the four projections run in
     * bfloat16, the output projection undecorated and the others undecorated or with an additive delta (LoRA's, whose
     * term joins its projection inside the call), one {@link BFloat16Ops#attention} call, whose activations stay
     * bfloat16 from the projections' input to the output projection's, with the attention of
     * {@link AttentionKernel#COMPOSITE} or {@link AttentionKernel#FUSED_BF16} ({@link AttentionKernel#AUTO} resolves to
     * one of them); else, and with {@link AttentionKernel#FUSED} chosen explicitly, {@link #apply} and {@code output}.
     */
    NDArray applyAndProject(ParameterStore ps, NDArray hidden, NDArray additiveMask, boolean training, BertLinear output) {
        AttentionKernel k = kernel.resolve(training, dropout);
        if (kernel == AttentionKernel.AUTO && k == AttentionKernel.FUSED) {
            k = AttentionKernel.FUSED_BF16; // with bfloat16 projections, AUTO's fused attention runs in bfloat16 too
        }
        if (k == AttentionKernel.FUSED || output.delta() != null || !inBf16(query, key, value, output)) {
            return output.apply(ps, apply(ps, hidden, additiveMask, training), training);
        }
        BFloat16Ops.Projection q = projection(ps, query, hidden, training);
        BFloat16Ops.Projection kp = projection(ps, key, hidden, training);
        BFloat16Ops.Projection v = projection(ps, value, hidden, training);
        float p = training ? dropout : 0f;
        NDArray dropMask = k == AttentionKernel.COMPOSITE && p > 0f ? CounterDropout.mask(hidden.getManager(),
                new Shape(hidden.getShape().get(0), numHeads, hidden.getShape().get(1), hidden.getShape().get(1)), p) : null;
        return BFloat16Ops.attention(hidden, q, kp, v, projection(ps, output, hidden, training), additiveMask, dropMask,
                numHeads, k == AttentionKernel.FUSED_BF16, p);
    }

    /** Whether every layer multiplies in bf16, undecorated or decorated additively (LoRA). */
    private static boolean inBf16(BertLinear... linears) {
        for (BertLinear l : linears) {
            if (l.precision() != Precision.BF16 || (l.delta() != null && !l.delta().additive())) {
                return false;
            }
        }
        return true;
    }

    private static BFloat16Ops.Projection projection(ParameterStore ps, BertLinear linear, NDArray x, boolean training) {
        NDArray[] wb = linear.bf16WeightAndBias(ps, x, training);
        return new BFloat16Ops.Projection(wb[0], wb[1], linear.delta() == null ? null : linear.delta().term(ps, x, training));
    }

    private NDArray composite(NDArray qp, NDArray kp, NDArray vp, NDArray additiveMask, boolean training) {
        Shape s = qp.getShape();
        long b = s.get(0);
        long t = s.get(1);
        NDArray q = heads(qp, b, t);
        NDArray k = heads(kp, b, t);
        NDArray v = heads(vp, b, t);
        NDArray scores = Scalars.div(q.matMul(k.transpose(0, 1, 3, 2)), (float) Math.sqrt(headSize));
        if (additiveMask != null) {
            scores = scores.add(additiveMask);
        }
        NDArray probs = CounterDropout.apply(scores.softmax(-1), dropout, training);
        return probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, (long) numHeads * headSize);
    }

    /** The projections by Hugging Face name ({@code query}, {@code key}, {@code value}). */
    Map<String, BertLinear> linears() {
        Map<String, BertLinear> m = new LinkedHashMap<>();
        m.put("query", query);
        m.put("key", key);
        m.put("value", value);
        return m;
    }

    private NDArray heads(NDArray x, long b, long t) {
        return x.reshape(b, t, numHeads, headSize).transpose(0, 2, 1, 3);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        putAll(m, "query", query);
        putAll(m, "key", key);
        putAll(m, "value", value);
        return m;
    }
}

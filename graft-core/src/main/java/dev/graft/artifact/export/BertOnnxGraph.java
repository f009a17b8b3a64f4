package dev.graft.artifact.export;

import ai.djl.nn.Parameter;
import dev.graft.model.bert.BertConfig;
import dev.graft.model.bert.BertModel;
import dev.graft.tensor.onnx.OnnxAttr;
import dev.graft.tensor.onnx.OnnxDataType;
import dev.graft.tensor.onnx.OnnxGraphBuilder;
import java.util.List;
import java.util.Map;

/**
 * Writes {@link BertModel}'s forward pass as ONNX nodes (opset 17), computing what the module computes in inference
 * mode: word + position + token-type embeddings and LayerNormalization; per layer, Q/K/V projections (MatMul + Add),
 * scaled dot-product attention with the additive padding mask {@code (mask − 1)·FLT_MAX} and Softmax, output
 * projection and LayerNormalization, feed-forward with the exact GELU ({@code x·(erf(x/√2)+1)·0.5}) and
 * LayerNormalization. Linear weights are stored transposed ({@code [in, out]}) for MatMul, where int8 quantisation
 * finds them.
 */
final class BertOnnxGraph {

    /** The opset the nodes need (LayerNormalization). */
    static final int OPSET = 17;

    private final OnnxGraphBuilder g;
    private final Map<String, Parameter> params;

    private BertOnnxGraph(OnnxGraphBuilder g, BertModel model) {
        this.g = g;
        this.params = model.namedParameters();
    }

    /**
     * Adds the encoder's nodes reading {@code input_ids}, {@code attention_mask} and {@code token_type_ids} and returns
     * the name of the last hidden state {@code [batch, sequence, hidden]}.
     */
    static String append(OnnxGraphBuilder g, BertModel model, String inputIds, String attentionMask, String tokenTypeIds) {
        return new BertOnnxGraph(g, model).encoder(model.config(), inputIds, attentionMask, tokenTypeIds);
    }

    private String encoder(BertConfig c, String ids, String mask, String types) {
        int h = c.hiddenSize();
        String words = g.node("Gather", List.of(weight("embeddings.word_embeddings.weight"), ids), "embeddings/words",
                OnnxAttr.of("axis", 0L));
        String typeTable = weight("embeddings.token_type_embeddings.weight");
        String typeVecs;
        if (c.typeVocabSize() < 2) { // one token type: every token reads row 0, as the module does
            typeVecs = g.node("Gather", List.of(typeTable, g.initializer("embeddings/type0", new long[0], new long[] {0})),
                    "embeddings/types", OnnxAttr.of("axis", 0L));
        } else {
            typeVecs = g.node("Gather", List.of(typeTable, types), "embeddings/types", OnnxAttr.of("axis", 0L));
        }
        String shape = g.node("Shape", List.of(ids), "embeddings/shape");
        String length = g.node("Slice", List.of(shape, g.ints("embeddings/one", 1), g.ints("embeddings/two", 2)), "embeddings/length");
        long first = c.positionOffset();
        String end = g.node("Add", List.of(length, g.ints("embeddings/offset", first)), "embeddings/end");
        String positions = g.node("Slice", List.of(weight("embeddings.position_embeddings.weight"), g.ints("embeddings/first", first),
                end, g.ints("embeddings/axis0", 0)), "embeddings/positions");
        String sum = g.node("Add", List.of(g.node("Add", List.of(words, typeVecs), "embeddings/words_types"), positions), "embeddings/sum");
        String hidden = layerNorm(sum, "embeddings.LayerNorm", c.layerNormEps());

        String maskF = g.node("Cast", List.of(mask), "mask/float", OnnxAttr.of("to", (long) OnnxDataType.FLOAT));
        String shifted = g.node("Sub", List.of(maskF, g.scalar("mask/one", 1f)), "mask/shifted");
        String additive = g.node("Mul", List.of(shifted, g.scalar("mask/max", Float.MAX_VALUE)), "mask/additive");
        String mask4 = g.node("Reshape", List.of(additive, g.ints("mask/shape", 0, 1, 1, -1)), "mask/additive4");

        int heads = c.numHeads();
        int headSize = c.headSize();
        String headShape = g.ints("attention/head_shape", 0, 0, heads, headSize);
        String mergedShape = g.ints("attention/merged_shape", 0, 0, h);
        String scale = g.scalar("attention/sqrt_head_size", (float) Math.sqrt(headSize));
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "encoder.layer." + i + ".";
            String q = g.node("Transpose", List.of(g.node("Reshape", List.of(linear(hidden, p + "attention.self.query"), headShape), p + "q4")),
                    p + "q", OnnxAttr.ints("perm", 0, 2, 1, 3));
            String kT = g.node("Transpose", List.of(g.node("Reshape", List.of(linear(hidden, p + "attention.self.key"), headShape), p + "k4")),
                    p + "kT", OnnxAttr.ints("perm", 0, 2, 3, 1));
            String v = g.node("Transpose", List.of(g.node("Reshape", List.of(linear(hidden, p + "attention.self.value"), headShape), p + "v4")),
                    p + "v", OnnxAttr.ints("perm", 0, 2, 1, 3));
            String scores = g.node("Div", List.of(g.node("MatMul", List.of(q, kT), p + "qk"), scale), p + "scores");
            String probs = g.node("Softmax", List.of(g.node("Add", List.of(scores, mask4), p + "masked")), p + "probs",
                    OnnxAttr.of("axis", -1L));
            String context = g.node("Reshape", List.of(g.node("Transpose", List.of(g.node("MatMul", List.of(probs, v), p + "context4")),
                    p + "context_t", OnnxAttr.ints("perm", 0, 2, 1, 3)), mergedShape), p + "context");
            String attended = layerNorm(g.node("Add", List.of(linear(context, p + "attention.output.dense"), hidden), p + "attention_residual"),
                    p + "attention.output.LayerNorm", c.layerNormEps());
            String gelu = OnnxLayers.gelu(g, linear(attended, p + "intermediate.dense"), p + "gelu");
            hidden = layerNorm(g.node("Add", List.of(linear(gelu, p + "output.dense"), attended), p + "output_residual"),
                    p + "output.LayerNorm", c.layerNormEps());
        }
        return hidden;
    }

    private String layerNorm(String x, String name, double eps) {
        return g.node("LayerNormalization", List.of(x, weight(name + ".weight"), weight(name + ".bias")), name,
                OnnxAttr.of("axis", -1L), OnnxAttr.of("epsilon", (float) eps));
    }

    /** {@code x · Wᵀ + b} of the module's linear layer {@code name}. */
    private String linear(String x, String name) {
        return OnnxLayers.linear(g, x, parameter(name + ".weight"), parameter(name + ".bias"), name);
    }

    private String weight(String name) {
        return g.initializer(name, params.get(name).getArray().getShape().getShape(), values(name));
    }

    private Parameter parameter(String name) {
        Parameter p = params.get(name);
        if (p == null) {
            throw new IllegalStateException("the BERT module has no parameter " + name);
        }
        return p;
    }

    private float[] values(String name) {
        return parameter(name).getArray().toFloatArray();
    }
}

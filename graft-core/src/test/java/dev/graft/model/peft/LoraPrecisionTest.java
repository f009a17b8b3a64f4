package dev.graft.model.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.graft.model.ArrayCopies;
import dev.graft.model.Precision;
import dev.graft.model.bert.AttentionKernel;
import dev.graft.model.bert.BertConfig;
import dev.graft.model.bert.BertModel;
import dev.graft.model.bert.Bf16Comparison;
import dev.graft.model.torch.ConstantBf16Weights;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * LoRA on the query and value projections in bf16: its update joins the projections inside the one bf16 attention call
 * (COMPOSITE, FUSED_BF16, AUTO), or is added projection by projection (FUSED); either way the hidden states stay within
 * bfloat16's precision of float32's and the gradients of A and B point where float32's do.
 */
class LoraPrecisionTest {

    private static final BertConfig CONFIG = Bf16Comparison.CONFIG;

    @ParameterizedTest
    @EnumSource(AttentionKernel.class)
    void loraUpdatesReachTheHiddenStatesAndTheirGradientsInBf16(AttentionKernel kernel) {
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel model = new BertModel(CONFIG, 0f);
            PeftModules lora = withLora(model, m, 5);
            NDArray weights = m.randomNormal(new Shape(2, 10, CONFIG.hiddenSize()));
            Map<String, float[]> fp32 = new LinkedHashMap<>();
            float[] fp32Hidden = gradients(model, lora, m, weights, fp32);
            model.setPrecision(Precision.BF16);
            model.setAttentionKernel(kernel);
            Map<String, float[]> bf16 = new LinkedHashMap<>();
            float[] bf16Hidden = gradients(model, lora, m, weights, bf16);
            model.setPrecision(Precision.FP32);
            model.setAttentionKernel(AttentionKernel.AUTO);
            float[] withoutLora;
            lora.detach();
            withoutLora = gradients(model, null, m, weights, new LinkedHashMap<>());
            double loraEffect = Bf16Comparison.relative(withoutLora, fp32Hidden);
            double bf16Error = Bf16Comparison.relative(bf16Hidden, fp32Hidden);
            assertTrue(bf16Error < 3e-2, "bf16 hidden states differ from fp32's by " + bf16Error);
            assertTrue(loraEffect > 5 * bf16Error, "the LoRA update (" + loraEffect
                    + " of the hidden states) must stand out of bf16's rounding (" + bf16Error + ")");
            for (String name : fp32.keySet()) {
                Bf16Comparison.assertSameDirection(name, bf16.get(name), fp32.get(name));
            }
        }
    }

    /**
     * With the base model frozen, a training scope's bfloat16 copies of its weights ({@link ConstantBf16Weights}) give
     * the same hidden states and the same LoRA gradients, to the last bit, as casting every weight at every pass; one
     * copy per frozen projection is kept, and none of LoRA's trainable matrices.
     */
    @ParameterizedTest
    @EnumSource(value = AttentionKernel.class, names = {"COMPOSITE", "FUSED_BF16"})
    void frozenWeightCopiesGiveTheSameBf16PassAndGradients(AttentionKernel kernel) {
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel model = new BertModel(CONFIG, 0f);
            PeftModules lora = withLora(model, m, 9);
            model.namedParameters().values().forEach(p -> p.freeze(true));
            model.setPrecision(Precision.BF16);
            model.setAttentionKernel(kernel);
            NDArray weights = m.randomNormal(new Shape(2, 10, CONFIG.hiddenSize()));
            Map<String, float[]> cast = new LinkedHashMap<>();
            float[] castHidden = gradients(model, lora, m, weights, cast);
            Map<String, float[]> copied = new LinkedHashMap<>();
            float[] copiedHidden;
            int kept;
            try (ConstantBf16Weights.Scope s = ConstantBf16Weights.whileTraining()) {
                gradients(model, lora, m, weights, new LinkedHashMap<>()); // makes the copies
                copiedHidden = gradients(model, lora, m, weights, copied); // uses them
                kept = ConstantBf16Weights.kept();
            }
            assertArrayEquals(castHidden, copiedHidden);
            assertEquals(cast.keySet(), copied.keySet());
            for (String name : cast.keySet()) {
                assertArrayEquals(cast.get(name), copied.get(name), name);
            }
            // per layer: query, key, value, attention output, intermediate and output dense
            assertEquals(6 * CONFIG.numLayers(), kept, "one copy per frozen projection");
        }
    }

    /**
     * Initialises {@code model} (seeded) and attaches LoRA (rank 4) to its query and value projections, with B given
     * seeded normal weights (σ 0.2): B starts at 0, which would hide the update.
     */
    private static PeftModules withLora(BertModel model, NDManager m, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        model.initialize(m);
        PeftModules lora = PeftModules.attach(model, PeftSpec.lora().withLora(4, 8, 0, PeftSpec.DEFAULT_TARGETS), m);
        Random r = new Random(seed);
        for (Map.Entry<String, Parameter> e : lora.namedParameters().entrySet()) {
            if (e.getKey().endsWith("lora_B.weight")) {
                float[] v = new float[(int) e.getValue().getArray().size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (r.nextGaussian() * 0.2);
                }
                ArrayCopies.copyInto(e.getValue().getArray(), v);
            }
        }
        return lora;
    }

    /** The hidden states; fills {@code out} with the gradient of {@code sum(hidden · weights)} for LoRA's parameters. */
    private static float[] gradients(BertModel model, PeftModules lora, NDManager base, NDArray weights, Map<String, float[]> out) {
        try (NDManager m = base.newSubManager()) {
            NDArray hidden;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                hidden = model.forward(new ParameterStore(m, false), Bf16Comparison.batch(m), true).singletonOrThrow();
                gc.backward(hidden.mul(weights).sum());
            }
            if (lora != null) {
                for (Map.Entry<String, Parameter> e : lora.namedParameters().entrySet()) {
                    NDArray g = e.getValue().getArray().getGradient();
                    out.put(e.getKey(), g.toFloatArray());
                    g.subi(g);
                }
            }
            for (Parameter p : model.namedParameters().values()) {
                if (p.requiresGradient()) {
                    NDArray g = p.getArray().getGradient();
                    g.subi(g);
                }
            }
            return hidden.toFloatArray();
        }
    }
}

package dev.graft.model.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** libtorch's fused attention against the composite DJL ops: same outputs and gradients, with padding masks. */
class BertAttentionKernelTest {

    private static final BertConfig CONFIG = new BertConfig(50, 64, 2, 4, 128, 16, 2, 1e-12);
    private static final int B = 3;
    private static final int T = 10;

    /** Three rows: full, padded after 6 tokens, padded after 3; {@code padId} fills the padded positions. */
    private static NDList batch(NDManager m, long padId) {
        long[] ids = new long[B * T];
        long[] mask = new long[B * T];
        int[] lengths = {T, 6, 3};
        for (int r = 0; r < B; r++) {
            for (int i = 0; i < T; i++) {
                boolean token = i < lengths[r];
                ids[r * T + i] = token ? 1 + (r * 13 + i * 7) % 49 : padId;
                mask[r * T + i] = token ? 1 : 0;
            }
        }
        Shape s = new Shape(B, T);
        return new NDList(m.create(ids, s), m.create(mask, s));
    }

    private static BertModel model(NDManager m, float dropout) {
        m.getEngine().setRandomSeed(5);
        BertModel model = new BertModel(CONFIG, dropout);
        model.initialize(m);
        return model;
    }

    private static float[] infer(BertModel model, NDManager m, long padId) {
        try (NDManager step = m.newSubManager()) {
            return model.forward(new ParameterStore(step, false), batch(step, padId), false).singletonOrThrow().toFloatArray();
        }
    }

    @Test
    void autoIsTheDefaultAndFusedInferenceMatchesTheCompositeOps() {
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel model = model(m, 0.1f);
            assertEquals(AttentionKernel.AUTO, model.attentionKernel());
            assertEquals(AttentionKernel.FUSED, AttentionKernel.AUTO.resolve(false, 0.1f), "inference: the flash kernel");
            assertEquals(AttentionKernel.COMPOSITE, AttentionKernel.AUTO.resolve(true, 0.1f), "training with dropout");
            assertEquals(AttentionKernel.FUSED, AttentionKernel.AUTO.resolve(true, 0f), "training without dropout");
            assertEquals(AttentionKernel.FUSED_BF16, AttentionKernel.FUSED_BF16.resolve(true, 0.1f));
            model.setAttentionKernel(AttentionKernel.FUSED);
            float[] fused = infer(model, m, 0);
            model.setAttentionKernel(AttentionKernel.COMPOSITE);
            float[] composite = infer(model, m, 0);
            assertArrayEquals(composite, fused, 2e-5f);
            assertTrue(maxAbs(composite) > 0.5, "the hidden states are not trivially small");
        }
    }

    @Test
    void paddedPositionsDoNotReachTheTokens() {
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel model = model(m, 0f);
            float[] a = infer(model, m, 0);
            float[] b = infer(model, m, 42);
            int h = CONFIG.hiddenSize();
            int[] lengths = {T, 6, 3};
            boolean paddedDiffer = false;
            for (int r = 0; r < B; r++) {
                for (int i = 0; i < T; i++) {
                    for (int j = 0; j < h; j++) {
                        int at = (r * T + i) * h + j;
                        if (i < lengths[r]) {
                            assertEquals(a[at], b[at], 1e-5f, "row " + r + " token " + i + " saw a padded position");
                        } else {
                            paddedDiffer |= a[at] != b[at];
                        }
                    }
                }
            }
            assertTrue(paddedDiffer, "the padded positions' own outputs depend on their ids");
        }
    }

    @Test
    void gradientsMatchTheCompositeOps() {
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel model = model(m, 0f);
            NDArray weights = m.randomNormal(new Shape(B, T, CONFIG.hiddenSize()));
            model.setAttentionKernel(AttentionKernel.FUSED);
            Map<String, float[]> fused = gradients(model, m, weights);
            model.setAttentionKernel(AttentionKernel.COMPOSITE);
            Map<String, float[]> composite = gradients(model, m, weights);
            for (String name : composite.keySet()) {
                if (name.endsWith("attention.self.key.bias")) {
                    continue; // zero in exact arithmetic (softmax ignores a per-row constant): rounding noise only
                }
                float[] ref = composite.get(name);
                float tolerance = (float) (1e-4 * maxAbs(ref));
                assertTrue(maxAbs(ref) > 0, name + " has no gradient");
                assertArrayEquals(ref, fused.get(name), tolerance, name);
            }
            assertTrue(composite.containsKey("encoder.layer.0.attention.self.query.weight"));
        }
    }

    @Test
    void bf16AttentionIsCloseAndDifferentiable() {
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel model = model(m, 0f);
            NDArray weights = m.randomNormal(new Shape(B, T, CONFIG.hiddenSize()));
            model.setAttentionKernel(AttentionKernel.FUSED);
            Map<String, float[]> fp32 = gradients(model, m, weights);
            float[] out32 = infer(model, m, 0);
            model.setAttentionKernel(AttentionKernel.FUSED_BF16);
            Map<String, float[]> bf16 = gradients(model, m, weights);
            float[] out16 = infer(model, m, 0);
            double rel = Bf16Comparison.relative(out16, out32);
            assertTrue(rel > 0 && rel < 3e-2, "relative difference of the hidden states " + rel);
            for (String name : new String[] {"encoder.layer.0.attention.self.query.weight", "encoder.layer.1.attention.self.value.weight"}) {
                assertTrue(cosine(bf16.get(name), fp32.get(name)) > 0.98, name);
            }
        }
    }

    @Test
    void attentionDropoutIsRandomButSeeded() {
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel model = model(m, 0.3f);
            NDArray weights = m.randomNormal(new Shape(B, T, CONFIG.hiddenSize()));
            m.getEngine().setRandomSeed(9);
            float[] first = gradients(model, m, weights).get("encoder.layer.0.attention.self.query.weight");
            m.getEngine().setRandomSeed(9);
            float[] again = gradients(model, m, weights).get("encoder.layer.0.attention.self.query.weight");
            m.getEngine().setRandomSeed(10);
            float[] other = gradients(model, m, weights).get("encoder.layer.0.attention.self.query.weight");
            assertArrayEquals(first, again, 0f, "same seed, same dropout masks");
            assertFalse(java.util.Arrays.equals(first, other), "another seed draws other masks");
        }
    }

    /** The gradient of {@code sum(hidden · weights)} (training mode) for every parameter, which is then zeroed. */
    private static Map<String, float[]> gradients(BertModel model, NDManager base, NDArray weights) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager m = base.newSubManager()) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray hidden = model.forward(new ParameterStore(m, false), batch(m, 0), true).singletonOrThrow();
                gc.backward(hidden.mul(weights).sum());
            }
            for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                NDArray g = e.getValue().getArray().getGradient();
                out.put(e.getKey(), g.toFloatArray());
                g.subi(g);
            }
        }
        return out;
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * (double) b[i];
            na += a[i] * (double) a[i];
            nb += b[i] * (double) b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}

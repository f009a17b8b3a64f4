package dev.graft.model.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.graft.model.Precision;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The encoder in bf16: close to fp32, gradients on the float32 weights; fp32 unchanged by having been bf16. */
class BertPrecisionTest {

    private static final BertConfig CONFIG = Bf16Comparison.CONFIG;

    private static NDList batch(NDManager m) {
        return Bf16Comparison.batch(m);
    }

    private static BertModel model(NDManager m) {
        m.getEngine().setRandomSeed(3);
        BertModel model = new BertModel(CONFIG, 0f);
        model.initialize(m);
        return model;
    }

    private static NDArray forward(BertModel model, NDManager m) {
        return model.forward(new ParameterStore(m, false), batch(m), false).singletonOrThrow();
    }

    @Test
    void fp32IsTheDefaultAndBitIdenticalAfterABf16Pass() {
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel model = model(m);
            assertEquals(Precision.FP32, model.precision());
            float[] before = forward(model, m).toFloatArray();
            model.setPrecision(Precision.BF16);
            assertEquals(Precision.BF16, model.precision());
            float[] bf16 = forward(model, m).toFloatArray();
            model.setPrecision(Precision.FP32);
            assertArrayEquals(before, forward(model, m).toFloatArray(), 0f);
            double num = 0;
            double den = 0;
            for (int i = 0; i < before.length; i++) {
                num += (bf16[i] - before[i]) * (bf16[i] - before[i]);
                den += before[i] * before[i];
            }
            double rel = Math.sqrt(num / den);
            // LayerNorm outputs of unit scale: bf16's 8-bit mantissa gives errors of about 1%
            assertTrue(rel < 3e-2 && rel > 0, "relative difference of the hidden states " + rel);
        }
    }

    /**
     * Each kernel takes its own bf16 path: FUSED projections one by one around libtorch's float32 attention; AUTO
     * (here without dropout: the fused kernel in bf16), COMPOSITE and FUSED_BF16 one
     * {@link dev.graft.model.torch.BFloat16Ops#attention} call per layer.
     */
    @ParameterizedTest
    @EnumSource(AttentionKernel.class)
    void bf16GradientsReachEveryFloat32Weight(AttentionKernel kernel) {
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel model = model(m);
            NDArray weights = m.randomNormal(new Shape(2, 10, CONFIG.hiddenSize()));
            Map<String, float[]> fp32 = gradients(model, m, weights);
            model.setPrecision(Precision.BF16);
            model.setAttentionKernel(kernel);
            Map<String, float[]> bf16 = gradients(model, m, weights);
            for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                assertEquals(DataType.FLOAT32, e.getValue().getArray().getDataType(), e.getKey());
                if (e.getKey().endsWith("attention.self.key.bias")) {
                    continue; // zero gradient in exact arithmetic (softmax ignores it): only rounding noise
                }
                Bf16Comparison.assertSameDirection(e.getKey(), bf16.get(e.getKey()), fp32.get(e.getKey()));
            }
        }
    }

    /** The gradient of {@code sum(hidden · weights)} for every parameter, which is then zeroed. */
    private static Map<String, float[]> gradients(BertModel model, NDManager base, NDArray weights) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager m = base.newSubManager()) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray hidden = model.forward(new ParameterStore(m, false), batch(m), true).singletonOrThrow();
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
}

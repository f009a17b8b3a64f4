package dev.graft.model.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The fused op on raw tensors: heads split and joined inside, no mask, a mask, bad shapes. */
class ScaledDotProductAttentionTest {

    /** softmax(q·kᵀ/√d + mask)·v per head, written with DJL ops. */
    private static NDArray reference(NDArray q, NDArray k, NDArray v, NDArray mask, int heads) {
        Shape s = q.getShape();
        long b = s.get(0);
        long t = s.get(1);
        long d = s.get(2) / heads;
        NDArray q4 = q.reshape(b, t, heads, d).transpose(0, 2, 1, 3);
        NDArray k4 = k.reshape(b, t, heads, d).transpose(0, 2, 1, 3);
        NDArray v4 = v.reshape(b, t, heads, d).transpose(0, 2, 1, 3);
        NDArray scores = q4.matMul(k4.transpose(0, 1, 3, 2)).div((float) Math.sqrt(d));
        if (mask != null) {
            scores = scores.add(mask);
        }
        return scores.softmax(-1).matMul(v4).transpose(0, 2, 1, 3).reshape(b, t, heads * d);
    }

    @Test
    void equalsTheCompositeFormulaWithAndWithoutMask() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(2);
            NDArray q = m.randomNormal(new Shape(2, 5, 16));
            NDArray k = m.randomNormal(new Shape(2, 5, 16));
            NDArray v = m.randomNormal(new Shape(2, 5, 16));
            float[] noMask = ScaledDotProductAttention.FP32.apply(q, k, v, null, 4, 0f).toFloatArray();
            assertArrayEquals(reference(q, k, v, null, 4).toFloatArray(), noMask, 1e-5f);
            // second row: the last two positions are padding
            float[] mask = {0, 0, 0, 0, 0, 0, 0, 0, -Float.MAX_VALUE, -Float.MAX_VALUE};
            NDArray additive = m.create(mask, new Shape(2, 1, 1, 5));
            NDArray masked = ScaledDotProductAttention.FP32.apply(q, k, v, additive, 4, 0f);
            assertEquals(DataType.FLOAT32, masked.getDataType());
            assertEquals(new Shape(2, 5, 16), masked.getShape());
            assertArrayEquals(reference(q, k, v, additive, 4).toFloatArray(), masked.toFloatArray(), 1e-5f);
            float[] bf16 = ScaledDotProductAttention.BF16.apply(q, k, v, additive, 4, 0f).toFloatArray();
            float[] ref = masked.toFloatArray();
            double worst = 0;
            for (int i = 0; i < ref.length; i++) {
                worst = Math.max(worst, Math.abs(bf16[i] - ref[i]));
            }
            assertTrue(worst > 0 && worst < 5e-2, "bf16 attention differs from fp32 by " + worst);
        }
    }

    @Test
    void rejectsAHiddenSizeThatTheHeadsDoNotDivide() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = m.zeros(new Shape(1, 3, 10));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ScaledDotProductAttention.FP32.apply(q, q, q, null, 4, 0f));
            assertTrue(e.getMessage().contains("[B,T,H]") && e.getMessage().contains("4 heads"), e.getMessage());
        }
    }
}

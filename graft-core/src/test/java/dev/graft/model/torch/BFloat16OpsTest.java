package dev.graft.model.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/** bfloat16 products through Graft's TorchScript module: close to float32, differentiable, float32 in and out. */
class BFloat16OpsTest {

    /** Relative L2 distance ‖a − b‖ / ‖b‖. */
    private static float relative(NDArray a, NDArray b) {
        return a.sub(b).norm().getFloat() / b.norm().getFloat();
    }

    @Test
    void linearIsFloat32AndCloseToTheFloat32Product() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7);
            NDArray x = m.randomNormal(new Shape(3, 5, 64));
            NDArray w = m.randomNormal(0f, 0.05f, new Shape(32, 64), DataType.FLOAT32);
            NDArray b = m.randomNormal(0f, 0.05f, new Shape(32), DataType.FLOAT32);
            NDArray y = BFloat16Ops.linear(x, w, b);
            NDArray exact = Linear.linear(x, w, b).singletonOrThrow();
            assertEquals(DataType.FLOAT32, y.getDataType());
            assertEquals(new Shape(3, 5, 32), y.getShape());
            float rel = relative(y, exact);
            // bfloat16 keeps 8 significant bits: about 0.4% per rounded input, less after summing 64 products
            assertTrue(rel < 1e-2f, "relative error " + rel);
            assertTrue(rel > 0f, "the product should have run in bfloat16, not float32");
            assertTrue(y.getManager() == x.getManager() || y.getManager().getParentManager() == x.getManager()
                    || y.getManager() == m, "the result lives with the input");
        }
    }

    @Test
    void gradientsReachTheFloat32ParametersAndInput() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(11);
            NDArray x = m.randomNormal(new Shape(4, 6, 64));
            NDArray w = m.randomNormal(0f, 0.05f, new Shape(48, 64), DataType.FLOAT32);
            NDArray b = m.randomNormal(0f, 0.05f, new Shape(48), DataType.FLOAT32);
            NDArray target = m.randomNormal(new Shape(4, 6, 48));
            // names with dots are DJL's dict markers for TorchScript inputs; the op must not read them so
            x.setName("encoder.layer.0.input");
            w.setName("encoder.layer.0.attention.self.query.weight");
            List<NDArray> params = List.of(x, w, b);
            params.forEach(p -> p.setRequiresGradient(true));
            List<NDArray> bf16 = grads(params, () -> BFloat16Ops.linear(x, w, b).sub(target).square().mean());
            List<NDArray> fp32 = grads(params, () -> Linear.linear(x, w, b).singletonOrThrow().sub(target).square().mean());
            String[] names = {"x", "weight", "bias"};
            for (int i = 0; i < 3; i++) {
                NDArray g = bf16.get(i);
                assertEquals(DataType.FLOAT32, g.getDataType(), names[i]);
                assertEquals(params.get(i).getShape(), g.getShape(), names[i]);
                assertFalse(g.isNaN().any().getBoolean() || g.isInfinite().any().getBoolean(), names[i] + " gradient not finite");
                assertNotEquals(0f, g.abs().sum().getFloat(), names[i] + " gradient is zero");
                float rel = relative(g, fp32.get(i));
                assertTrue(rel < 2e-2f, names[i] + " gradient differs from float32's by " + rel);
            }
        }
    }

    @Test
    void feedForwardMatchesFloat32ToBfloat16PrecisionWithEveryGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(13);
            NDArray x = m.randomNormal(new Shape(4, 6, 64));
            NDArray w1 = m.randomNormal(0f, 0.05f, new Shape(128, 64), DataType.FLOAT32);
            NDArray b1 = m.randomNormal(0f, 0.05f, new Shape(128), DataType.FLOAT32);
            NDArray w2 = m.randomNormal(0f, 0.05f, new Shape(64, 128), DataType.FLOAT32);
            NDArray b2 = m.randomNormal(0f, 0.05f, new Shape(64), DataType.FLOAT32);
            NDArray target = m.randomNormal(new Shape(4, 6, 64));
            List<NDArray> params = List.of(x, w1, b1, w2, b2);
            params.forEach(p -> p.setRequiresGradient(true));
            NDArray y = BFloat16Ops.feedForward(x, w1, b1, w2, b2);
            NDArray exact = Linear.linear(dev.graft.model.bert.Gelu.exact(Linear.linear(x, w1, b1).singletonOrThrow()), w2, b2)
                    .singletonOrThrow();
            assertEquals(DataType.FLOAT32, y.getDataType());
            float out = relative(y, exact);
            assertTrue(out > 0f && out < 2e-2f, "output differs from float32's by " + out);
            List<NDArray> bf16 = grads(params, () -> BFloat16Ops.feedForward(x, w1, b1, w2, b2).sub(target).square().mean());
            List<NDArray> fp32 = grads(params, () -> Linear.linear(dev.graft.model.bert.Gelu.exact(
                    Linear.linear(x, w1, b1).singletonOrThrow()), w2, b2).singletonOrThrow().sub(target).square().mean());
            String[] names = {"x", "w1", "b1", "w2", "b2"};
            for (int i = 0; i < names.length; i++) {
                NDArray g = bf16.get(i);
                assertEquals(DataType.FLOAT32, g.getDataType(), names[i]);
                assertEquals(params.get(i).getShape(), g.getShape(), names[i]);
                float rel = relative(g, fp32.get(i));
                assertTrue(rel > 0f && rel < 3e-2f, names[i] + " gradient differs from float32's by " + rel);
            }
        }
    }

    /** The float32 reference of {@link BFloat16Ops#attention}: DJL ops one by one. */
    private static NDArray attentionReference(NDArray x, List<NDArray> p, NDArray mask, NDArray drop, int heads) {
        return attentionReference(x, p, mask, drop, heads, null, null);
    }

    /** The float32 reference with {@code tq} and {@code tv} (or null) added to the query and value projections. */
    private static NDArray attentionReference(NDArray x, List<NDArray> p, NDArray mask, NDArray drop, int heads,
                                              NDArray tq, NDArray tv) {
        NDArray[] terms = {tq, null, tv};
        Shape s = x.getShape();
        long b = s.get(0);
        long t = s.get(1);
        long h = s.get(2);
        NDArray[] qkv = new NDArray[3];
        for (int i = 0; i < 3; i++) {
            NDArray projected = Linear.linear(x, p.get(2 * i), p.get(2 * i + 1)).singletonOrThrow();
            qkv[i] = (terms[i] == null ? projected : projected.add(terms[i])).reshape(b, t, heads, h / heads)
                    .transpose(0, 2, 1, 3);
        }
        NDArray scores = qkv[0].matMul(qkv[1].transpose(0, 1, 3, 2)).div((float) Math.sqrt(h / heads)).add(mask);
        NDArray probs = scores.softmax(-1);
        if (drop != null) {
            probs = probs.mul(drop);
        }
        NDArray ctx = probs.matMul(qkv[2]).transpose(0, 2, 1, 3).reshape(b, t, h);
        return Linear.linear(ctx, p.get(6), p.get(7)).singletonOrThrow();
    }

    /** Weights and biases of the four projections of width {@code h}, in the order {@link BFloat16Ops#attention} takes them. */
    private static List<NDArray> projections(NDManager m, int h) {
        List<NDArray> w = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            w.add(m.randomNormal(0f, 0.1f, new Shape(h, h), DataType.FLOAT32));
            w.add(m.randomNormal(0f, 0.05f, new Shape(h), DataType.FLOAT32));
        }
        return w;
    }

    @Test
    void attentionMatchesFloat32ToBfloat16PrecisionWithEveryGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(17);
            int heads = 4;
            NDArray x = m.randomNormal(new Shape(3, 7, 64));
            List<NDArray> params = new ArrayList<>(List.of(x));
            params.addAll(projections(m, 64));
            // the last two tokens of the second sequence are padding
            float[] maskValues = new float[3 * 7];
            maskValues[7 + 5] = -10000f;
            maskValues[7 + 6] = -10000f;
            NDArray mask = m.create(maskValues, new Shape(3, 1, 1, 7));
            NDArray drop = CounterDropout.mask(m, new Shape(3, heads, 7, 7), 0.25f);
            NDArray target = m.randomNormal(new Shape(3, 7, 64));
            params.forEach(a -> a.setRequiresGradient(true));
            List<NDArray> w = params.subList(1, 9);
            java.util.function.Function<Boolean, NDArray> bf16 = flash -> BFloat16Ops.attention(x,
                    new BFloat16Ops.Projection(w.get(0), w.get(1)), new BFloat16Ops.Projection(w.get(2), w.get(3)),
                    new BFloat16Ops.Projection(w.get(4), w.get(5)), new BFloat16Ops.Projection(w.get(6), w.get(7)),
                    mask, flash ? null : drop, heads, flash, 0f);
            NDArray y = bf16.apply(false);
            NDArray exact = attentionReference(x, w, mask, drop, heads);
            assertEquals(DataType.FLOAT32, y.getDataType());
            assertEquals(new Shape(3, 7, 64), y.getShape());
            float out = relative(y, exact);
            assertTrue(out > 0f && out < 2e-2f, "output differs from float32's by " + out);
            float flashOut = relative(bf16.apply(true), attentionReference(x, w, mask, null, heads));
            assertTrue(flashOut > 0f && flashOut < 2e-2f, "fused attention differs from float32's by " + flashOut);
            for (boolean flash : new boolean[] {false, true}) {
                NDArray dropped = flash ? null : drop;
                List<NDArray> got = grads(params, () -> bf16.apply(flash).sub(target).square().mean());
                List<NDArray> want = grads(params, () -> attentionReference(x, w, mask, dropped, heads).sub(target).square().mean());
                String[] names = {"x", "wq", "bq", "wk", "bk", "wv", "bv", "wo", "bo"};
                for (int i = 0; i < names.length; i++) {
                    NDArray g = got.get(i);
                    assertEquals(DataType.FLOAT32, g.getDataType(), names[i]);
                    assertEquals(params.get(i).getShape(), g.getShape(), names[i]);
                    if (names[i].equals("bk")) {
                        // softmax ignores a shift shared by all keys, so the key bias's true gradient is 0: only rounding
                        float ratio = g.norm().getFloat() / got.get(2).norm().getFloat();
                        assertTrue(ratio < 1e-2f, "key bias gradient is " + ratio + " of the query bias's");
                        continue;
                    }
                    float rel = relative(g, want.get(i));
                    assertTrue(rel > 0f && rel < 4e-2f, names[i] + " gradient (flash " + flash + ") differs from float32's by " + rel);
                }
            }
        }
    }

    @Test
    void attentionAddsEachProjectionsTermInside() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(19);
            int heads = 2;
            NDArray x = m.randomNormal(new Shape(2, 5, 32));
            List<NDArray> w = projections(m, 32);
            NDArray tq = m.randomNormal(0f, 0.5f, new Shape(2, 5, 32), DataType.FLOAT32);
            NDArray tv = m.randomNormal(0f, 0.5f, new Shape(2, 5, 32), DataType.FLOAT32);
            NDArray mask = m.zeros(new Shape(2, 1, 1, 5));
            for (boolean flash : new boolean[] {false, true}) {
                NDArray y = BFloat16Ops.attention(x, new BFloat16Ops.Projection(w.get(0), w.get(1), tq),
                        new BFloat16Ops.Projection(w.get(2), w.get(3)), new BFloat16Ops.Projection(w.get(4), w.get(5), tv),
                        new BFloat16Ops.Projection(w.get(6), w.get(7)), mask, null, heads, flash, 0f);
                // the reference adds the terms to the biases' outputs: q = x·Wqᵀ + bq + tq
                NDArray exact = attentionReference(x, w, mask, null, heads, tq, tv);
                float rel = relative(y, exact);
                assertTrue(rel > 0f && rel < 2e-2f, "with terms (flash " + flash + ") the output differs by " + rel);
                float without = relative(attentionReference(x, w, mask, null, heads), exact);
                assertTrue(without > 10 * rel, "the terms must matter: " + without + " against " + rel);
            }
            NDArray badTerm = m.zeros(new Shape(2, 5, 32));
            assertThrows(IllegalArgumentException.class, () -> BFloat16Ops.attention(x,
                    new BFloat16Ops.Projection(w.get(0), w.get(1)), new BFloat16Ops.Projection(w.get(2), w.get(3)),
                    new BFloat16Ops.Projection(w.get(4), w.get(5)), new BFloat16Ops.Projection(w.get(6), w.get(7), badTerm),
                    mask, null, heads, false, 0f), "the output projection takes no term");
        }
    }

    private static List<NDArray> grads(List<NDArray> params, java.util.function.Supplier<NDArray> loss) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(loss.get());
        }
        List<NDArray> out = new ArrayList<>();
        for (NDArray p : params) {
            out.add(p.getGradient().duplicate());
            p.getGradient().subi(p.getGradient());
        }
        return out;
    }

    @Test
    void runsWithoutAutogradOutsideAGradientCollector() {
        try (NDManager m = NDManager.newBaseManager(); NDManager step = m.newSubManager()) {
            NDArray w = m.ones(new Shape(2, 3));
            w.setRequiresGradient(true);
            NDArray y = BFloat16Ops.linear(step.ones(new Shape(1, 3)), w, m.zeros(new Shape(2)));
            assertEquals(3f, y.getFloat(0, 0), 0f);
        }
    }

    @Test
    void archiveHasTorchJitSaveLayout() throws IOException {
        byte[] zip = TorchScriptArchive.write("M", "class M(Module):\n  training : bool\n");
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
                assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
            }
        }
        assertEquals(List.of("archive/data.pkl", "archive/code/__torch__.py", "archive/constants.pkl", "archive/version"), names);
    }
}

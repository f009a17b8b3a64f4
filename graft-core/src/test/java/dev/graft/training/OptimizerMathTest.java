package dev.graft.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.graft.model.torch.FreshGradients;
import dev.graft.training.optim.AdamW;
import dev.graft.training.optim.ParamGroup;
import dev.graft.training.optim.Sgd;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Graft's optimisers and clipping against the update rules of torch.optim, computed by hand. */
class OptimizerMathTest {

    /** A parameter w = [1, -2] whose gradient after {@link #backward} is 2·w·c for loss c·Σw². */
    private static Parameter parameter(NDManager m) {
        Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
        p.setArray(m.create(new float[] {1f, -2f}));
        p.getArray().setRequiresGradient(true);
        return p;
    }

    private static void backward(Parameter p, float c) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            FreshGradients.backward(dev.graft.model.Scalars.mul(p.getArray().square().sum(), c), List.of(p.getArray()));
        }
    }

    @Test
    void adamWMatchesTorchForThreeSteps() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = parameter(m);
            AdamW opt = AdamW.of(Map.of("w", p), List.of(new ParamGroup("g", List.of("w"), 1.0, 0.1)), m);
            double[] w = {1, -2};
            double[] mo = new double[2];
            double[] v = new double[2];
            double lr = 0.01;
            for (int t = 1; t <= 3; t++) {
                backward(p, 0.5f);
                opt.step(lr);
                for (int i = 0; i < 2; i++) {
                    double g = w[i]; // d(0.5 w²)/dw
                    w[i] *= 1 - lr * 0.1;
                    mo[i] = 0.9 * mo[i] + 0.1 * g;
                    v[i] = 0.999 * v[i] + 0.001 * g * g;
                    double mHat = mo[i] / (1 - Math.pow(0.9, t));
                    double vHat = v[i] / (1 - Math.pow(0.999, t));
                    w[i] -= lr * mHat / (Math.sqrt(vHat) + 1e-8);
                }
                float[] got = p.getArray().toFloatArray();
                assertEquals(w[0], got[0], 1e-6, "step " + t);
                assertEquals(w[1], got[1], 1e-6, "step " + t); // an accumulated gradient would be t times too large
            }
        }
    }

    /**
     * Second moments that are zero, denormal (squares of 1e-21 gradients) or normal: the unfused update equals, bit
     * for bit, the same ops with a plain square root.
     */
    @Test
    void adamWWithDenormalSecondMomentsIsBitIdenticalToThePlainFormula() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] start = {0.5f, -1.5f, 2f, 0.25f, -0.75f};
            float[] grad = {0f, 1e-21f, -3e-20f, 0.02f, -1.5f};
            Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
            p.setArray(m.create(start));
            p.getArray().setRequiresGradient(true);
            AdamW opt = new AdamW(Map.of("w", p), List.of(new ParamGroup("g", List.of("w"), 1.0, 0.01)), m,
                    0.9, 0.999, 1e-8, false);
            NDArray w = m.create(start);
            NDArray mo = m.zeros(w.getShape());
            NDArray v = m.zeros(w.getShape());
            double lr = 0.05;
            for (int t = 1; t <= 3; t++) {
                NDArray g = m.create(grad);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    FreshGradients.backward(p.getArray().mul(g).sum(), List.of(p.getArray())); // gradient = g
                }
                opt.step(lr);
                w.muli(1 - lr * 0.01);
                v.muli(0.999).addi(g.square().muli(1 - 0.999));
                mo.muli(0.9).addi(g.muli(1 - 0.9));
                NDArray denom = v.sqrt().divi(Math.sqrt(1 - Math.pow(0.999, t))).addi(1e-8);
                w.subi(mo.div(denom).muli(lr / (1 - Math.pow(0.9, t))));
                assertTrue(v.getFloat(1) > 0 && v.getFloat(1) < Float.MIN_NORMAL, "v holds a denormal: " + v.getFloat(1));
                org.junit.jupiter.api.Assertions.assertArrayEquals(w.toFloatArray(), p.getArray().toFloatArray(), 0f, "step " + t);
            }
        }
    }

    /**
     * libtorch's fused kernel against the per-parameter DJL ops on the same model, five steps: two groups with their
     * own rates and decay, a parameter unfrozen after two steps (its own bias correction), gradients of very different
     * scales (some squares denormal). They agree to float rounding, and the fused step leaves the gradients as they were.
     */
    @Test
    void fusedAdamWMatchesThePerParameterUpdate() {
        try (NDManager m = NDManager.newBaseManager()) {
            ai.djl.ndarray.NDArray[] start = {m.randomNormal(new Shape(64, 48)),
                    m.randomNormal(new Shape(48)), m.randomNormal(new Shape(3, 5, 7))};
            float[] gradScale = {1f, 1e-21f, 3f};
            Map<String, Parameter> fusedParams = new java.util.LinkedHashMap<>();
            Map<String, Parameter> plainParams = new java.util.LinkedHashMap<>();
            for (int i = 0; i < start.length; i++) {
                fusedParams.put("p" + i, copy("p" + i, start[i]));
                plainParams.put("p" + i, copy("p" + i, start[i]));
            }
            List<ParamGroup> groups = List.of(new ParamGroup("body", List.of("p0", "p1"), 0.3, 0.01),
                    new ParamGroup("head", List.of("p2"), 1.0, 0.0));
            AdamW fused = AdamW.of(fusedParams, groups, m);
            AdamW plain = new AdamW(plainParams, groups, m, 0.9, 0.999, 1e-8, false);
            fusedParams.get("p2").freeze(true);
            plainParams.get("p2").freeze(true);
            for (int t = 1; t <= 5; t++) {
                if (t == 3) {
                    fusedParams.get("p2").freeze(false);
                    plainParams.get("p2").freeze(false);
                }
                ai.djl.ndarray.NDArray[] g = new ai.djl.ndarray.NDArray[start.length];
                for (int i = 0; i < start.length; i++) {
                    g[i] = m.randomNormal(start[i].getShape()).muli(gradScale[i]);
                }
                for (Map<String, Parameter> params : List.of(fusedParams, plainParams)) {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        ai.djl.ndarray.NDArray loss = null;
                        for (int i = 0; i < start.length; i++) {
                            Parameter p = params.get("p" + i);
                            if (p.requiresGradient()) {
                                ai.djl.ndarray.NDArray term = p.getArray().mul(g[i]).sum();
                                loss = loss == null ? term : loss.add(term);
                            }
                        }
                        FreshGradients.backwardTrainable(loss, params.values());
                    }
                }
                fused.step(0.01);
                plain.step(0.01);
                for (int i = 0; i < start.length; i++) {
                    float[] a = fusedParams.get("p" + i).getArray().toFloatArray();
                    float[] b = plainParams.get("p" + i).getArray().toFloatArray();
                    float[] s = start[i].toFloatArray();
                    double moved = 0;
                    for (int k = 0; k < a.length; k++) {
                        assertEquals(b[k], a[k], 2e-6 * Math.max(1, Math.abs(b[k])), "p" + i + "[" + k + "], step " + t);
                        moved = Math.max(moved, Math.abs(a[k] - s[k]));
                    }
                    assertTrue(i == 2 && t < 3 ? moved == 0 : moved > 0, "p" + i + " moved " + moved + " by step " + t);
                    if (fusedParams.get("p" + i).requiresGradient()) {
                        org.junit.jupiter.api.Assertions.assertArrayEquals(g[i].toFloatArray(),
                                fusedParams.get("p" + i).getArray().getGradient().toFloatArray(), "the fused step only reads gradients");
                    }
                }
            }
        }
    }

    /** The fused kernel walks raw memory: given a non-contiguous array it changes nothing and says so. */
    @Test
    void fusedAdamWRefusesNonContiguousArrays() {
        try (NDManager m = NDManager.newBaseManager()) {
            ai.djl.ndarray.NDArray w = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
            ai.djl.ndarray.NDArray transposed = w.transpose();
            ai.djl.ndarray.NDArray g = m.ones(transposed.getShape());
            ai.djl.ndarray.NDArray mo = m.zeros(transposed.getShape());
            ai.djl.ndarray.NDArray v = m.zeros(transposed.getShape());
            assertTrue(!dev.graft.model.torch.FusedAdamW.step(List.of(new dev.graft.model.torch.FusedAdamW.Group(
                    List.of(transposed), List.of(g), List.of(mo), List.of(v), 1, 0.1, 0.0)), 0.9, 0.999, 1e-8));
            org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, w.toFloatArray());
            assertEquals(6f, g.sum().getFloat(), "the gradient is left as it was");
            ai.djl.ndarray.NDArray contiguous = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
            assertTrue(dev.graft.model.torch.FusedAdamW.step(List.of(new dev.graft.model.torch.FusedAdamW.Group(
                    List.of(contiguous), List.of(m.ones(contiguous.getShape())), List.of(m.zeros(contiguous.getShape())),
                    List.of(m.zeros(contiguous.getShape())), 1, 0.1, 0.0)), 0.9, 0.999, 1e-8));
            assertEquals(6 * 0.1, 21 - contiguous.sum().getFloat(), 1e-5, "first step: each weight moves by lr");
        }
    }

    private static Parameter copy(String name, ai.djl.ndarray.NDArray values) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        p.setArray(values.duplicate());
        p.getArray().setRequiresGradient(true);
        return p;
    }

    /**
     * A loop that back-propagates with DJL's collector, which adds to the gradients, zeroes them with the optimiser:
     * each step's gradient is that step's alone, and a NaN gradient is cleared.
     */
    @Test
    void zeroGradientsSupportsABackwardPassThatAccumulates() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = parameter(m);
            AdamW opt = AdamW.of(Map.of("w", p), List.of(new ParamGroup("g", List.of("w"), 1.0, 0.0)), m);
            for (int t = 1; t <= 2; t++) {
                opt.zeroGradients();
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(p.getArray().square().sum()); // gradient 2w
                }
                float[] w = p.getArray().toFloatArray();
                float[] g = p.getArray().getGradient().toFloatArray();
                assertEquals(2 * w[0], g[0], 1e-6, "step " + t);
                assertEquals(2 * w[1], g[1], 1e-6, "step " + t);
                opt.step(0.1);
            }
            p.getArray().getGradient().set(new ai.djl.ndarray.index.NDIndex("0"), Float.NaN);
            opt.zeroGradients();
            org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {0f, 0f}, p.getArray().getGradient().toFloatArray(),
                    "a NaN gradient is cleared");
        }
    }

    @Test
    void sgdMomentumMatchesTorch() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = parameter(m);
            Sgd opt = new Sgd(Map.of("w", p), List.of(new ParamGroup("g", List.of("w"), 1.0, 0.01)), m, 0.9, false);
            double[] w = {1, -2};
            double[] buf = new double[2];
            for (int t = 1; t <= 3; t++) {
                backward(p, 0.5f);
                opt.step(0.1);
                for (int i = 0; i < 2; i++) {
                    double d = w[i] + 0.01 * w[i];
                    buf[i] = t == 1 ? d : 0.9 * buf[i] + d;
                    w[i] -= 0.1 * buf[i];
                }
                float[] got = p.getArray().toFloatArray();
                assertEquals(w[0], got[0], 1e-6);
                assertEquals(w[1], got[1], 1e-6);
            }
        }
    }

    @Test
    void clippingScalesTheGlobalNormDownButNeverUp() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = parameter(m); // gradient 2w = [2, -4], norm √20
            backward(p, 1f);
            double before = GradientClipping.clip(List.of(p), 1.0);
            assertEquals(Math.sqrt(20), before, 1e-5);
            NDArray g = p.getArray().getGradient();
            assertEquals(1.0, Math.sqrt(g.square().sum().getFloat()), 1e-4);
            GradientClipping.clip(List.of(p), 10.0);
            assertEquals(1.0, Math.sqrt(p.getArray().getGradient().square().sum().getFloat()), 1e-4, "below the limit: unchanged");
        }
    }

    @Test
    void globalNormSpansEveryParameterAndReportsNonFiniteGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter a = parameter(m); // gradient [2, -4]
            Parameter b = parameter(m);
            backward(a, 1f);
            backward(b, 2f); // gradient [4, -8]
            assertEquals(Math.sqrt(20 + 80), GradientClipping.clip(List.of(a, b), 0), 1e-4);
            b.getArray().getGradient().set(new ai.djl.ndarray.index.NDIndex("0"), Float.NaN);
            assertTrue(Double.isNaN(GradientClipping.clip(List.of(a, b), 1.0)));
            assertEquals(-4f, a.getArray().getGradient().getFloat(1), "a non-finite norm scales nothing");
            b.getArray().getGradient().set(new ai.djl.ndarray.index.NDIndex("0"), Float.POSITIVE_INFINITY);
            assertEquals(Double.POSITIVE_INFINITY, GradientClipping.clip(List.of(a, b), 1.0));
            assertEquals(-4f, a.getArray().getGradient().getFloat(1), "an infinite norm scales nothing");
        }
    }

    @Test
    void globalNormOfMillionsOfGradientsStaysAccurate() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 4·10⁶ gradients of 0.1 each: per-array float32 norms (_foreach_norm) read 199.65 for the exact 200.00;
            // the norm must come within a relative 10⁻⁴ of it.
            Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
            p.setArray(m.zeros(new Shape(2000, 2000)));
            p.getArray().setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                FreshGradients.backward(p.getArray().mul(0.1f).sum(), List.of(p.getArray()));
            }
            double exact = Math.sqrt(4e6 * (double) 0.1f * (double) 0.1f);
            assertEquals(exact, GradientClipping.clip(List.of(p), 0), exact * 1e-4);
        }
    }

    @Test
    void schedulesHaveTheirDocumentedShape() {
        LrSchedule linear = LrSchedule.warmupLinear(0.1);
        assertEquals(0.1, linear.factor(0, 100), 1e-12);
        assertEquals(1.0, linear.factor(9, 100), 1e-12);
        assertEquals(0.5, linear.factor(55, 100), 1e-2);
        LrSchedule cycle = LrSchedule.oneCycle(0.25);
        assertEquals(1 / 25.0, cycle.factor(0, 100), 1e-9);
        assertEquals(1.0, cycle.factor(25, 100), 1e-9);
        assertEquals(1 / 25.0 / 1e4, cycle.factor(100, 100), 1e-9);
        LrSchedule cosine = LrSchedule.warmupCosine(0);
        assertEquals(0.5, cosine.factor(50, 100), 1e-9);
    }

    @Test
    void aScheduleIsOneValueThatNamesItself() {
        assertEquals(LrSchedule.oneCycle(0.25), LrSchedule.parse("one-cycle", 0), "one-cycle without a rise gets 25%");
        assertEquals("cosine", LrSchedule.parse("Cosine", 0.2).name());
        assertEquals(0.2, LrSchedule.parse("cosine", 0.2).warmup());
        assertEquals(LrSchedule.constant(), LrSchedule.parse("constant", 0.3), "a constant schedule ignores a warm-up");
        assertEquals(LrSchedule.warmupLinear(0.1), LrSchedule.oneCycle(0.25).overriding("linear", null),
                "another schedule by name gets the default warm-up, not one-cycle's rise");
        assertEquals(LrSchedule.oneCycle(0.4), LrSchedule.oneCycle(0.25).overriding(null, 0.4));
        assertEquals(LrSchedule.oneCycle(0.25), LrSchedule.oneCycle(0.25).overriding(null, null));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LrSchedule.parse("step", 0.1));
        assertTrue(e.getMessage().contains("onecycle, cosine, linear or constant"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmupLinear(1.0));
    }
}

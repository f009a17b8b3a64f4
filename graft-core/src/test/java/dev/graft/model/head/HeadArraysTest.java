package dev.graft.model.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.graft.data.LabelMap;
import dev.graft.task.ClassificationTask;
import dev.graft.task.MultiLabelTask;
import dev.graft.task.RegressionTask;
import dev.graft.task.Task;
import dev.graft.training.Learner;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The head in plain arrays computes what the DJL head computes on libtorch, then each task's activation on plain floats
 * what its NDArray activation computes: equal within 1e-6 on random heads (with and without the hidden GELU layer) and
 * feature rows of realistic and extreme size.
 */
class HeadArraysTest {

    private static float[][] features(int n, int dim, long seed, float scale) {
        Random r = new Random(seed);
        float[][] x = new float[n][dim];
        for (float[] row : x) {
            for (int j = 0; j < dim; j++) {
                row[j] = (float) (r.nextGaussian() * scale);
            }
        }
        return x;
    }

    private static float[][] djl(ClassifierHead head, float[][] x, Task task, NDManager m) {
        int dim = x[0].length;
        float[] flat = new float[x.length * dim];
        for (int i = 0; i < x.length; i++) {
            System.arraycopy(x[i], 0, flat, i * dim, dim);
        }
        try (NDManager step = m.newSubManager()) {
            NDArray out = head.forward(new ParameterStore(step, false), new ai.djl.ndarray.NDList(step.create(flat, new Shape(x.length, dim))),
                    false).singletonOrThrow();
            if (task != null) {
                out = task.activate(out);
            }
            float[] v = out.toFloatArray();
            int w = (int) (v.length / x.length);
            float[][] rows = new float[x.length][];
            for (int i = 0; i < x.length; i++) {
                rows[i] = java.util.Arrays.copyOfRange(v, i * w, (i + 1) * w);
            }
            return rows;
        }
    }

    /**
     * Checks logits and activated outputs within {@code tolerance} relative to max(1, |value|): the two differ only by
     * libtorch's float summation (the arrays sum in double), a few units in the last place.
     */
    private static void check(HeadConfig config, Task task, float scale, float tolerance) {
        check(config, task, scale, tolerance, 1);
    }

    /** {@code outputScale}: what the activation multiplies raw outputs by (a regression target's std), and their error. */
    private static void check(HeadConfig config, Task task, float scale, float tolerance, double outputScale) {
        Learner.seed(config.hashCode());
        try (NDManager m = NDManager.newBaseManager()) {
            ClassifierHead head = new ClassifierHead(config);
            head.initialize(m);
            HeadArrays arrays = HeadArrays.of(head);
            float[][] x = features(64, config.inputDim(), 7, scale);
            float[][] logits = arrays.logits(x);
            float[][] expectedLogits = djl(head, x, null, m);
            float[][] expected = djl(head, x, task, m);
            for (int i = 0; i < x.length; i++) {
                float[] activated = task.activate(logits[i]);
                for (int j = 0; j < logits[i].length; j++) {
                    assertEquals(expectedLogits[i][j], logits[i][j], tolerance * Math.max(1, Math.abs(expectedLogits[i][j])),
                            "logit " + j + " of row " + i);
                    assertEquals(expected[i][j], activated[j], tolerance * outputScale * Math.max(1, Math.abs(expectedLogits[i][j])),
                            "output " + j + " of row " + i);
                }
            }
            // the block rebuilt from the arrays is the same head
            assertArrayEquals(expectedLogits[3], djl(arrays.toBlock(m), x, null, m)[3], 0f);
        }
    }

    @Test
    void softmaxHeadsWithAndWithoutHiddenLayerMatchLibtorch() {
        Task classes = ClassificationTask.of(LabelMap.of(List.of("a", "b", "c", "d")));
        check(new HeadConfig(384, 4, 0, 0.1), classes, 0.1f, 1e-6f);
        check(new HeadConfig(384, 4, 64, 0.1), classes, 0.1f, 1e-6f);
        // large inputs (GELU far into both tails, logits of 768-term float sums): libtorch's float rounding shows
        check(new HeadConfig(768, 4, 256, 0.0), classes, 1.5f, 5e-6f);
    }

    @Test
    void multiLabelAndRegressionActivationsMatchLibtorch() {
        check(new HeadConfig(384, 7, 32, 0.1), new MultiLabelTask(List.of("a", "b", "c", "d", "e", "f", "g"), null, null), 0.5f,
                1e-6f);
        check(new HeadConfig(384, 1, 0, 0.1), new RegressionTask("score", 2.7, 1.49, 1.0), 0.3f, 1e-6f, 1.49);
        // CNN-width inputs, and a target scale of 1234.5 that multiplies the raw output's float rounding too
        check(new HeadConfig(1280, 1, 16, 0.1), new RegressionTask("score", -40, 1234.5, 1.0), 0.5f, 1e-6f, 1234.5);
    }

    @Test
    void erfIsAccurateAcrossItsRange() {
        // reference values (Abramowitz and Stegun, table 7.1, and erf(x) = 1 - erfc(x) for the tail)
        assertEquals(0.0, HeadArrays.erf(0), 0);
        assertEquals(0.1124629160182849, HeadArrays.erf(0.1), 1e-15);
        assertEquals(0.8427007929497149, HeadArrays.erf(1), 1e-14);
        assertEquals(-0.9953222650189527, HeadArrays.erf(-2), 1e-14);
        assertEquals(0.9999779095030014, HeadArrays.erf(3), 1e-14);
        assertEquals(1 - 1.541725790028002e-8, HeadArrays.erf(4), 1e-15);
        assertEquals(1.0, HeadArrays.erf(9), 0);
        assertTrue(Double.isNaN(HeadArrays.erf(Double.NaN)));
    }

    @Test
    void missingOrMisshapedTensorsAreNamed() {
        HeadConfig config = new HeadConfig(4, 2, 0, 0.1);
        Map<String, float[]> t = new HashMap<>();
        t.put("out_proj.weight", new float[8]);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> HeadArrays.of(config, t));
        assertTrue(missing.getMessage().contains("out_proj.bias") && missing.getMessage().contains("missing"), missing.getMessage());
        t.put("out_proj.bias", new float[3]);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> HeadArrays.of(config, t));
        assertTrue(shape.getMessage().contains("out_proj.bias") && shape.getMessage().contains("[2]"), shape.getMessage());
        t.put("out_proj.bias", new float[2]);
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> HeadArrays.of(config, t).logits(new float[][] {new float[5]}));
        assertTrue(width.getMessage().contains("5 values") && width.getMessage().contains("4"), width.getMessage());
    }
}

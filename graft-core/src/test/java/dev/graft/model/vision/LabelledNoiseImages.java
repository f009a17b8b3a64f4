package dev.graft.model.vision;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.training.BatchSource;
import java.util.Random;

/** Training data for CNN tests: {@code [3, hw, hw]} Gaussian noise shifted by the label (0 or 1), so it is learnable. */
final class LabelledNoiseImages {

    private LabelledNoiseImages() {
    }

    /** {@code count} images of side {@code hw}, labels alternating 0, 1, ...; the same seed gives the same pixels. */
    static BatchSource of(int count, int hw, long seed) {
        Random r = new Random(seed);
        int size = 3 * hw * hw;
        float[][] x = new float[count][size];
        int[] y = new int[count];
        for (int i = 0; i < count; i++) {
            y[i] = i % 2;
            for (int j = 0; j < size; j++) {
                x[i][j] = (float) r.nextGaussian() + y[i];
            }
        }
        return new BatchSource() {
            @Override
            public int size() {
                return count;
            }

            @Override
            public int[] labels() {
                return y.clone();
            }

            @Override
            public NDList inputs(NDManager manager, int[] indices) {
                float[] flat = new float[indices.length * size];
                for (int i = 0; i < indices.length; i++) {
                    System.arraycopy(x[indices[i]], 0, flat, i * size, size);
                }
                return new NDList(manager.create(flat, new Shape(indices.length, 3, hw, hw)));
            }
        };
    }
}

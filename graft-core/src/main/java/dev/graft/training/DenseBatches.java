package dev.graft.training;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Fixed-width feature vectors (e.g. cached embeddings) with their labels. */
public final class DenseBatches implements BatchSource {

    private final float[][] features;
    private final int[] labels;
    private final int width;

    /** Features and labels must have the same length; all vectors the same width. */
    public DenseBatches(float[][] features, int[] labels) {
        if (features.length != labels.length) {
            throw new IllegalArgumentException(features.length + " feature vectors but " + labels.length + " labels");
        }
        this.features = features;
        this.labels = labels.clone();
        this.width = features.length == 0 ? 0 : features[0].length;
        for (float[] f : features) {
            if (f.length != width) {
                throw new IllegalArgumentException("feature vectors differ in width: " + width + " vs " + f.length);
            }
        }
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int[] labels() {
        return labels.clone();
    }

    @Override
    public NDList inputs(NDManager manager, int[] indices) {
        float[] flat = new float[indices.length * width];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(features[indices[i]], 0, flat, i * width, width);
        }
        return new NDList(manager.create(flat, new Shape(indices.length, width)));
    }
}

package dev.graft.training;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.task.Targets;

/** Fixed-width feature vectors (e.g. cached embeddings) with their targets. */
public final class DenseBatches implements BatchSource {

    private final float[][] features;
    private final Targets targets;
    private final int width;

    /** Features and class labels must have the same length; all vectors the same width. */
    public DenseBatches(float[][] features, int[] labels) {
        this(features, new Targets.Classes(labels.clone()));
    }

    /** Features and targets (of any task) must have the same length; all vectors the same width. */
    public DenseBatches(float[][] features, Targets targets) {
        if (features.length != targets.size()) {
            throw new IllegalArgumentException(features.length + " feature vectors but " + targets.size() + " targets");
        }
        this.features = features;
        this.targets = targets;
        this.width = features.length == 0 ? 0 : features[0].length;
        for (float[] f : features) {
            if (f.length != width) {
                throw new IllegalArgumentException("feature vectors differ in width: " + width + " vs " + f.length);
            }
        }
    }

    @Override
    public int size() {
        return targets.size();
    }

    @Override
    public int[] labels() {
        if (targets instanceof Targets.Classes c) {
            return c.classes().clone();
        }
        throw new IllegalStateException("these examples have " + targets.getClass().getSimpleName() + " targets, not classes");
    }

    @Override
    public Targets targets() {
        return targets;
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

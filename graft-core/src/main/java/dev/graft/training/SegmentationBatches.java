package dev.graft.training;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.data.image.masks.CropSampler;
import dev.graft.data.image.masks.LabelMask;
import dev.graft.data.image.masks.SegmentationSamples;
import dev.graft.task.Targets;
import java.util.List;
import java.util.Random;

/**
 * Images and masks as batches ({@code [B, 3, H, W]} normalised as {@code preprocessing} says, targets
 * {@link Targets.Masks}); every image of a batch must have one size (training crops do). Over a {@link CropSampler}
 * each epoch draws new crops: the epoch's random source salts them.
 */
public final class SegmentationBatches implements BatchSource {

    private final SegmentationSamples samples;
    private final PreprocessorConfig preprocessing;

    /** Batches of {@code samples}, normalised with {@code preprocessing} (its mean, std and rescale factor; no resizing). */
    public SegmentationBatches(SegmentationSamples samples, PreprocessorConfig preprocessing) {
        this.samples = samples;
        this.preprocessing = preprocessing;
    }

    @Override
    public int size() {
        return samples.size();
    }

    /** Refused: a segmentation example has a class per pixel, not one class. */
    @Override
    public int[] labels() {
        throw new IllegalStateException("segmentation examples have a mask, not one class; read targets()");
    }

    @Override
    public Targets targets() {
        return new Targets.Masks(samples);
    }

    @Override
    public NDList inputs(NDManager manager, int[] indices) {
        LabelMask first = samples.mask(indices[0]);
        int n = 3 * first.width() * first.height();
        float[] x = new float[indices.length * n];
        for (int b = 0; b < indices.length; b++) {
            float[] p = SegmentationSamples.normalise(samples.pixels(indices[b]).clone(), preprocessing);
            if (p.length != n) {
                throw new IllegalArgumentException("a batch of images must share one size; use batch size 1 for images of different sizes");
            }
            System.arraycopy(p, 0, x, b * n, n);
        }
        return new NDList(manager.create(x, new Shape(indices.length, 3, first.height(), first.width())));
    }

    @Override
    public List<int[]> epochBatches(int batchSize, Random rng) {
        if (samples instanceof CropSampler crops) {
            crops.reseed(rng.nextLong());
        }
        return BatchSource.super.epochBatches(batchSize, rng);
    }
}

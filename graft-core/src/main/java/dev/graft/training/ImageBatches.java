package dev.graft.training;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.data.image.ImageDecoder;
import dev.graft.data.image.ImageExample;
import dev.graft.data.image.ImagePipeline;
import dev.graft.task.Targets;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Images read from disk in batches: decoded and preprocessed (augmented for training) on a small
 * thread pool that works ahead of the training loop by {@code prefetch} batches, so decoding
 * overlaps the model's compute. Each example's augmentation draws from its own generator seeded by
 * (seed, epoch, example index), so results do not depend on thread timing or the number of workers.
 */
public final class ImageBatches implements BatchSource, AutoCloseable {

    private final List<ImageExample> examples;
    private final Targets targets;
    private final ImagePipeline pipeline;
    private final boolean augment;
    private final long seed;
    private final int prefetch;
    private final ExecutorService pool;
    private final int h;
    private final int w;
    private Map<int[], Integer> positions = new IdentityHashMap<>();
    private List<int[]> plan = List.of();
    private long epochKey;
    private final Map<Integer, Future<float[]>> pending = new HashMap<>();

    /**
     * Images with class labels.
     *
     * @param examples the images
     * @param labels   class index of each image
     * @param pipeline preprocessing and augmentation
     * @param augment  apply training augmentation (else evaluation preprocessing)
     * @param seed     run seed for augmentation
     * @param workers  decoding threads (≥ 1)
     * @param prefetch batches decoded ahead of the one being consumed
     */
    public ImageBatches(List<ImageExample> examples, int[] labels, ImagePipeline pipeline, boolean augment, long seed,
                        int workers, int prefetch) {
        this(examples, new Targets.Classes(labels.clone()), pipeline, augment, seed, workers, prefetch);
    }

    /**
     * Images with the targets of any task (classes, label sets, numbers); the other parameters as for
     * {@link #ImageBatches(List, int[], ImagePipeline, boolean, long, int, int)}.
     */
    public ImageBatches(List<ImageExample> examples, Targets targets, ImagePipeline pipeline, boolean augment, long seed,
                        int workers, int prefetch) {
        if (examples.size() != targets.size()) {
            throw new IllegalArgumentException(examples.size() + " images but " + targets.size() + " targets");
        }
        this.examples = List.copyOf(examples);
        this.targets = targets;
        this.pipeline = pipeline;
        this.augment = augment;
        this.seed = seed;
        this.prefetch = Math.max(0, prefetch);
        this.pool = Executors.newFixedThreadPool(Math.max(1, workers), r -> {
            Thread t = new Thread(r, "graft-image-loader");
            t.setDaemon(true);
            return t;
        });
        this.h = pipeline.config().outputHeight();
        this.w = pipeline.config().outputWidth();
    }

    @Override
    public int size() {
        return examples.size();
    }

    @Override
    public int[] labels() {
        if (targets instanceof Targets.Classes c) {
            return c.classes().clone();
        }
        throw new IllegalStateException("these images have " + targets.getClass().getSimpleName() + " targets, not classes");
    }

    @Override
    public Targets targets() {
        return targets;
    }

    @Override
    public synchronized List<int[]> epochBatches(int batchSize, Random rng) {
        List<int[]> batches = BatchSource.super.epochBatches(batchSize, rng);
        setPlan(batches, rng.nextLong());
        return batches;
    }

    @Override
    public synchronized List<int[]> inferenceBatches(int batchSize) {
        List<int[]> batches = BatchSource.super.inferenceBatches(batchSize);
        setPlan(batches, 0);
        return batches;
    }

    private void setPlan(List<int[]> batches, long key) {
        pending.values().forEach(f -> f.cancel(true));
        pending.clear();
        plan = batches;
        positions = new IdentityHashMap<>();
        for (int i = 0; i < batches.size(); i++) {
            positions.put(batches.get(i), i);
        }
        epochKey = key;
    }

    @Override
    public NDList inputs(NDManager manager, int[] indices) {
        float[] data = take(indices);
        return new NDList(manager.create(data, new Shape(indices.length, 3, h, w)));
    }

    /** The preprocessed batch as one flat array {@code [B·3·H·W]}. */
    public float[] take(int[] indices) {
        Future<float[]> f;
        synchronized (this) {
            Integer pos = positions.get(indices);
            if (pos == null) {
                f = null;
            } else {
                for (int p = pos; p <= Math.min(plan.size() - 1, pos + prefetch); p++) {
                    int[] b = plan.get(p);
                    long key = epochKey;
                    pending.computeIfAbsent(p, k -> pool.submit(() -> compute(b, key)));
                }
                f = pending.remove(pos);
            }
        }
        if (f == null) {
            return compute(indices, epochKey);
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading images", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err; // e.g. out of memory: the learner reports it as such, not as a failed batch
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private float[] compute(int[] indices, long key) {
        int n = 3 * h * w;
        float[] out = new float[indices.length * n];
        for (int i = 0; i < indices.length; i++) {
            int idx = indices[i];
            var img = ImageDecoder.decode(examples.get(idx).file());
            float[] v = augment ? pipeline.train(img, exampleRandom(seed, key, idx)) : pipeline.evaluate(img);
            System.arraycopy(v, 0, out, i * n, n);
        }
        return out;
    }

    /** The generator of one example's augmentation in one epoch. */
    static SplittableRandom exampleRandom(long seed, long epochKey, int index) {
        long s = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epochKey).split().nextLong() ^ (index * 0xBF58476D1CE4E5B9L);
        return new SplittableRandom(s);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}

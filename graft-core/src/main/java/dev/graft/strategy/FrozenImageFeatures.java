package dev.graft.strategy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.graft.data.image.Augmentation;
import dev.graft.data.image.ImagePipeline;
import dev.graft.model.vision.VisionBackbone;
import dev.graft.model.vision.VisionBackbones;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Frozen pooled features of a pretrained image backbone, the extractor behind {@link ImageTransfer#frozenFeatures}:
 * ONNX Runtime when the backbone has an ONNX file for this input size ({@link ImageBackbone#onnxFeatures}), else the DJL module in inference mode; either is
 * opened on first use. Inputs are images already preprocessed by {@link #pipeline()} (evaluation preprocessing, no
 * augmentation). Thread-safe: ONNX Runtime sessions run concurrently, the DJL module one batch at a time.
 */
public final class FrozenImageFeatures implements AutoCloseable {

    private final ImageBackbone spec;
    private final ImagePipeline pipeline;
    private final boolean useOnnx;
    private final ImageTransfer.LazyOnnx ort;
    private NDManager manager;
    private VisionBackbone djl;

    private FrozenImageFeatures(ImageBackbone spec, int threads) {
        this.spec = spec;
        this.pipeline = new ImagePipeline(spec.preprocessing(), Augmentation.none());
        Optional<Path> onnx = spec.onnxFeatures();
        this.useOnnx = onnx.isPresent();
        this.ort = new ImageTransfer.LazyOnnx(onnx.orElse(spec.directory().resolve(VisionBackbones.ONNX)), threads);
    }

    /** The extractor of {@code spec}, with {@code threads} ONNX Runtime intra-op threads; nothing is loaded yet. */
    public static FrozenImageFeatures open(ImageBackbone spec, int threads) {
        return new FrozenImageFeatures(spec, threads);
    }

    /** The backbone. */
    public ImageBackbone backbone() {
        return spec;
    }

    /** The preprocessing that turns a decoded image into this extractor's input (no augmentation). */
    public ImagePipeline pipeline() {
        return pipeline;
    }

    /** Whether features come from ONNX Runtime (else from the DJL module). */
    public boolean usesOnnxRuntime() {
        return useOnnx;
    }

    /** Pooled features of {@code n} preprocessed images given flat ({@code n · 3·H·W} floats, as {@link #pipeline()} makes them). */
    public float[][] features(float[] flat, int n) {
        int h = pipeline.config().outputHeight();
        int w = pipeline.config().outputWidth();
        if (flat.length != n * pipeline.outputSize()) {
            throw new IllegalArgumentException("expected " + n + " images of " + pipeline.outputSize() + " values, got " + flat.length);
        }
        if (useOnnx) {
            return ort.get().features(flat, n, h, w);
        }
        synchronized (this) {
            if (djl == null) {
                manager = NDManager.newBaseManager(Device.cpu());
                djl = spec.load(manager);
            }
            return ImageTransfer.djlFeatures(djl, flat, n, h, w, manager);
        }
    }

    @Override
    public synchronized void close() {
        ort.close();
        if (manager != null) {
            manager.close();
            manager = null;
            djl = null;
        }
    }
}

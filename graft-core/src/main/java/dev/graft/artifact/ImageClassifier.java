package dev.graft.artifact;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.data.LabelMap;
import dev.graft.data.image.Augmentation;
import dev.graft.data.image.ImageDecoder;
import dev.graft.data.image.ImagePipeline;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.vision.VisionBackbone;
import dev.graft.model.vision.VisionBackbones;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.io.AtomicFiles;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.training.DenseBatches;
import dev.graft.training.Inference;
import dev.graft.util.FileChecksums;
import dev.graft.util.Hashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A trained image classifier: a CNN backbone (frozen or fine-tuned), a trained head, the label map
 * and the preprocessing the backbone expects. Saved as a self-contained model directory
 * ({@code graft-model.json} with task {@code image-classification}, {@code backbone/} with
 * {@code backbone.json} and {@code model.safetensors}, {@code preprocessor_config.json},
 * {@code head.safetensors}, provenance and metrics), written atomically through {@link ModelDirectory}.
 */
public final class ImageClassifier implements AutoCloseable {

    /** The manifest task of image models. */
    public static final String TASK = "image-classification";
    private static final String BACKBONE_DIR = "backbone";
    private static final int BATCH = 32;
    /** {@code backbone/backbone.json} field: SHA-256 of {@code backbone/model.onnx}, which computes frozen features. */
    private static final String ONNX_SHA256_FIELD = "onnx_sha256";

    private final VisionBackbone backbone;
    private final ClassifierHead head;
    private final LabelMap labels;
    private final PreprocessorConfig preprocessing;
    private final String strategy;
    private final Map<String, String> backboneInfo;
    private final NDManager manager;
    private Path onnxFeatures;
    private dev.graft.model.vision.OnnxFeatureExtractor ort;

    /**
     * Wraps the parts; the classifier takes ownership of {@code manager} (which holds backbone and head).
     *
     * @param backboneInfo {@code id}, {@code license}, {@code source} of the pretrained backbone
     */
    public ImageClassifier(VisionBackbone backbone, ClassifierHead head, LabelMap labels, PreprocessorConfig preprocessing,
                           String strategy, Map<String, String> backboneInfo, NDManager manager) {
        if (head.config().numClasses() != labels.size()) {
            throw new IllegalArgumentException("head has " + head.config().numClasses() + " outputs but there are "
                    + labels.size() + " labels");
        }
        this.backbone = backbone;
        this.head = head;
        this.labels = labels;
        this.preprocessing = preprocessing;
        this.strategy = strategy;
        this.backboneInfo = Map.copyOf(backboneInfo);
        this.manager = manager;
    }

    /**
     * Computes features with ONNX Runtime from this file (the unchanged pretrained backbone of a
     * feature-extraction model), which is also saved with the model; {@code null} keeps the DJL module.
     */
    public ImageClassifier withOnnxFeatures(Path onnx) {
        this.onnxFeatures = onnx;
        return this;
    }

    /** Whether {@code dir} holds an image model (its manifest's task is image classification). */
    public static boolean isImageModel(Path dir) {
        Path m = dir.resolve(ModelDirectory.MANIFEST);
        try {
            return Files.isRegularFile(m) && TASK.equals(dev.graft.model.ModelFileLimits.readJson(m, Json.MAPPER).path("task").asText());
        } catch (IOException e) {
            return false;
        }
    }

    /** Class probabilities of each image file, in label order. */
    public float[][] probabilities(List<Path> images) {
        return probabilitiesOfFeatures(features(images));
    }

    /** Predictions for image files. */
    public List<Prediction> predict(List<Path> images) {
        List<Prediction> out = new ArrayList<>();
        for (float[] p : probabilities(images)) {
            int k = Inference.argmax(p);
            out.add(new Prediction(labels.label(k), p[k], p));
        }
        return out;
    }

    /** Backbone features of image files (evaluation preprocessing, inference mode). */
    public float[][] features(List<Path> images) {
        ImagePipeline pipeline = pipeline();
        int n = pipeline.outputSize();
        float[][] out = new float[images.size()][];
        for (int s = 0; s < images.size(); s += BATCH) {
            int e = Math.min(images.size(), s + BATCH);
            float[] flat = new float[(e - s) * n];
            for (int i = s; i < e; i++) {
                System.arraycopy(pipeline.evaluate(ImageDecoder.decode(images.get(i))), 0, flat, (i - s) * n, n);
            }
            System.arraycopy(featuresOfPixels(flat, e - s), 0, out, s, e - s);
        }
        return out;
    }

    /** The evaluation preprocessing of this model (no augmentation): decoded image to backbone input. */
    public ImagePipeline pipeline() {
        return new ImagePipeline(preprocessing, Augmentation.none());
    }

    /**
     * Backbone features of {@code n} images already preprocessed by {@link #pipeline()}, given flat
     * ({@code n · 3·H·W} floats): ONNX Runtime when the model carries its frozen backbone's ONNX file, else the DJL
     * module in inference mode.
     */
    public float[][] featuresOfPixels(float[] flat, int n) {
        int h = preprocessing.outputHeight();
        int w = preprocessing.outputWidth();
        if (onnxFeatures != null) {
            return ort().features(flat, n, h, w);
        }
        try (NDManager step = manager.newSubManager()) {
            NDArray f = backbone.features(new ParameterStore(step, false), step.create(flat, new Shape(n, 3, h, w)), false);
            float[] v = f.toFloatArray();
            int d = backbone.featureDim();
            float[][] out = new float[n][];
            for (int i = 0; i < n; i++) {
                out[i] = Arrays.copyOfRange(v, i * d, (i + 1) * d);
            }
            return out;
        }
    }

    /** The ONNX file the frozen features come from, or {@code null} when the DJL module computes them. */
    public Path onnxFeatures() {
        return onnxFeatures;
    }

    private synchronized dev.graft.model.vision.OnnxFeatureExtractor ort() {
        if (ort == null) {
            try {
                ort = dev.graft.model.vision.OnnxFeatureExtractor.open(onnxFeatures, Math.min(2, Runtime.getRuntime().availableProcessors()));
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }
        return ort;
    }

    /** Class probabilities from backbone features. */
    public float[][] probabilitiesOfFeatures(float[][] features) {
        return Inference.probabilities(head, new DenseBatches(features, new int[features.length]), 256, manager);
    }

    /** The backbone. */
    public VisionBackbone backbone() {
        return backbone;
    }

    /** The head. */
    public ClassifierHead head() {
        return head;
    }

    /** Class labels. */
    public LabelMap labels() {
        return labels;
    }

    /** The preprocessing. */
    public PreprocessorConfig preprocessing() {
        return preprocessing;
    }

    /** How it was trained. */
    public String strategy() {
        return strategy;
    }

    /** Saves atomically; {@code extras} may add files (a report) to the staging directory. */
    public boolean save(Path dir, Provenance provenance, Map<String, Object> metrics, ModelDirectory.Writer extras) throws IOException {
        return ModelDirectory.write(dir, staging -> {
            extras.write(staging);
            Path bb = Files.createDirectory(staging.resolve(BACKBONE_DIR));
            Map<String, String> info = new java.util.LinkedHashMap<>();
            info.put("id", backboneInfo.getOrDefault("id", backbone.architecture()));
            info.put("license", backboneInfo.getOrDefault("license", "unknown"));
            if (onnxFeatures != null) { // the features' ONNX file is part of the model: its checksum is recorded too
                info.put(ONNX_SHA256_FIELD, Hashes.copy(onnxFeatures, bb.resolve(VisionBackbones.ONNX)));
            }
            String sha = VisionBackbones.save(backbone, bb, info);
            AtomicFiles.writeString(staging.resolve(PreprocessorConfig.FILE), preprocessing.toJson());
            List<TensorData> weights = new ArrayList<>();
            for (Map.Entry<String, Parameter> e : head.namedParameters().entrySet()) {
                weights.add(new TensorData(e.getKey(), e.getValue().getArray().getShape().getShape(), e.getValue().getArray().toFloatArray()));
            }
            SafeTensors.write(staging.resolve(TextClassifier.HEAD_FILE), weights,
                    HeadLabels.metadata(labels));
            AtomicFiles.writeString(staging.resolve(TextClassifier.PROVENANCE_FILE), Json.MAPPER.writeValueAsString(provenance));
            AtomicFiles.writeString(staging.resolve(TextClassifier.METRICS_FILE), Json.MAPPER.writeValueAsString(metrics));
            HeadConfig hc = head.config();
            ModelManifest manifest = new ModelManifest(ModelManifest.FORMAT, ModelManifest.FORMAT_VERSION, TASK, strategy,
                    new ModelManifest.Backbone(backboneInfo.getOrDefault("id", backbone.architecture()), sha, 0, "avg",
                            backboneInfo.getOrDefault("license", "unknown"), BACKBONE_DIR),
                    new ModelManifest.Head(hc.inputDim(), hc.numClasses(), hc.hiddenUnits(), hc.dropout(), TextClassifier.HEAD_FILE),
                    labels.labels());
            AtomicFiles.writeString(staging.resolve(ModelDirectory.MANIFEST), Json.MAPPER.writeValueAsString(manifest));
        });
    }

    /** Loads a directory written by {@link #save}; backbone checksum and head tensors are verified. */
    public static ImageClassifier load(Path dir) {
        Path manifestFile = dir.resolve(ModelDirectory.MANIFEST);
        if (!isImageModel(dir)) {
            throw new IllegalArgumentException(dir + " is not a Graft image model (no " + ModelDirectory.MANIFEST
                    + " with task " + TASK + "). Pass the --out directory of `graft train` on image data.");
        }
        try {
            ModelManifest m = Json.read(manifestFile, ModelManifest.class).checked(manifestFile);
            Path bb = ModelDirectory.resolveInside(dir, m.backbone().directory());
            String actual = FileChecksums.sha256(bb.resolve(VisionBackbones.SAFETENSORS));
            if (!actual.equals(m.backbone().sha256())) {
                throw new IllegalArgumentException("Backbone " + bb.resolve(VisionBackbones.SAFETENSORS) + " has SHA-256 " + actual
                        + " but the manifest records " + m.backbone().sha256() + ": the file was changed or corrupted. Restore it or retrain.");
            }
            LabelMap labels = LabelMap.of(m.labels());
            Path headFile = ModelDirectory.resolveInside(dir, m.head().file());
            HeadLabels.check(headFile, labels.labels(), manifestFile);
            PreprocessorConfig pre = PreprocessorConfig.read(dir.resolve(PreprocessorConfig.FILE));
            NDManager manager = NDManager.newBaseManager();
            try {
                VisionBackbone backbone = VisionBackbones.load(bb, manager);
                HeadConfig hc = new HeadConfig(m.head().inputDim(), m.head().numClasses(), m.head().hiddenUnits(), m.head().dropout());
                ClassifierHead head = new ClassifierHead(hc);
                head.initialize(manager);
                HeadWeights.load(head, headFile);
                Path onnx = bb.resolve(VisionBackbones.ONNX);
                boolean frozen = "feature-extraction".equals(m.strategy()) && Files.isRegularFile(onnx);
                String onnxSha = VisionBackbones.configField(bb, ONNX_SHA256_FIELD, "");
                if (frozen && !onnxSha.isEmpty() && !onnxSha.equals(FileChecksums.sha256(onnx))) {
                    throw new IllegalArgumentException("Backbone " + onnx + " has SHA-256 " + FileChecksums.sha256(onnx)
                            + " but the model was trained on " + onnxSha + ": the file was changed or corrupted. Restore it or retrain.");
                }
                return new ImageClassifier(backbone, head, labels, pre, m.strategy(),
                        Map.of("id", m.backbone().id(), "license", String.valueOf(m.backbone().license())), manager)
                        .withOnnxFeatures(frozen ? onnx : null);
            } catch (RuntimeException | IOException e) {
                manager.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read model " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (ort != null) {
            ort.close();
        }
        manager.close();
    }
}

package dev.graft.artifact;

import ai.djl.Device;
import dev.graft.util.Arguments;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.graft.data.LabelMap;
import dev.graft.data.image.Augmentation;
import dev.graft.data.image.ImageDecoder;
import dev.graft.data.image.ImagePipeline;
import dev.graft.data.image.ImageTta;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.data.TaskKind;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadArrays;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.vision.VisionBackbone;
import dev.graft.model.vision.VisionBackbones;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.io.AtomicFiles;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.task.ClassificationTask;
import dev.graft.task.Task;
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
 * A trained image model: a CNN backbone (frozen or fine-tuned), a trained head, the {@link Task} it learnt (classes,
 * labels with their thresholds, or a number with its scale) and the preprocessing the backbone expects. Saved as a
 * self-contained model directory ({@code graft-model.json} with task {@code image-classification},
 * {@code image-multi-label} or {@code image-regression} and the task's settings, {@code backbone/} with
 * {@code backbone.json} and {@code model.safetensors}, {@code preprocessor_config.json}, {@code head.safetensors},
 * provenance and metrics), written atomically through {@link ModelDirectory}. A feature-extraction model trained with
 * test-time augmentation ({@link ImageTta}) records it in the manifest and averages the same views whenever it computes
 * features, so every prediction path (files, bytes, the server, evaluation) sees what the head was trained on.
 */
public final class ImageClassifier extends PooledTaskModel {

    /** The manifest task of image classifiers. */
    public static final String TASK = "image-classification";
    /** The modality in the manifest task of every image model ({@code image-<task kind>}). */
    public static final String MODALITY = "image";
    private static final String BACKBONE_DIR = "backbone";
    private static final int BATCH = 32;
    /** {@code backbone/backbone.json} field: SHA-256 of {@code backbone/model.onnx}, which computes frozen features. */
    private static final String ONNX_SHA256_FIELD = "onnx_sha256";

    private VisionBackbone backbone; // loaded from backboneDir on first use when the model was loaded
    private final Path backboneDir;
    private ClassifierHead head; // built from headArrays on first use when the model was loaded
    private final HeadArrays headArrays; // a saved head, applied in Java; null for a head being trained
    private final PreprocessorConfig preprocessing;
    private final String strategy;
    private final Map<String, String> backboneInfo;
    private NDManager manager; // opened on first use when the model was loaded: it loads libtorch
    private Path onnxFeatures;
    private ImageTta tta = ImageTta.NONE;
    private dev.graft.model.vision.OnnxFeatureExtractor ort;

    /**
     * Wraps the parts; the classifier takes ownership of {@code manager} (which holds backbone and head).
     *
     * @param backboneInfo {@code id}, {@code license}, {@code source} of the pretrained backbone
     */
    public ImageClassifier(VisionBackbone backbone, ClassifierHead head, LabelMap labels, PreprocessorConfig preprocessing,
                           String strategy, Map<String, String> backboneInfo, NDManager manager) {
        this(backbone, head, ClassificationTask.of(labels), preprocessing, strategy, backboneInfo, manager);
    }

    /**
     * Wraps the parts of a model trained for {@code task} (classification, multi-label, regression); the model takes
     * ownership of {@code manager} (which holds backbone and head).
     *
     * @param backboneInfo {@code id}, {@code license}, {@code source} of the pretrained backbone
     */
    public ImageClassifier(VisionBackbone backbone, ClassifierHead head, Task task, PreprocessorConfig preprocessing,
                           String strategy, Map<String, String> backboneInfo, NDManager manager) {
        this(backbone, null, head, null, task, preprocessing, strategy, backboneInfo, manager);
    }

    /**
     * One of {@code backbone} and {@code backboneDir} (its saved files, loaded on first use), and one of {@code head}
     * (a DJL head) and {@code headArrays} (a saved head) are given.
     */
    private ImageClassifier(VisionBackbone backbone, Path backboneDir, ClassifierHead head, HeadArrays headArrays, Task task,
                            PreprocessorConfig preprocessing, String strategy, Map<String, String> backboneInfo, NDManager manager) {
        super(head != null ? head.config() : headArrays.config(), task);
        this.backbone = backbone;
        this.backboneDir = backboneDir;
        this.head = head;
        this.headArrays = headArrays;
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

    /**
     * Averages the backbone features of the views {@code tta} makes of each image (the head must have been trained on
     * features made the same way); {@link ImageTta#NONE} is one view.
     */
    public ImageClassifier withTta(ImageTta tta) {
        this.tta = java.util.Objects.requireNonNull(tta, "tta");
        return this;
    }

    /** The test-time augmentation whose views' features are averaged ({@link ImageTta#NONE} for one view). */
    public ImageTta tta() {
        return tta;
    }

    /** Whether {@code dir} holds an image model (its manifest's task is {@code image-<task kind>}). */
    public static boolean isImageModel(Path dir) {
        Path m = dir.resolve(ModelDirectory.MANIFEST);
        try {
            return Files.isRegularFile(m) && isImageTask(dev.graft.model.ModelFileLimits.readJson(m, Json.MAPPER).path("task").asText());
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a manifest's task names an image model of a task this Graft knows. */
    private static boolean isImageTask(String manifestTask) {
        for (TaskKind kind : TaskKind.values()) {
            if (kind != TaskKind.SEGMENTATION && ModelManifest.taskName(MODALITY, kind).equals(manifestTask)) { // ImageSegmenter's
                return true;
            }
        }
        return false;
    }

    /**
     * The task's outputs for each image file: class probabilities in label order, label probabilities (multi-label),
     * or values in the data's units (regression).
     */
    public float[][] probabilities(List<Path> images) {
        return probabilitiesOfFeatures(features(images));
    }


    /**
     * Predictions of a single-label classifier for image files.
     *
     * @throws IllegalStateException for a multi-label or regression model: use {@link #decode}
     */
    public List<Prediction> predict(List<Path> images) {
        return toPredictions(probabilities(images));
    }

    /** Backbone features of image files (evaluation preprocessing, inference mode), averaged over the {@link #tta()} views. */
    public float[][] features(List<Path> images) {
        return decodedFeatures(images.stream().<java.util.function.Supplier<dev.graft.data.image.RgbImage>>map(
                f -> () -> ImageDecoder.decode(f)).toList());
    }

    /** Backbone features of images decoded one batch at a time (evaluation preprocessing, inference mode). */
    private float[][] decodedFeatures(List<java.util.function.Supplier<dev.graft.data.image.RgbImage>> images) {
        ImagePipeline pipeline = pipeline();
        int n = pipeline.outputSize();
        float[][] out = new float[images.size()][];
        for (int s = 0; s < images.size(); s += BATCH) {
            int e = Math.min(images.size(), s + BATCH);
            float[] flat = new float[(e - s) * n];
            for (int i = s; i < e; i++) {
                System.arraycopy(pipeline.evaluate(images.get(i).get()), 0, flat, (i - s) * n, n);
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
     * ({@code n · 3·H·W} floats), averaged over the views of the model's {@link #tta()}: ONNX Runtime when the model
     * carries its frozen backbone's ONNX file, else the DJL module in inference mode.
     */
    public float[][] featuresOfPixels(float[] flat, int n) {
        return tta.apply(this::viewFeatures).of(flat, n, preprocessing.outputHeight(), preprocessing.outputWidth());
    }

    /** Backbone features of one view: {@link #featuresOfPixels} without test-time augmentation. */
    private float[][] viewFeatures(float[] flat, int n, int h, int w) {
        if (onnxFeatures != null) {
            return ort().features(flat, n, h, w);
        }
        VisionBackbone module = backbone();
        try (NDManager step = manager().newSubManager()) {
            NDArray f = module.features(new ParameterStore(step, false), step.create(flat, new Shape(n, 3, h, w)), false);
            float[] v = f.toFloatArray();
            int d = module.featureDim();
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

    /** The task's outputs (class or label probabilities, values) from backbone features. */
    public float[][] probabilitiesOfFeatures(float[][] features) {
        Task t = task();
        if (headArrays != null) { // a loaded model: the head runs in Java, so ONNX features never load libtorch
            return headArrays.outputs(features, t::activate);
        }
        return Inference.outputs(head, new DenseBatches(features, new int[features.length]), 256, manager(), t::activate);
    }

    /** The manager of the DJL parts, opened (with the engine) on first use for a loaded model. */
    private synchronized NDManager manager() {
        if (manager == null) {
            manager = NDManager.newBaseManager(Device.cpu());
        }
        return manager;
    }

    /**
     * The backbone as a DJL module. A loaded feature-extraction model with ONNX features loads it (and libtorch) only when
     * it is asked for.
     */
    public synchronized VisionBackbone backbone() {
        if (backbone == null) {
            backbone = VisionBackbones.load(backboneDir, manager());
        }
        return backbone;
    }

    /** The head as a DJL block; a loaded model predicts with its head in plain arrays and builds this on request. */
    public synchronized ClassifierHead head() {
        if (head == null) {
            head = headArrays.toBlock(manager());
        }
        return head;
    }


    /** The preprocessing. */
    public PreprocessorConfig preprocessing() {
        return preprocessing;
    }

    /** How it was trained. */
    public String strategy() {
        return strategy;
    }

    /** The pretrained backbone's id, else its architecture (which needs the module). */
    private String backboneId() {
        String id = backboneInfo.get("id");
        return id != null ? id : backbone().architecture();
    }

    /** Saves atomically; {@code extras} may add files (a report) to the staging directory. */
    public boolean save(Path dir, Provenance provenance, Map<String, Object> metrics, ModelDirectory.Writer extras) throws IOException {
        return ModelDirectory.write(dir, staging -> {
            extras.write(staging);
            Path bb = Files.createDirectory(staging.resolve(BACKBONE_DIR));
            Map<String, String> info = new java.util.LinkedHashMap<>();
            info.put("id", backboneId());
            info.put("license", backboneInfo.getOrDefault("license", "unknown"));
            if (onnxFeatures != null) { // the features' ONNX file is part of the model: its checksum is recorded too
                info.put(ONNX_SHA256_FIELD, Hashes.copy(onnxFeatures, bb.resolve(VisionBackbones.ONNX)));
            }
            String sha = VisionBackbones.save(backbone(), bb, info);
            AtomicFiles.writeString(staging.resolve(PreprocessorConfig.FILE), preprocessing.toJson());
            List<TensorData> weights = (headArrays != null ? headArrays : HeadArrays.of(head)).tensors();
            SafeTensors.write(staging.resolve(TextClassifier.HEAD_FILE), weights,
                    HeadLabels.metadata(labels()));
            AtomicFiles.writeString(staging.resolve(TextClassifier.PROVENANCE_FILE), Json.MAPPER.writeValueAsString(provenance));
            AtomicFiles.writeString(staging.resolve(TextClassifier.METRICS_FILE), Json.MAPPER.writeValueAsString(metrics));
            HeadConfig hc = headArrays != null ? headArrays.config() : head.config();
            Task t = task();
            ModelManifest manifest = ModelManifest.of(ModelManifest.taskName(MODALITY, t.kind()), strategy,
                    new ModelManifest.Backbone(backboneId(), sha, 0, "avg",
                            backboneInfo.getOrDefault("license", "unknown"), BACKBONE_DIR),
                    new ModelManifest.Head(hc.inputDim(), hc.numClasses(), hc.hiddenUnits(), hc.dropout(), TextClassifier.HEAD_FILE),
                    labels().labels(), null, ModelManifest.TaskSettings.of(t)).withTestTimeAugmentation(tta);
            AtomicFiles.writeString(staging.resolve(ModelDirectory.MANIFEST), Json.MAPPER.writeValueAsString(manifest));
        });
    }

    /** Loads a directory written by {@link #save}; backbone checksum and head tensors are verified. */
    public static ImageClassifier load(Path dir) {
        ImageClassifier c = read(dir);
        c.loadedFrom(dir);
        return c;
    }

    private static ImageClassifier read(Path dir) {
        Path manifestFile = dir.resolve(ModelDirectory.MANIFEST);
        if (!isImageModel(dir)) {
            throw new IllegalArgumentException(dir + " is not a Graft image model (no " + ModelDirectory.MANIFEST
                    + " with task " + TASK + ", " + ModelManifest.taskName(MODALITY, TaskKind.MULTI_LABEL) + " or "
                    + ModelManifest.taskName(MODALITY, TaskKind.REGRESSION) + "). Pass the " + Arguments.name("output") + " directory of "
                    + Arguments.name("Graft.train") + " on image data.");
        }
        try {
            ModelManifest m = Json.read(manifestFile, ModelManifest.class).checked(manifestFile);
            Path bb = ModelDirectory.resolveInside(dir, m.backbone().directory());
            String actual = FileChecksums.sha256(bb.resolve(VisionBackbones.SAFETENSORS));
            if (!actual.equals(m.backbone().sha256())) {
                throw new IllegalArgumentException("Backbone " + bb.resolve(VisionBackbones.SAFETENSORS) + " has SHA-256 " + actual
                        + " but the manifest records " + m.backbone().sha256() + ": the file was changed or corrupted. Restore it or retrain.");
            }
            if (!ModelManifest.taskName(MODALITY, m.taskKind()).equals(m.task())) {
                throw new IllegalArgumentException(manifestFile + " names task '" + m.task() + "' but its task settings are of a "
                        + m.taskKind().key() + " model: the model directory is damaged. Retrain.");
            }
            Task task = m.task(manifestFile);
            PreprocessorConfig pre = PreprocessorConfig.read(dir.resolve(PreprocessorConfig.FILE));
            HeadArrays head = HeadWeights.readSaved(dir, m, task, manifestFile);
            Path onnx = bb.resolve(VisionBackbones.ONNX);
            boolean frozen = "feature-extraction".equals(m.strategy()) && Files.isRegularFile(onnx);
            String onnxSha = VisionBackbones.configField(bb, ONNX_SHA256_FIELD, "");
            if (frozen && !onnxSha.isEmpty() && !onnxSha.equals(FileChecksums.sha256(onnx))) {
                throw new IllegalArgumentException("Backbone " + onnx + " has SHA-256 " + FileChecksums.sha256(onnx)
                        + " but the model was trained on " + onnxSha + ": the file was changed or corrupted. Restore it or retrain.");
            }
            ImageClassifier c = new ImageClassifier(null, bb, null, head, task, pre, m.strategy(),
                    Map.of("id", m.backbone().id(), "license", String.valueOf(m.backbone().license())), null)
                    .withOnnxFeatures(frozen ? onnx : null).withTta(m.testTimeAugmentation(manifestFile));
            if (!frozen) {
                try {
                    c.backbone(); // a fine-tuned CNN runs on libtorch: load it now, so a damaged file fails the load
                } catch (RuntimeException e) {
                    c.close();
                    throw e;
                }
            }
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read model " + dir + ": " + e.getMessage(), e);
        }
    }

    // --- GraftModel: the one predictor interface (image files and image bytes) ---

    @Override
    public InputKind inputKind() {
        return InputKind.IMAGE;
    }

    /** Predicts image files and images given as bytes, decoded as {@link #features} decodes files. */
    @Override
    public List<ModelOutput> predictBatch(List<ModelInput> inputs) {
        List<java.util.function.Supplier<dev.graft.data.image.RgbImage>> images = new ArrayList<>(inputs.size());
        for (ModelInput in : inputs) {
            ModelInput image = ModelInput.expect(inputs, in, InputKind.IMAGE);
            images.add(image instanceof ModelInput.ImageFile f ? () -> ImageDecoder.decode(f.file())
                    : () -> ImageDecoder.decode(((ModelInput.ImageBytes) image).bytes(), Path.of(((ModelInput.ImageBytes) image).name())));
        }
        return ModelOutput.of(decode(probabilitiesOfFeatures(decodedFeatures(images))), task().kind());
    }

    @Override
    public synchronized void close() {
        if (ort != null) {
            ort.close();
        }
        if (manager != null) {
            manager.close();
        }
    }
}

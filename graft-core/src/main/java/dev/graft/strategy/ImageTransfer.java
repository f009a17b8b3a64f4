package dev.graft.strategy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.graft.artifact.ImageClassifier;
import dev.graft.artifact.Provenance;
import dev.graft.artifact.Versions;
import dev.graft.data.image.Augmentation;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageExample;
import dev.graft.data.image.ImagePipeline;
import dev.graft.data.image.ImageSplits;
import dev.graft.data.image.ImageTta;
import dev.graft.data.TaskKind;
import dev.graft.metrics.TaskMetrics;
import dev.graft.model.Precision;
import dev.graft.util.Arguments;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.vision.BatchNorm2d;
import dev.graft.model.vision.ConvKernels;
import dev.graft.model.vision.ImageClassifierModel;
import dev.graft.model.vision.EfficientNet;
import dev.graft.model.vision.MobileNetV2;
import dev.graft.model.vision.ResNet;
import dev.graft.model.vision.OnnxFeatureExtractor;
import dev.graft.model.vision.VisionBackbone;
import dev.graft.model.vision.VisionModule;
import dev.graft.training.Checkpointing;
import dev.graft.training.DenseBatches;
import dev.graft.training.FitResult;
import dev.graft.training.FreezeSchedule;
import dev.graft.training.ImageBatches;
import dev.graft.training.Learner;
import dev.graft.training.LrFinder;
import dev.graft.training.LrSchedule;
import dev.graft.training.TrainingListener;
import dev.graft.task.Targets;
import dev.graft.task.Task;
import dev.graft.task.TaskOptions;
import dev.graft.task.Tasks;
import dev.graft.util.Hashes;
import dev.graft.util.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Transfer learning on images, with the same two strategies as text:
 * <ul>
 *   <li>{@link #featureExtraction}: the backbone stays frozen (BatchNorm in inference mode); its
 *       pooled features are computed once per image (cached on disk under a key of backbone
 *       checksum, preprocessing and image files) and a head is trained on them;</li>
 *   <li>{@link #fineTune}: backbone and head train together through the {@link Learner} with the
 *       {@link FineTuneConfig}'s plan (freezing schedule over the backbone's blocks, differential
 *       rates, head first then every layer with AdamW and one-cycle by default — see {@link #cnnDefaults()}), on
 *       augmented images decoded in parallel with training, with crash-safe checkpoints and resume as for text.</li>
 * </ul>
 */
public final class ImageTransfer {

    private static final int FEATURE_BATCH = 32;

    private ImageTransfer() {
    }

    /**
     * The CNN fine-tuning recipe, as fastai's {@code fine_tune} and the Keras transfer-learning guide do it: one epoch
     * training the new head alone on the frozen network, then every layer trains, the backbone at lower rates (AdamW,
     * head 1e-3, top backbone group 1e-4, ×0.9 per group going down; weight decay 0.01 except biases and norms),
     * one-cycle with 25% rise, batch 32, 5 epochs, patience 3. BatchNorm keeps its running statistics (see
     * {@link #fineTune(ImageBackbone, ImageSplits, FineTuneConfig, Augmentation, boolean, int, List)}).
     */
    public static FineTuneConfig cnnDefaults() {
        FineTuneConfig d = FineTuneConfig.defaults();
        return d.withTraining(d.training().withEpochs(5).withBatchSize(32).withLearningRate(1e-3).withWeightDecay(0.01).withPatience(3))
                .withSchedule(LrSchedule.oneCycle(0.25)).withBackboneLr(1e-4, 0.9)
                .withFreeze(FreezeSchedule.all().withHeadEpochs(1))
                .withOptimizer(dev.graft.training.optim.OptimizerSpec.adamW()).withHead(0, 0.1);
    }

    /** Frozen backbone features + trained head, for the task the data calls for ({@link #task}). */
    public static ImageTrainingOutcome featureExtraction(ImageBackbone spec, ImageSplits splits, FeatureExtractionConfig config,
                                                         int workers, Progress progress, List<TrainingListener> listeners) {
        return featureExtraction(spec, splits, task(splits, TaskOptions.defaults()), config, workers, progress, listeners);
    }

    /**
     * The task {@code splits} call for, from its training set: its classes, its labels, or the scale of its numbers.
     *
     * @param options class weights and the regression loss
     */
    public static Task task(ImageSplits splits, TaskOptions options) {
        return Tasks.forTraining(splits.train().targetColumn(), splits.task() == TaskKind.REGRESSION ? null : splits.labelMap(),
                options);
    }

    /**
     * Frozen backbone features + a head trained for {@code task}. Decision settings the task tunes (multi-label
     * thresholds) are tuned on the validation images and saved with the model.
     */
    public static ImageTrainingOutcome featureExtraction(ImageBackbone spec, ImageSplits splits, Task task,
                                                         FeatureExtractionConfig config, int workers, Progress progress,
                                                         List<TrainingListener> listeners) {
        return featureExtraction(spec, splits, task, config, ImageTta.NONE, workers, progress, listeners);
    }

    /**
     * As {@link #featureExtraction(ImageBackbone, ImageSplits, Task, FeatureExtractionConfig, int, Progress, List)}, with
     * every image's features (training, validation and test alike) averaged over the views {@code tta} makes, cached
     * under their own key; the model keeps {@code tta} and averages the same views when it predicts.
     */
    public static ImageTrainingOutcome featureExtraction(ImageBackbone spec, ImageSplits splits, Task task,
                                                         FeatureExtractionConfig config, ImageTta tta, int workers,
                                                         Progress progress, List<TrainingListener> listeners) {
        NDManager manager = NDManager.newBaseManager(Device.cpu());
        try {
            EmbeddingCache cache = new EmbeddingCache(config.cacheDir());
            ImagePipeline pipeline = new ImagePipeline(spec.preprocessing(), Augmentation.none());
            long t0 = System.nanoTime();
            float[][] trainX;
            float[][] valX;
            float[][] testX;
            // Frozen features run on ONNX Runtime when the backbone has an ONNX file (opened only on a cache miss,
            // closed before libtorch trains the head), else on the DJL module.
            Path onnx = spec.onnxFeatures().orElse(null);
            VisionBackbone djl = onnx == null ? spec.load(manager) : null;
            try (LazyOnnx ort = new LazyOnnx(onnx, config.threads())) {
                ImageTta.Features fn = tta.apply(djl != null ? (flat, n, h, w) -> djlFeatures(djl, flat, n, h, w, manager)
                        : (flat, n, h, w) -> ort.get().features(flat, n, h, w));
                trainX = features(cache, cacheKey(spec, splits.train(), tta), fn, pipeline, splits.train(), workers, progress);
                valX = features(cache, cacheKey(spec, splits.val(), tta), fn, pipeline, splits.val(), workers, progress);
                testX = splits.test().isPresent() ? features(cache, cacheKey(spec, splits.test().get(), tta), fn, pipeline,
                        splits.test().get(), workers, progress) : null;
            }
            double embedSeconds = (System.nanoTime() - t0) / 1e9;
            VisionBackbone backbone = djl != null ? djl : spec.load(manager);
            backbone.namedParameters().values().forEach(p -> p.freeze(true));
            Learner.seed(config.training().seed());
            ClassifierHead head = new ClassifierHead(new HeadConfig(backbone.featureDim(), task.outputWidth(), config.hiddenUnits(),
                    config.dropout()));
            head.initialize(manager);
            Targets valY = Tasks.targets(task, splits.val().targetColumn());
            ImageClassifier classifier = new ImageClassifier(backbone, head, task, spec.preprocessing(), FeatureExtraction.NAME,
                    info(spec), manager).withOnnxFeatures(onnx).withTta(tta);
            FitResult fit = FrozenHeadTraining.fit(head, task, trainX, Tasks.targets(task, splits.train().targetColumn()), valX,
                    valY, config, listeners, classifier::probabilitiesOfFeatures);
            float[][] valOut = classifier.probabilitiesOfFeatures(valX);
            classifier.calibrate(valOut, valY);
            float[][] testOut = testX == null ? null : classifier.probabilitiesOfFeatures(testX);
            return outcome(classifier, fit, splits, valOut, testOut, embedSeconds, cache.hits(), FeatureExtraction.NAME,
                    config.training().seed(), featureExtractionSettings(config, tta), spec);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Scores the kept model's validation (and test) outputs with its calibrated task and gathers the outcome; class
     * probabilities are kept for error analysis of classifiers.
     */
    private static ImageTrainingOutcome outcome(ImageClassifier classifier, FitResult fit, ImageSplits splits, float[][] valOut,
                                                float[][] testOut, double embedSeconds, int cacheHits, String strategy, long seed,
                                                Map<String, Object> settings, ImageBackbone spec) {
        Task task = classifier.task();
        TaskMetrics val = task.score(valOut, Tasks.targets(task, splits.val().targetColumn()));
        Optional<TaskMetrics> test = testOut == null ? Optional.empty()
                : Optional.of(task.score(testOut, Tasks.targets(task, splits.test().orElseThrow().targetColumn())));
        Map<String, ImagePredictions> predictions = new LinkedHashMap<>();
        if (task.kind() == TaskKind.CLASSIFICATION) {
            predictions.put("val", new ImagePredictions(splits.val(), valOut));
            if (testOut != null) {
                predictions.put("test", new ImagePredictions(splits.test().orElseThrow(), testOut));
            }
        }
        Provenance p = provenance(strategy, seed, settings, spec, splits, val, test);
        return new ImageTrainingOutcome(classifier, fit, val, test, embedSeconds, cacheHits, p, predictions);
    }

    /**
     * Frozen pooled features of every image of each data set (inference mode, no gradients, no augmentation), from
     * the embedding cache where possible: the same cache, key and extractor {@link #featureExtraction} trains its head
     * on. ONNX Runtime computes them when the backbone has an ONNX file, else the DJL module (loaded only on a cache miss).
     */
    public static List<float[][]> frozenFeatures(ImageBackbone spec, List<ImageDataset> data, FeatureExtractionConfig config,
                                                 int workers, Progress progress) {
        return frozenFeatures(spec, data, config, ImageTta.NONE, workers, progress);
    }

    /**
     * {@link #frozenFeatures(ImageBackbone, List, FeatureExtractionConfig, int, Progress)} with test-time augmentation:
     * each image's features averaged over the views {@code tta} makes (cached under their own key).
     */
    public static List<float[][]> frozenFeatures(ImageBackbone spec, List<ImageDataset> data, FeatureExtractionConfig config,
                                                 ImageTta tta, int workers, Progress progress) {
        EmbeddingCache cache = new EmbeddingCache(config.cacheDir());
        try (FrozenImageFeatures fx = FrozenImageFeatures.open(spec, config.threads())) {
            ImageTta.Features fn = tta.apply((flat, n, h, w) -> fx.features(flat, n));
            List<float[][]> out = new java.util.ArrayList<>();
            for (ImageDataset d : data) {
                out.add(features(cache, cacheKey(spec, d, tta), fn, fx.pipeline(), d, workers, progress));
            }
            return out;
        }
    }

    /**
     * The learning-rate range test for a head on frozen features of {@code spec} (the features come from the same cache
     * as feature extraction); the swept rate is the head's. Nothing is kept.
     */
    public static LrFinder.Result findLearningRateFrozen(ImageBackbone spec, ImageSplits splits, Task task,
                                                         FeatureExtractionConfig config, LrFinder finder, int workers,
                                                         Progress progress) {
        float[][] trainX = frozenFeatures(spec, List.of(splits.train()), config, workers, progress).get(0);
        Learner.seed(config.training().seed());
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            ClassifierHead head = new ClassifierHead(new HeadConfig(trainX[0].length, task.outputWidth(), config.hiddenUnits(),
                    config.dropout()));
            head.initialize(manager);
            Learner learner = new Learner(head, head, TaskTraining.config(config.training(), task), config.plan(), task, List.of());
            return finder.run(learner, head, head, config.plan(),
                    new DenseBatches(trainX, Tasks.targets(task, splits.train().targetColumn())));
        }
    }

    /**
     * The learning-rate range test for fine-tuning {@code spec} on these images, with the same augmentation, BatchNorm
     * policy and layer groups as {@link #fineTune}: the swept rate is the head's, the backbone follows at the config's
     * ratio. Nothing is kept.
     */
    public static LrFinder.Result findLearningRate(ImageBackbone spec, ImageSplits splits, Task task, FineTuneConfig config,
                                                   Augmentation augmentation, boolean trainBatchNorm, LrFinder finder,
                                                   int workers) {
        Learner.seed(config.training().seed());
        ImagePipeline pipeline = new ImagePipeline(spec.preprocessing(), augmentation);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
             ImageBatches train = new ImageBatches(splits.train().examples(), Tasks.targets(task, splits.train().targetColumn()),
                     pipeline, true, config.training().seed(), workers, 2)) {
            VisionBackbone backbone = spec.loadTrainable(manager);
            if (backbone instanceof VisionModule module) {
                BatchNorm2d.keepRunningStatistics(module, !trainBatchNorm);
            }
            ClassifierHead head = new ClassifierHead(new HeadConfig(backbone.featureDim(), task.outputWidth(), config.hiddenUnits(),
                    config.dropout()));
            head.initialize(manager);
            ImageClassifierModel model = fastKernels(new ImageClassifierModel(backbone, head), config.precision());
            Learner learner = new Learner(model, model, TaskTraining.config(config.training(), task), config.plan(), task, List.of());
            return finder.run(learner, model, model, config.plan(), train);
        }
    }

    /** {@link #frozenFeatures} of one data set. */
    public static float[][] cachedFeatures(ImageBackbone spec, ImageDataset data, FeatureExtractionConfig config, int workers,
                                           Progress progress) {
        return frozenFeatures(spec, List.of(data), config, workers, progress).get(0);
    }

    /** Backbone and head trained together, BatchNorm keeping its running statistics. */
    public static ImageTrainingOutcome fineTune(ImageBackbone spec, ImageSplits splits, FineTuneConfig config,
                                                Augmentation augmentation, int workers, List<TrainingListener> listeners) {
        return fineTune(spec, splits, config, augmentation, false, workers, listeners);
    }

    /** Backbone and head trained together, without checkpoints (see the full overload). */
    public static ImageTrainingOutcome fineTune(ImageBackbone spec, ImageSplits splits, FineTuneConfig config,
                                                Augmentation augmentation, boolean trainBatchNorm, int workers,
                                                List<TrainingListener> listeners) {
        return fineTune(spec, splits, config, augmentation, trainBatchNorm, workers, listeners, null, 1, false);
    }

    /**
     * Backbone and head trained together, with crash-safe checkpoints as text fine-tuning has them
     * ({@link FineTuning#fit}): weights, BatchNorm running statistics, optimiser state, history and best epoch.
     *
     * @param trainBatchNorm  whether BatchNorm layers of trainable groups normalise with batch statistics and update
     *                        their running statistics (fastai's {@code train_bn}); false keeps every BatchNorm in
     *                        inference mode while its scale and shift still learn (Keras' advice; right for small
     *                        batches and small data sets). BatchNorm of frozen groups never changes either way.
     * @param checkpointDir   where to checkpoint (and resume from when {@code resume}); {@code null} for no checkpoints
     * @param checkpointEvery checkpoint every this many epochs
     * @param resume          continue the run whose checkpoint is in {@code checkpointDir}; refused unless backbone, data
     *                        and settings are those of that run ({@link #fingerprint})
     */
    public static ImageTrainingOutcome fineTune(ImageBackbone spec, ImageSplits splits, FineTuneConfig config,
                                                Augmentation augmentation, boolean trainBatchNorm, int workers,
                                                List<TrainingListener> listeners, Path checkpointDir, int checkpointEvery,
                                                boolean resume) {
        return fineTune(spec, splits, task(splits, TaskOptions.defaults()), config, augmentation, trainBatchNorm, workers,
                listeners, checkpointDir, checkpointEvery, resume);
    }

    /**
     * Backbone and head trained together for {@code task}, with checkpoints as
     * {@link #fineTune(ImageBackbone, ImageSplits, FineTuneConfig, Augmentation, boolean, int, List, Path, int, boolean)};
     * decision settings the task tunes (multi-label thresholds) are tuned on the validation images and saved with the
     * model.
     */
    public static ImageTrainingOutcome fineTune(ImageBackbone spec, ImageSplits splits, Task task, FineTuneConfig config,
                                                Augmentation augmentation, boolean trainBatchNorm, int workers,
                                                List<TrainingListener> listeners, Path checkpointDir, int checkpointEvery,
                                                boolean resume) {
        Checkpointing checkpoints = checkpointDir == null ? null : new Checkpointing(checkpointDir, checkpointEvery,
                fingerprint(spec, splits, config, augmentation, trainBatchNorm), resume);
        Learner.seed(config.training().seed());
        NDManager manager = NDManager.newBaseManager(Device.cpu());
        ImagePipeline pipeline = new ImagePipeline(spec.preprocessing(), augmentation);
        long seed = config.training().seed();
        Targets valY = Tasks.targets(task, splits.val().targetColumn());
        try (ImageBatches train = new ImageBatches(splits.train().examples(), Tasks.targets(task, splits.train().targetColumn()),
                pipeline, true, seed, workers, 2);
             ImageBatches val = new ImageBatches(splits.val().examples(), valY, pipeline, false, seed, workers, 2)) {
            VisionBackbone backbone = spec.loadTrainable(manager);
            if (backbone instanceof VisionModule module) {
                BatchNorm2d.keepRunningStatistics(module, !trainBatchNorm);
            }
            ClassifierHead head = new ClassifierHead(new HeadConfig(backbone.featureDim(), task.outputWidth(), config.hiddenUnits(),
                    config.dropout()));
            head.initialize(manager);
            ImageClassifierModel model = fastKernels(new ImageClassifierModel(backbone, head), config.precision());
            Learner learner = new Learner(model, model, TaskTraining.config(config.training(), task), config.plan(), task, listeners);
            FitResult fit = learner.fit(train, val, checkpoints);
            model.namedParameters().values().forEach(p -> p.freeze(true));
            // the saved model predicts in float32: score exactly what it will predict
            fastKernels(model, Precision.FP32);
            float[][] valOut = learner.predictProbabilities(val);
            float[][] testOut = null;
            if (splits.test().isPresent()) {
                ImageDataset testSet = splits.test().get();
                try (ImageBatches t = new ImageBatches(testSet.examples(), Tasks.targets(task, testSet.targetColumn()), pipeline,
                        false, seed, workers, 2)) {
                    testOut = learner.predictProbabilities(t);
                }
            }
            ImageClassifier classifier = new ImageClassifier(backbone, head, task, spec.preprocessing(), FineTuning.NAME, info(spec), manager);
            classifier.calibrate(valOut, valY);
            return outcome(classifier, fit, splits, valOut, testOut, 0, 0, FineTuning.NAME, seed,
                    fineTuneSettings(config, augmentation, trainBatchNorm), spec);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * {@code model} computing with {@link ConvKernels#FUSED} where its backbone is built of Graft's convolutions
     * (MobileNetV2, ResNet, EfficientNet): channels-last, each convolution with its clip in one call; the same values as
     * DJL's ops. In {@link Precision#BF16} a MobileNetV2 computes with {@link ConvKernels#FUSED_BF16}.
     *
     * @throws IllegalArgumentException for bf16 with another backbone
     */
    static ImageClassifierModel fastKernels(ImageClassifierModel model, Precision precision) {
        boolean mobileNet = model.backbone() instanceof MobileNetV2;
        if (precision == Precision.BF16) {
            if (!mobileNet) {
                throw new IllegalArgumentException(Arguments.name("precision") + " bf16 applies to text encoders and to"
                        + " MobileNetV2 backbones; " + model.backbone().architecture() + " fine-tunes in fp32 (between its"
                        + " convolutions BatchNorm runs in float32, and the casts would cost what bfloat16 saves).");
            }
            model.setKernels(ConvKernels.FUSED_BF16);
        } else if (mobileNet || model.backbone() instanceof ResNet || model.backbone() instanceof EfficientNet) {
            model.setKernels(ConvKernels.FUSED);
        }
        return model;
    }

    /**
     * Identifies backbone (weights and preprocessing), training and validation data, and every fine-tuning setting, so
     * that a checkpoint is only resumed by the run that wrote it.
     */
    public static String fingerprint(ImageBackbone spec, ImageSplits splits, FineTuneConfig config, Augmentation augmentation,
                                     boolean trainBatchNorm) {
        String task = splits.task() == TaskKind.CLASSIFICATION ? "" : " task=" + splits.train().targets();
        return Checkpointing.fingerprint(spec.sha256(), spec.preprocessing().toJson(), splits.train().sha256(),
                splits.val().sha256(), fineTuneSettings(config, augmentation, trainBatchNorm).toString() + task);
    }

    /** The settings of an image feature extraction by name: the config's, and the test-time augmentation unless none. */
    public static Map<String, Object> featureExtractionSettings(FeatureExtractionConfig config, ImageTta tta) {
        Map<String, Object> settings = new LinkedHashMap<>(config.describe());
        if (tta != ImageTta.NONE) {
            settings.put("tta", tta.key());
        }
        return settings;
    }

    /** The settings of an image fine-tune by name: the config's, augmentation and BatchNorm mode. */
    private static Map<String, Object> fineTuneSettings(FineTuneConfig config, Augmentation augmentation, boolean trainBatchNorm) {
        Map<String, Object> settings = new LinkedHashMap<>(config.describe());
        if (config.precision() == Precision.FP32) {
            settings.remove("precision"); // as before bf16 came to images: fp32 checkpoints still resume
        }
        settings.put("augmentation", augmentation.toString());
        settings.put("train_bn", trainBatchNorm);
        return settings;
    }

    /** An ONNX Runtime feature extractor opened on first use (thread-safe). */
    static final class LazyOnnx implements AutoCloseable {
        private final Path file;
        private final int threads;
        private OnnxFeatureExtractor fx;

        LazyOnnx(Path file, int threads) {
            this.file = file;
            this.threads = threads;
        }

        synchronized OnnxFeatureExtractor get() {
            if (fx == null) {
                try {
                    fx = OnnxFeatureExtractor.open(file, threads);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e.getMessage(), e);
                }
            }
            return fx;
        }

        @Override
        public synchronized void close() {
            if (fx != null) {
                fx.close();
            }
        }
    }

    static float[][] djlFeatures(VisionBackbone backbone, float[] flat, int n, int h, int w, NDManager manager) {
        try (NDManager step = manager.newSubManager()) {
            NDArray f = backbone.features(new ParameterStore(step, false), step.create(flat, new ai.djl.ndarray.types.Shape(n, 3, h, w)), false);
            float[] v = f.toFloatArray();
            int d = backbone.featureDim();
            float[][] out = new float[n][];
            for (int i = 0; i < n; i++) {
                out[i] = java.util.Arrays.copyOfRange(v, i * d, (i + 1) * d);
            }
            return out;
        }
    }

    /** Pooled features of every image of {@code data}, from the cache under {@code key} or computed (inference mode, no gradients). */
    private static float[][] features(EmbeddingCache cache, String key, ImageTta.Features fn, ImagePipeline pipeline,
                                      ImageDataset data, int workers, Progress progress) {
        return cache.rows(key, data.size(), () -> {
            progress.start("features " + data.source().getFileName(), data.size());
            float[][] out = new float[data.size()][];
            int h = pipeline.config().outputHeight();
            int w = pipeline.config().outputWidth();
            try (ImageBatches b = new ImageBatches(data.examples(), new int[data.size()], pipeline, false, 0, workers, 2)) {
                for (int[] idx : b.inferenceBatches(FEATURE_BATCH)) {
                    float[][] f = fn.of(b.take(idx), idx.length, h, w);
                    for (int i = 0; i < idx.length; i++) {
                        out[idx[i]] = f[i];
                    }
                    progress.step(idx.length);
                }
            }
            progress.done();
            return out;
        }, progress);
    }

    /** {@link #cacheKey(ImageBackbone, ImageDataset)}, distinct for each test-time augmentation other than none. */
    static String cacheKey(ImageBackbone spec, ImageDataset data, ImageTta tta) {
        String plain = cacheKey(spec, data);
        if (tta == ImageTta.NONE) {
            return plain;
        }
        MessageDigest md = Hashes.sha256();
        Hashes.update(md, plain);
        Hashes.update(md, "tta:" + tta.key());
        return HexFormat.of().formatHex(md.digest());
    }

    /** Cache key: backbone checksum, preprocessing, and each image's path, size and modification time. */
    static String cacheKey(ImageBackbone spec, ImageDataset data) {
        MessageDigest md = Hashes.sha256();
        Hashes.update(md, "graft-image-features-v1");
        Hashes.update(md, spec.sha256());
        Hashes.update(md, spec.preprocessing().toJson());
        for (ImageExample e : data.examples()) {
            Hashes.update(md, e.file().toString());
            try {
                Hashes.update(md, Files.size(e.file()) + ":" + Files.getLastModifiedTime(e.file()).toMillis());
            } catch (IOException ex) {
                Hashes.update(md, "?");
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static Map<String, String> info(ImageBackbone spec) {
        return Map.of("id", spec.id(), "license", spec.license(), "source", spec.source());
    }

    private static Provenance provenance(String strategy, long seed, Map<String, Object> settings, ImageBackbone spec,
                                         ImageSplits splits, TaskMetrics val, Optional<TaskMetrics> test) {
        Map<String, Provenance.DataFingerprint> data = new LinkedHashMap<>();
        data.put("train", fingerprint(splits.train()));
        data.put("val", fingerprint(splits.val()));
        splits.test().ifPresent(t -> data.put("test", fingerprint(t)));
        Map<String, String> bb = new LinkedHashMap<>();
        bb.put("id", spec.id());
        bb.put("sha256", spec.sha256());
        bb.put("license", spec.license());
        bb.put("source", spec.source());
        bb.put("preprocessing", spec.preprocessing().toString());
        return new Provenance(Instant.now().toString(), strategy, seed, settings, data, bb, Versions.all(),
                RunProvenance.metrics(splits.task(), val, test), List.of());
    }

    private static Provenance.DataFingerprint fingerprint(ImageDataset d) {
        return new Provenance.DataFingerprint(d.source().toAbsolutePath().toString(), d.sha256(),
                ImageDatasetDigest.of(d), d.size(), d.targetCounts());
    }

    /** Digest of the examples actually used (paths and labels). */
    static final class ImageDatasetDigest {
        static String of(ImageDataset d) {
            MessageDigest md = Hashes.sha256();
            for (ImageExample e : d.examples()) {
                Hashes.update(md, e.file().toString());
                Hashes.update(md, e.label());
            }
            return HexFormat.of().formatHex(md.digest());
        }
    }
}

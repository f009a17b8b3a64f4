package dev.graft.run;

import ai.djl.Device;
import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.Provenance;
import dev.graft.data.DatasetSplits;
import dev.graft.data.LabelMap;
import dev.graft.data.Splits;
import dev.graft.data.TargetFormat;
import dev.graft.data.TaskKind;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextDataset;
import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageSplits;
import dev.graft.data.image.ImageTta;
import dev.graft.model.CpuFeatures;
import dev.graft.model.DeviceChoice;
import dev.graft.model.OrtDevices;
import dev.graft.model.Precision;
import dev.graft.model.card.Licenses;
import dev.graft.model.peft.PeftMethod;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.report.HtmlReport;
import dev.graft.report.ReportData;
import dev.graft.selection.FrozenFeatureBaselines;
import dev.graft.selection.TransferCheck;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FineTuning;
import dev.graft.strategy.ImageBackbone;
import dev.graft.strategy.ImageTrainingOutcome;
import dev.graft.strategy.ImageTransfer;
import dev.graft.strategy.TrainingOutcome;
import dev.graft.task.Task;
import dev.graft.task.TaskOptions;
import dev.graft.task.Tasks;
import dev.graft.tracking.PeakMemory;
import dev.graft.training.TrainingListener;
import dev.graft.util.Arguments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One training run, as {@code graft train} does it and a Java caller gets it in one call ({@code Graft.train}): checks
 * the settings and the output directory before anything expensive, reads the data (text, or images when the training
 * data is a folder of class folders or a CSV of image paths), builds the task, resolves the backbone, trains with the
 * requested {@link TrainingStrategy}, fits the baselines, saves the model with {@code metrics.json}, report and plots,
 * and records the run. Tracking, baselines and the report never lose a trained model: each warns and is skipped when
 * it fails.
 */
public final class TrainingRun {

    private final TrainingRequest r;
    private final RunListener l;

    private TrainingRun(TrainingRequest request, RunListener listener) {
        this.r = request;
        this.l = listener;
    }

    /** Runs {@code request}, telling {@code listener} how it goes; the caller closes the result (it holds the model). */
    public static TrainingResult run(TrainingRequest request, RunListener listener) throws IOException {
        if (request.output == null) {
            throw new IllegalArgumentException("A training run needs an " + Arguments.name("output") + " directory.");
        }
        TrainingRun run = new TrainingRun(request, listener);
        checkDevice(request, listener);
        if (SegmentationTrainingRun.requested(request)) {
            refuseTta(request, "segmentation models");
            return SegmentationTrainingRun.run(request, listener); // images/ and masks/: semantic segmentation
        }
        if (SequenceTaskRun.handles(request.task())) {
            refuseTta(request, "question answering and NER models");
            return SequenceTaskRun.run(request, listener); // tagged sentences, questions: no label column
        }
        return ImageDataReader.isImageData(request.trainFile) ? run.images() : run.text();
    }

    /**
     * Checks the device before anything is read: a GPU, by name or found by {@code auto}, trains the runs that can train
     * there ({@code TrainingRequest.trainsOnDevice}; told with a note); for other runs a GPU asked for by name is
     * refused and one that {@code auto} finds is passed over with a note.
     *
     * @throws IllegalArgumentException for an unknown device, a GPU the engine does not see, or a GPU by name for a run
     *                                  that trains on the CPU
     */
    public static void checkDevice(TrainingRequest request, RunListener listener) {
        Device d = DeviceChoice.resolve(request.device);
        checkDevice(request, d, d.isGpu() && OrtDevices.cudaAvailable(), listener);
    }

    /**
     * {@link #checkDevice(TrainingRequest, RunListener)} with the request's device resolved to {@code d}, and ONNX
     * Runtime's CUDA provider loaded or not ({@code ortCuda}).
     */
    static void checkDevice(TrainingRequest request, Device d, boolean ortCuda, RunListener listener) {
        if (!d.isGpu()) {
            return;
        }
        if (request.trainsOnDevice(ortCuda)) {
            boolean frozen = FeatureExtraction.NAME.equals(request.strategy);
            listener.message("note: " + (frozen ? "the frozen pass runs on " + d + " (ONNX Runtime's CUDA provider), the head"
                    + " on the CPU" : "training on " + d) + " (" + Arguments.name("device") + " " + request.device.trim() + ")"
                    + "; the frozen passes of baselines and reports run on the CPU.");
            return;
        }
        if (request.deviceAuto()) {
            listener.message("note: " + Arguments.name("device") + " auto found " + d + ", but this run trains on the CPU"
                    + " (a GPU trains text fine-tune, lora and adapter runs so far, and text feature extraction where ONNX"
                    + " Runtime has its CUDA provider); using cpu.");
            return;
        }
        throw new IllegalArgumentException(Arguments.name("device") + " " + request.device + ": only text fine-tune, lora and"
                + " adapter runs (classification, multi-label, regression) train on a GPU so far, and their feature extraction"
                + " in fp32 where ONNX Runtime has its CUDA provider (GRAFT_ORT_JAR: the onnxruntime_gpu jar); this one"
                + " trains on the CPU. Use " + Arguments.name("device") + " cpu or auto.");
    }

    /**
     * Tells the user when {@code auto}, the default precision, chose bfloat16 for this run ({@code settings}: the run's
     * recorded settings, whose {@code precision} or {@code frozen_precision} is then {@code bf16}), and how to keep float32.
     */
    static void noteAutoPrecision(TrainingRequest r, Map<String, Object> settings, RunListener listener) {
        if (!Precision.isAuto(r.precision)) {
            return;
        }
        boolean trained = "bf16".equals(settings.get("precision"));
        boolean frozen = "bf16".equals(settings.get("frozen_precision"));
        if (!trained && !frozen) {
            return;
        }
        String what = trained && frozen ? "bfloat16 matrix products for the encoder that trains (weights, optimiser state"
                + " and loss stay float32) and for the frozen sentence vectors (on libtorch)"
                : trained ? "bfloat16 matrix products (weights, optimiser state and loss stay float32)"
                : "the frozen encoder runs on libtorch with bfloat16 products";
        listener.message("note: " + Arguments.name("precision") + " auto: " + what + ", as this CPU computes them natively ("
                + CpuFeatures.current().bf16Flags() + "). " + Arguments.name("precision") + " fp32 computes in float32 throughout.");
    }

    /**
     * {@link #noteAutoPrecision(TrainingRequest, Map, RunListener)} for runs that both fine-tune and extract features
     * from text ({@code graft compare}, {@code graft auto}): one note naming what auto turned to bf16.
     */
    public static void noteAutoPrecision(TrainingRequest r, RunListener listener) {
        noteAutoPrecision(r, Map.of("precision", r.precisionValue().key(), "frozen_precision", r.frozenTextPrecision().key()),
                listener);
    }

    /**
     * Refuses settings of one strategy given to another (LoRA settings without lora, ...) and bf16 for feature
     * extraction.
     */
    public static void checkStrategySettings(TrainingRequest r) {
        String strategy = r.strategy;
        boolean peft = PeftMethod.LORA.key().equals(strategy) || PeftMethod.ADAPTER.key().equals(strategy);
        boolean loraOptions = r.loraRank != null || r.loraAlpha != null || r.loraDropout != null || r.loraTargets != null;
        if (loraOptions && !PeftMethod.LORA.key().equals(strategy)) {
            throw new IllegalArgumentException(Arguments.name("loraRank") + ", " + Arguments.name("loraAlpha") + ", "
                    + Arguments.name("loraDropout") + " and " + Arguments.name("loraTargets") + " apply to "
                    + Arguments.name("strategy") + " lora, not " + strategy + ".");
        }
        if (r.adapterSize != null && !PeftMethod.ADAPTER.key().equals(strategy)) {
            throw new IllegalArgumentException(Arguments.name("adapterSize") + " applies to " + Arguments.name("strategy")
                    + " adapter, not " + strategy + ".");
        }
        if (r.trainLayerNorms && !peft) {
            throw new IllegalArgumentException(Arguments.name("trainLayerNorms") + " applies to " + Arguments.name("strategy")
                    + " lora or adapter; with fine-tune every LayerNorm trains already.");
        }
        if (peft && (r.unfreeze != null || r.gradual || r.freezeEmbeddings)) {
            throw new IllegalArgumentException(Arguments.name("unfreeze") + ", " + Arguments.name("gradual") + " and "
                    + Arguments.name("freezeEmbeddings") + " apply to " + Arguments.name("strategy") + " fine-tune: with "
                    + strategy + " the pretrained weights stay frozen and only the " + strategy + " modules and the head train ("
                    + Arguments.name("headEpochs") + " still applies).");
        }
        if (!peft && !FineTuning.NAME.equals(strategy) && !FeatureExtraction.NAME.equals(strategy) && r.bf16Requested()) {
            throw new IllegalArgumentException(Arguments.name("precision") + " bf16 applies to " + Arguments.name("strategy")
                    + " fine-tune, lora, adapter or feature-extraction, not " + strategy + ".");
        }
    }

    /**
     * Refuses test-time augmentation for {@code what} (text models, strategies that train the backbone, ...): only a
     * frozen image backbone's features are averaged over views. {@code none} is no augmentation and passes.
     */
    static void refuseTta(TrainingRequest r, String what) {
        if (ImageTta.parse(r.tta) != ImageTta.NONE) {
            throw new IllegalArgumentException(Arguments.name("tta") + " " + r.tta.trim() + " averages the frozen features of"
                    + " several views of each image and applies to image classification with " + Arguments.name("strategy")
                    + " feature-extraction, not to " + what + ". Leave it out, or train with feature extraction.");
        }
    }

    /** Refuses a text pooling for image data: image backbones pool as the network does. */
    public static void refusePoolingForImages(TrainingRequest r) {
        if (r.pooling != null) {
            throw new IllegalArgumentException(Arguments.name("pooling") + " applies to text models; image backbones pool"
                    + " their feature maps as the network does.");
        }
    }

    /**
     * Refuses bf16 for frozen features other than a text encoder's sentence vectors ({@code what}: image features,
     * per-token states), which ONNX Runtime computes in fp32.
     */
    static void refuseBf16ForFrozen(TrainingRequest r, TrainingStrategy strategy, String what) {
        if (!strategy.trainsBackbone() && r.bf16Requested()) {
            throw new IllegalArgumentException(Arguments.name("precision") + " bf16 with " + Arguments.name("strategy") + " "
                    + strategy.name() + " applies to a text encoder's sentence vectors; " + what + " run on ONNX Runtime in"
                    + " fp32. Leave " + Arguments.name("precision") + " out, or fine-tune.");
        }
    }

    /** Refuses bf16 for segmentation: its encoder and decoder train in fp32. */
    public static void refuseBf16ForSegmentation(TrainingRequest r) {
        if (r.bf16Requested()) {
            throw new IllegalArgumentException(Arguments.name("precision") + " bf16 applies to text encoders and to"
                    + " MobileNetV2 image classifiers; segmentation trains in fp32.");
        }
    }

    /** Checks the split settings before any data or model is read; {@code needsValidation}: refuse settings that leave none. */
    public static void checkSplitSettings(TrainingRequest r, boolean needsValidation) {
        checkFraction("valFraction", r.valFraction);
        checkFraction("testFraction", r.testFraction);
        if (r.valFile == null && r.testFile == null && r.valFraction + r.testFraction >= 1) {
            throw new IllegalArgumentException(Arguments.name("valFraction") + " + " + Arguments.name("testFraction")
                    + " must be below 1 so that data is left for training, got " + (r.valFraction + r.testFraction)
                    + ". Lower one of them (the defaults are 0.1 each).");
        }
        if (needsValidation && r.valFile == null && r.valFraction == 0) {
            throw new IllegalArgumentException(Arguments.name("valFraction") + " 0 leaves no validation data, which training"
                    + " needs to choose its best epoch. Give a fraction above 0 (the default is 0.1) or a validation file with "
                    + Arguments.name("valFile") + ".");
        }
        if (r.headSolver != null && !r.headSolver.equals("closed-form") && !r.headSolver.equals("gradient")) {
            throw new IllegalArgumentException("Unknown " + Arguments.name("headSolver") + " '" + r.headSolver
                    + "'; use closed-form or gradient.");
        }
    }

    private static void checkFraction(String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(Arguments.name(name) + " must be at least 0 and below 1 (e.g. 0.1), got " + value + ".");
        }
    }

    /** The text splits the request names (its files, or the training file split), with notes on skipped rows. */
    public static DatasetSplits readSplits(TrainingRequest r, RunListener l) {
        TextDataset trainSet = TextDataReader.read(r.trainFile, r.data);
        skippedNote(trainSet).ifPresent(l::message);
        if (r.maxTrain != null) {
            trainSet = Splits.subsample(trainSet, r.maxTrain, r.seed);
        }
        if (r.valFile == null && r.testFile == null) {
            return Splits.stratified(trainSet, r.valFraction, r.testFraction, r.seed);
        }
        TextDataset valSet = r.valFile == null ? null : TextDataReader.read(r.valFile, r.data);
        TextDataset testSet = r.testFile == null ? null : TextDataReader.read(r.testFile, r.data);
        for (TextDataset d : new TextDataset[] {valSet, testSet}) {
            if (d != null) {
                skippedNote(d).ifPresent(l::message);
            }
        }
        return Splits.withDatasets(trainSet, valSet, testSet, r.seed);
    }

    /** A note on the rows skipped for an empty text or label, if any. */
    public static Optional<String> skippedNote(TextDataset dataset) {
        int n = dataset.source().skippedRows();
        return n == 0 ? Optional.empty() : Optional.of("note: skipped " + n + " row(s) with empty text or label in "
                + dataset.source().displayName() + ".");
    }

    /** Sizes and classes of the splits read; warnings on imbalance and near-duplicate labels. */
    public static void describe(DatasetSplits splits, RunListener l) {
        if (splits.task() != TaskKind.CLASSIFICATION) {
            l.summary(String.format("train %d, val %d%s %s; task: %s", splits.train().size(), splits.val().size(),
                    splits.test().map(t -> ", test " + t.size()).orElse(""), splits.hasPairs() ? "text pairs" : "examples",
                    splits.train().targets()));
            return;
        }
        Map<String, Integer> counts = LabelMap.classCounts(splits.train());
        l.summary(String.format("train %d, val %d%s %s; classes: %s", splits.train().size(), splits.val().size(),
                splits.test().map(t -> ", test " + t.size()).orElse(""), splits.hasPairs() ? "text pairs" : "examples", counts));
        LabelMap.imbalanceWarning(splits.train()).ifPresent(w -> l.message("warning: " + w));
        LabelMap.similarLabelsWarning(splits.train()).ifPresent(w -> l.message("warning: " + w));
    }

    /** The pretrained text model, downloaded if it is a Hub reference; warns about its licence. */
    public static TextModelSpec resolveTextModel(String model, RunListener l) {
        TextModelSpec backbone = TextModels.resolve(model == null ? TrainingRequest.DEFAULT_TEXT_MODEL : model, l.progress());
        Licenses.trainingWarning(backbone.id(), backbone.license()).ifPresent(w -> l.message("warning: " + w));
        return backbone;
    }

    private CheckpointPlan checkpoints() {
        return CheckpointPlan.of(r.output, r.checkpointDir, r.resume, r.checkpointEvery);
    }

    private TrainingContext context(RunRecorder recorder, CheckpointPlan checkpoints, boolean trainsBackbone) {
        List<TrainingListener> epochs = recorder.listeners(l.epochs().toArray(TrainingListener[]::new));
        return trainsBackbone ? new TrainingContext(l, epochs, checkpoints.directory(), checkpoints.everyEpochs(), checkpoints.resume())
                : new TrainingContext(l, epochs, null, 1, false);
    }

    private TrainingResult text() throws IOException {
        TrainingStrategy strategy = r.resolveStrategy();
        refuseTta(r, "text models");
        checkStrategySettings(r);
        strategy.checkText(r);
        // Cheap checks first: settings, the output directory and the data, before any model is loaded.
        checkSplitSettings(r, true);
        Map<String, Object> settings = strategy.textSettings(r);
        noteAutoPrecision(r, settings, l);
        boolean trainsBackbone = strategy.trainsBackbone();
        if (!trainsBackbone) {
            CheckpointPlan.refuseResume(r.resume);
        }
        ModelDirectory.checkWritable(r.output);
        CheckpointPlan checkpoints = checkpoints();
        if (trainsBackbone) {
            checkpoints.checkStart();
        }
        DatasetSplits splits = readSplits(r, l);
        describe(splits, l);
        TextModelSpec backbone = r.withPooling(resolveTextModel(r.model, l));
        if (trainsBackbone && !backbone.pooling().fineTunable()) {
            throw new IllegalArgumentException(Arguments.name("pooling") + " " + backbone.pooling().key() + " is for feature"
                    + " extraction only (fine-tuning pools the last layer by mean or cls); choose one of those or the"
                    + " feature-extraction strategy.");
        }
        long start = System.nanoTime();
        if (trainsBackbone) {
            checkpoints.announce(l);
        }
        Task task = Tasks.forTraining(splits, r.taskOptions());
        try (RunRecorder recorder = RunRecorder.start(r.tracking, "train", r.output, r.output, r.runParams(settings), l::message)) {
            TrainingOutcome outcome = strategy.trainText(backbone, splits, task, r, context(recorder, checkpoints, trainsBackbone));
            try {
                Provenance provenance = outcome.provenance().withCommandLine(r.commandLine);
                Map<String, Object> metrics = outcome.metricsDocument();
                PeakMemory.measure().putInto(metrics);
                Optional<TransferCheck> check = r.baselines ? textTransferCheck(splits, outcome) : Optional.empty();
                check.ifPresent(b -> {
                    metrics.put("baselines", b.toMap());
                    recorder.logMetrics(b.trackingMetrics(), outcome.fit().history().size());
                });
                List<FrozenFeatureBaselines.Score> linear = r.baselines ? linearBaselines(backbone, splits, outcome) : List.of();
                if (!linear.isEmpty()) {
                    metrics.put("baselines", linear.stream().map(FrozenFeatureBaselines.Score::toMap).toList());
                }
                List<HtmlReport.Table> tables = linear.isEmpty() ? List.of()
                        : List.of(FrozenFeatureBaselines.table(linear, outcome.validation(), outcome.test()));
                boolean replaced = outcome.classifier().save(r.output, provenance, metrics, staging -> recorder.writeReport(
                        () -> ReportData.of(recorder.runName(), outcome).withBaselines(check), tables, provenance, staging));
                if (trainsBackbone) {
                    checkpoints.finished();
                }
                double total = (System.nanoTime() - start) / 1e9;
                recorder.finish(outcome, provenance, r.output, total);
                return new TrainingResult(r.output, replaced, outcome, metrics, report(), check, linear, recorder.runId(),
                        recorder.location(), splits.val().size(), splits.test().map(TextDataset::size), outcome.cacheHits(),
                        total);
            } catch (RuntimeException | IOException | Error e) {
                outcome.close();
                throw e;
            }
        }
    }

    private Optional<Path> report() {
        return report(r.output);
    }

    /** The report saved in the model directory {@code output}, when one was written. */
    static Optional<Path> report(Path output) {
        Path report = output.resolve(HtmlReport.REPORT_FILE);
        return Files.exists(report) ? Optional.of(report) : Optional.empty();
    }

    /**
     * The linear baselines on frozen features of a multi-label or regression run (none for classification, which has
     * {@link TransferCheck}); empty, with a warning, when they fail: a trained model is never lost to them.
     */
    private List<FrozenFeatureBaselines.Score> linearBaselines(TextModelSpec backbone, DatasetSplits splits, TrainingOutcome outcome) {
        if (splits.task() == TaskKind.CLASSIFICATION) {
            return List.of();
        }
        try {
            FeatureExtraction fe = new FeatureExtraction(r.featureExtractionConfig());
            return FrozenFeatureBaselines.of(fe, backbone, splits, outcome.classifier().task(), r.seed, l.progress());
        } catch (RuntimeException e) {
            l.message("warning: could not fit the baselines (" + e.getMessage() + "); the model is saved without them.");
            return List.of();
        }
    }

    /**
     * The negative-transfer check on the split the run reports; empty when that split has no examples, or (with a
     * warning) when the check fails: a trained model is never lost to it.
     */
    private Optional<TransferCheck> textTransferCheck(DatasetSplits splits, TrainingOutcome outcome) {
        try {
            if (splits.task() != TaskKind.CLASSIFICATION) {
                return Optional.empty(); // the check's baselines are classifiers
            }
            return TransferCheck.of(splits, outcome.classification(), outcome.classificationTest(), r.seed);
        } catch (RuntimeException e) {
            l.message("warning: could not run the baseline check (" + e.getMessage() + "); the model is saved without it.");
            return Optional.empty();
        }
    }

    /** The request's image backbone (MobileNetV2 when the model is left at the text default), at its image size. */
    static ImageBackbone resolveImageModel(TrainingRequest r) {
        // the text default makes no sense for images
        String modelName = r.model == null || TrainingRequest.DEFAULT_TEXT_MODEL.equals(r.model) ? TrainingRequest.DEFAULT_IMAGE_MODEL : r.model;
        return ImageInputs.resized(ImageBackbone.resolve(modelName), r.imageSize);
    }

    /** The request's image splits: read, subsampled to its maximum, verified (skips reported) and split with its seed. */
    static ImageSplits readImageSplits(TrainingRequest r, RunListener listener) {
        int threads = r.imageThreads();
        TargetFormat targets = r.data.targets();
        ImageDataset train = ImageDataReader.read(r.trainFile, targets);
        if (r.maxTrain != null) {
            train = train.subsample(r.maxTrain, r.seed);
        }
        train = ImageInputs.verified(train, threads, r.strict, listener::message);
        ImageDataset val = r.valFile == null ? null
                : ImageInputs.verified(ImageDataReader.read(r.valFile, targets), threads, r.strict, listener::message);
        ImageDataset test = r.testFile == null ? null
                : ImageInputs.verified(ImageDataReader.read(r.testFile, targets), threads, r.strict, listener::message);
        return ImageSplits.of(train, val, test, r.valFraction, r.testFraction, r.seed);
    }

    private TrainingResult images() throws IOException {
        TrainingStrategy strategy = r.resolveStrategy();
        if (!strategy.supportsImages()) {
            throw strategy.refuseImages();
        }
        boolean trainsBackbone = strategy.trainsBackbone();
        refuseBf16ForFrozen(r, strategy, "frozen image features");
        if (!FeatureExtraction.NAME.equals(strategy.name())) {
            refuseTta(r, Arguments.name("strategy") + " " + strategy.name() + " (it trains on augmented images; its model"
                    + " predicts on one view)");
        }
        ImageTta.parse(r.tta); // an unknown name is refused before the data is read
        if (!trainsBackbone) {
            CheckpointPlan.refuseResume(r.resume);
        }
        refusePoolingForImages(r);
        ModelDirectory.checkWritable(r.output);
        ImageInputs.refuseOutputInsideData(r.output, r.trainFile, r.valFile, r.testFile);
        CheckpointPlan checkpoints = checkpoints();
        if (trainsBackbone) {
            checkpoints.checkStart();
        }
        ImageBackbone backbone = resolveImageModel(r);
        TargetFormat targets = r.data.targets();
        TaskOptions taskOptions = r.taskOptions();
        ImageSplits splits = readImageSplits(r, l);
        Task task = ImageTransfer.task(splits, taskOptions);
        l.summary(String.format("images: train %d, val %d%s; %s: %s; backbone %s (%s)", splits.train().size(), splits.val().size(),
                splits.test().map(t -> ", test " + t.size()).orElse(""),
                splits.task() == TaskKind.CLASSIFICATION ? "classes" : "task " + targets,
                splits.task() == TaskKind.REGRESSION ? task : splits.train().targetCounts(), backbone.id(),
                backbone.preprocessing()));
        if (trainsBackbone) {
            checkpoints.announce(l);
        }
        long start = System.nanoTime();
        Map<String, Object> settings = new java.util.LinkedHashMap<>(strategy.imageSettings(r));
        settings.put("image_size", backbone.preprocessing().outputHeight() + "x" + backbone.preprocessing().outputWidth());
        settings.put("backbone", backbone.id());
        try (RunRecorder recorder = RunRecorder.start(r.tracking, "train", r.output, r.output, r.runParams(settings), l::message)) {
            ImageTrainingOutcome outcome = strategy.trainImages(backbone, splits, task, r, context(recorder, checkpoints, trainsBackbone));
            try {
                Provenance provenance = outcome.provenance().withCommandLine(r.commandLine);
                Map<String, Object> metrics = outcome.metricsDocument();
                PeakMemory.measure().putInto(metrics);
                Optional<TransferCheck> check = r.baselines ? imageTransferCheck(splits, outcome, r.imageThreads()) : Optional.empty();
                check.ifPresent(b -> {
                    metrics.put("baselines", b.toMap());
                    recorder.logMetrics(b.trackingMetrics(), outcome.fit().history().size());
                });
                boolean replaced = outcome.save(r.output, provenance, metrics, staging -> recorder.writeReport(
                        () -> ReportData.of(recorder.runName(), outcome).withBaselines(check), provenance, staging));
                if (trainsBackbone) {
                    checkpoints.finished();
                }
                double total = (System.nanoTime() - start) / 1e9;
                recorder.finish(outcome, provenance, r.output, total);
                return new TrainingResult(r.output, replaced, outcome, metrics, report(), check, List.of(), recorder.runId(),
                        recorder.location(), splits.val().size(), splits.test().map(ImageDataset::size), outcome.cacheHits(), total);
            } catch (RuntimeException | IOException | Error e) {
                outcome.close();
                throw e;
            }
        }
    }

    /**
     * The negative-transfer check (majority class; logistic regression on raw pixels) on the split the run reports;
     * empty for multi-label and regression models (the check's baselines are classifiers), and, with a warning, when it
     * fails: a trained model is never lost to it.
     */
    private Optional<TransferCheck> imageTransferCheck(ImageSplits splits, ImageTrainingOutcome outcome, int threads) {
        if (splits.task() != TaskKind.CLASSIFICATION) {
            return Optional.empty();
        }
        try {
            boolean onTest = outcome.test().isPresent() && splits.test().isPresent();
            return Optional.of(TransferCheck.measureImages(splits.train(), onTest ? splits.test().get() : splits.val(),
                    onTest ? "test" : "validation", onTest ? outcome.classificationTest().get() : outcome.classification(),
                    r.seed, threads));
        } catch (RuntimeException e) {
            l.message("warning: could not run the baseline check (" + e.getMessage() + "); the model is saved without it.");
            return Optional.empty();
        }
    }
}

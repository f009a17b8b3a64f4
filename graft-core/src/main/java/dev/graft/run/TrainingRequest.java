package dev.graft.run;

import ai.djl.Device;
import dev.graft.data.DataOptions;
import dev.graft.data.TargetFormat;
import dev.graft.data.TaskKind;
import dev.graft.data.image.ImageDataReader;
import dev.graft.model.CpuFeatures;
import dev.graft.model.DeviceChoice;
import dev.graft.model.OrtDevices;
import dev.graft.model.Precision;
import dev.graft.model.peft.LoraTarget;
import dev.graft.model.peft.PeftMethod;
import dev.graft.model.peft.PeftSpec;
import dev.graft.model.text.Pooling;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModelVariants;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.FineTuneConfig;
import dev.graft.strategy.FineTuning;
import dev.graft.strategy.ImageTransfer;
import dev.graft.data.image.ImageTta;
import dev.graft.strategy.QuestionAnswering;
import dev.graft.strategy.TokenClassification;
import dev.graft.task.DecisionThreshold;
import dev.graft.task.TaskOptions;
import dev.graft.training.FreezeSchedule;
import dev.graft.training.LrSchedule;
import dev.graft.training.Monitor;
import dev.graft.training.TrainConfig;
import dev.graft.training.optim.OptimizerSpec;
import dev.graft.tuning.Tunables;
import dev.graft.util.Arguments;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one training run reads: data, pretrained model, strategy, training settings, where the model goes and
 * how the run is recorded. Only the training file and the output directory are required; every other setting has the
 * default {@code graft train} has (and the same name, camelCase: {@code --max-train} is {@link #maxTrain}), and a
 * setting left unset ({@code null}) keeps the strategy's own default.
 *
 * <pre>{@code
 * TrainingResult r = Graft.train(TrainingRequest.of(Path.of("train.csv"), Path.of("my-model"))
 *         .strategy("fine-tune").epochs(3));
 * }</pre>
 *
 * <p>Text or images is decided by the training data (a folder of class folders, or a CSV of image paths, is images).
 */
public final class TrainingRequest {

    /** The text model used when none is named. */
    public static final String DEFAULT_TEXT_MODEL = "minilm";
    /** The image model used when none is named (registered by importing MobileNetV2). */
    public static final String DEFAULT_IMAGE_MODEL = "mobilenetv2";
    /** The default seed. */
    public static final long DEFAULT_SEED = 42;
    /** The default weight decay (AdamW, text). */
    public static final double DEFAULT_WEIGHT_DECAY = 0.01;

    Path trainFile;
    Path valFile;
    Path testFile;
    Path output;
    DataOptions data = DataOptions.defaults();
    String model;
    String pooling;
    String tta;
    /** The settings of one hyper-parameter trial, applied over the image configs ({@code null}: not a trial). */
    private Map<String, Object> trial;
    String strategy = FeatureExtraction.NAME;
    TrainingStrategy strategyOverride;
    Integer epochs;
    long seed = DEFAULT_SEED;
    Integer maxTrain;
    double valFraction = 0.1;
    double testFraction = 0.1;
    Double learningRate;
    double weightDecay = DEFAULT_WEIGHT_DECAY;
    Integer batchSize;
    Integer patience;
    String monitor = "macro_f1";
    String headSolver;
    String classWeights;
    String positiveLabel;
    String decisionThreshold;
    Double huberDelta;
    String targetName;
    int hidden;
    double dropout = 0.1;
    String unfreeze;
    boolean gradual;
    Integer headEpochs;
    boolean freezeEmbeddings;
    Double lrBackbone;
    Double layerDecay;
    String optimizer = "adamw";
    Double momentum;
    String schedule;
    Double warmup;
    double maxGradNorm = 1.0;
    double l2sp;
    Integer threads;
    String precision = "auto";
    String device = "cpu";
    Integer loraRank;
    Double loraAlpha;
    Double loraDropout;
    String loraTargets;
    Integer adapterSize;
    boolean trainLayerNorms;
    int checkpointEvery = 1;
    Path checkpointDir;
    Path resume;
    String augment = "standard";
    Integer imageSize;
    boolean strict;
    boolean trainBn;
    SegmentationSettings segmentation;
    boolean baselines = true;
    /** Tagged-sentence or question file format ({@code conll}/{@code jsonl}, {@code squad}/{@code jsonl}); null: from the file. */
    String corpusFormat;
    String crf;
    Integer maxLength;
    Integer docStride;
    Integer maxAnswerLength;
    Integer nBest;
    RunTracking tracking = RunTracking.defaults();
    List<String> commandLine = List.of();

    private TrainingRequest() {
    }

    /** A run on {@code trainFile} (split 80/10/10 unless validation or test files are given) saving the model to {@code output}. */
    public static TrainingRequest of(Path trainFile, Path output) {
        TrainingRequest r = new TrainingRequest();
        r.trainFile = Objects.requireNonNull(trainFile, "trainFile");
        r.output = Objects.requireNonNull(output, "output");
        return r;
    }

    /**
     * A request on {@code trainFile} without an output directory, for steps that save no model (finding a learning
     * rate, ranking, comparing); a {@link TrainingRun} needs one ({@link #output(Path)}).
     */
    public static TrainingRequest of(Path trainFile) {
        TrainingRequest r = new TrainingRequest();
        r.trainFile = Objects.requireNonNull(trainFile, "trainFile");
        return r;
    }

    /** The model directory to write (an existing Graft model there is replaced; anything else is refused). */
    public TrainingRequest output(Path value) {
        output = Objects.requireNonNull(value, "output");
        return this;
    }

    /** Validation data (default: split off the training file). */
    public TrainingRequest valFile(Path value) {
        valFile = value;
        return this;
    }

    /** Test data, scored once with the final model. */
    public TrainingRequest testFile(Path value) {
        testFile = value;
        return this;
    }

    /** How the files are read: columns, format, task ({@link DataOptions#defaults()}). */
    public TrainingRequest data(DataOptions value) {
        data = Objects.requireNonNull(value, "data");
        return this;
    }

    /** The pretrained model: a name, a Hub reference or a directory (default: minilm for text, mobilenetv2 for images). */
    public TrainingRequest model(String value) {
        model = value;
        return this;
    }

    /**
     * How a text model's token vectors become one vector ({@link Pooling#parse}: {@code mean}, {@code cls},
     * {@code mean-last-4}, {@code cls+mean}, ...); null keeps the model's own pooling. Saved with the model.
     */
    public TrainingRequest pooling(String value) {
        pooling = value;
        return this;
    }

    /**
     * Test-time augmentation of frozen image features ({@code none} or {@code flip}, {@link ImageTta}); null is none.
     * Image feature extraction computes training, validation and test features this way and saves it with the model,
     * which averages the same views when it predicts; {@link FeatureDump} dumps such features. Refused for text and
     * for strategies that train the backbone.
     */
    public TrainingRequest tta(String value) {
        tta = value;
        return this;
    }

    /** The text model named by {@link #model(String)} with the {@link #pooling(String)} asked for, if any. */
    public TextModelSpec withPooling(TextModelSpec backbone) {
        return pooling == null ? backbone
                : TextModelVariants.withPooling(backbone, Pooling.parse(pooling, Arguments.name("pooling")));
    }

    /** The strategy's name in {@link Strategies} (default: feature-extraction). */
    public TrainingRequest strategy(String name) {
        strategy = Objects.requireNonNull(name, "strategy");
        strategyOverride = null;
        return this;
    }

    /** A strategy of your own (not registered), e.g. one that changes a step of a built-in one. */
    public TrainingRequest strategy(TrainingStrategy value) {
        strategyOverride = Objects.requireNonNull(value, "strategy");
        strategy = value.name();
        return this;
    }

    /** Maximum epochs (default: the strategy's). */
    public TrainingRequest epochs(Integer value) {
        epochs = value;
        return this;
    }

    /** Seed of splits, sampling, initialisation, dropout and shuffling (default {@value #DEFAULT_SEED}). */
    public TrainingRequest seed(long value) {
        seed = value;
        return this;
    }

    /** Use at most this many training examples (stratified sample; default: all). */
    public TrainingRequest maxTrain(Integer value) {
        maxTrain = value;
        return this;
    }

    /** Share of the training file held out for validation when no validation file is given (default 0.1). */
    public TrainingRequest valFraction(double value) {
        valFraction = value;
        return this;
    }

    /** Share of the training file held out for testing when neither validation nor test file is given (default 0.1). */
    public TrainingRequest testFraction(double value) {
        testFraction = value;
        return this;
    }

    /** Learning rate of the new head (default: the strategy's). */
    public TrainingRequest learningRate(Double value) {
        learningRate = value;
        return this;
    }

    /** AdamW weight decay, not applied to biases and norms (default {@value #DEFAULT_WEIGHT_DECAY}; images keep their recipe's unless changed). */
    public TrainingRequest weightDecay(double value) {
        weightDecay = value;
        return this;
    }

    /** Examples per step (default: the strategy's). */
    public TrainingRequest batchSize(Integer value) {
        batchSize = value;
        return this;
    }

    /** Epochs without improvement before stopping; 0 = never (default: the strategy's). */
    public TrainingRequest patience(Integer value) {
        patience = value;
        return this;
    }

    /** Validation metric that picks the best epoch, e.g. macro_f1, accuracy, loss, map, pearson (default macro_f1). */
    public TrainingRequest monitor(String value) {
        monitor = Objects.requireNonNull(value, "monitor");
        return this;
    }

    /**
     * Feature extraction with a linear head: closed-form (cross-validated logistic or ridge regression; the default
     * unless class weights or a gradient setting such as {@link #epochs} is given) or gradient.
     */
    public TrainingRequest headSolver(String value) {
        headSolver = value;
        return this;
    }

    /** Classification: none (default) or balanced class weights. */
    public TrainingRequest classWeights(String value) {
        classWeights = value;
        return this;
    }

    /** Two classes: the positive class (default: the second in label order). */
    public TrainingRequest positiveLabel(String value) {
        positiveLabel = value;
        return this;
    }

    /** Two classes: {@code tune:METRIC}, a probability, or none (default). */
    public TrainingRequest decisionThreshold(String value) {
        decisionThreshold = value;
        return this;
    }

    /** Regression: Huber loss with this delta on the standardised target (default: squared error). */
    public TrainingRequest huberDelta(Double value) {
        huberDelta = value;
        return this;
    }

    /** Regression: what the target is called (default: value). */
    public TrainingRequest targetName(String value) {
        targetName = value;
        return this;
    }

    /** Units of a hidden layer in the head; 0 = linear head (default). */
    public TrainingRequest hidden(int value) {
        hidden = value;
        return this;
    }

    /** Head dropout (default 0.1). */
    public TrainingRequest dropout(double value) {
        dropout = value;
        return this;
    }

    /** Fine-tune: train the top K layer groups ("3") or "all" (default: all; images after a head-only epoch). */
    public TrainingRequest unfreeze(String value) {
        unfreeze = value;
        return this;
    }

    /** Fine-tune: unfreeze one more layer group per epoch, top-down. */
    public TrainingRequest gradual(boolean value) {
        gradual = value;
        return this;
    }

    /** Fine-tune: train the head alone for the first N epochs (default 0; 1 for images). */
    public TrainingRequest headEpochs(Integer value) {
        headEpochs = value;
        return this;
    }

    /** Fine-tune: keep the embedding layer frozen. */
    public TrainingRequest freezeEmbeddings(boolean value) {
        freezeEmbeddings = value;
        return this;
    }

    /** Fine-tune: learning rate of the top backbone layer; LoRA/adapters: of the updates. */
    public TrainingRequest lrBackbone(Double value) {
        lrBackbone = value;
        return this;
    }

    /** Fine-tune: learning-rate factor per layer going down (default 0.9). */
    public TrainingRequest layerDecay(Double value) {
        layerDecay = value;
        return this;
    }

    /** Optimiser: adamw (default) or sgd. */
    public TrainingRequest optimizer(String value) {
        optimizer = Objects.requireNonNull(value, "optimizer");
        return this;
    }

    /** SGD momentum in [0, 1) (default 0.9). */
    public TrainingRequest momentum(Double value) {
        momentum = value;
        return this;
    }

    /** Fine-tune: learning-rate schedule: linear, cosine, onecycle or constant (default: the strategy's). */
    public TrainingRequest schedule(String value) {
        schedule = value;
        return this;
    }

    /** Fine-tune: warm-up fraction of all steps (default: the schedule's). */
    public TrainingRequest warmup(Double value) {
        warmup = value;
        return this;
    }

    /** Fine-tune: clip gradients to this global norm; 0 = off (default 1). */
    public TrainingRequest maxGradNorm(double value) {
        maxGradNorm = value;
        return this;
    }

    /** Fine-tune: L2-SP regularisation toward the pretrained weights; 0 = off (default). */
    public TrainingRequest l2sp(double value) {
        l2sp = value;
        return this;
    }

    /** CPU threads for the pretrained model (default: all cores; images: 2). */
    public TrainingRequest threads(Integer value) {
        threads = value;
        return this;
    }

    /**
     * fp32, bf16 or auto (the default). Text encoders that train take all three; the frozen text encoder of feature
     * extraction takes bf16 by name, and on auto where the CPU has AMX ({@link #frozenTextPrecision()}); image fine-tuning
     * of a MobileNetV2 takes bf16 by name and stays fp32 on auto. auto is bf16 where the CPU computes bfloat16 products
     * natively ({@link Precision#auto}), else fp32.
     */
    public TrainingRequest precision(String value) {
        precision = Objects.requireNonNull(value, "precision");
        return this;
    }

    /** cpu (default), cuda or auto. */
    public TrainingRequest device(String value) {
        device = Objects.requireNonNull(value, "device");
        return this;
    }

    /** LoRA: rank of each update. */
    public TrainingRequest loraRank(Integer value) {
        loraRank = value;
        return this;
    }

    /** LoRA: scaling numerator. */
    public TrainingRequest loraAlpha(Double value) {
        loraAlpha = value;
        return this;
    }

    /** LoRA: dropout on each update's input. */
    public TrainingRequest loraDropout(Double value) {
        loraDropout = value;
        return this;
    }

    /** LoRA: comma list of updated layers (default query,value). */
    public TrainingRequest loraTargets(String value) {
        loraTargets = value;
        return this;
    }

    /** Adapters: bottleneck width. */
    public TrainingRequest adapterSize(Integer value) {
        adapterSize = value;
        return this;
    }

    /** LoRA, adapters: train the LayerNorms too. */
    public TrainingRequest trainLayerNorms(boolean value) {
        trainLayerNorms = value;
        return this;
    }

    /** Fine-tune: write a checkpoint every N epochs (default 1). */
    public TrainingRequest checkpointEvery(int value) {
        checkpointEvery = value;
        return this;
    }

    /** Fine-tune: where checkpoints go (default: OUTPUT.checkpoint, removed after a successful run). */
    public TrainingRequest checkpointDir(Path value) {
        checkpointDir = value;
        return this;
    }

    /** Fine-tune: continue the interrupted run checkpointed in this directory (same settings as that run). */
    public TrainingRequest resume(Path value) {
        resume = value;
        return this;
    }

    /** Images, fine-tune: standard (default), noflip or none. */
    public TrainingRequest augment(String value) {
        augment = Objects.requireNonNull(value, "augment");
        return this;
    }

    /** Images: crop size fed to the network instead of the model's. */
    public TrainingRequest imageSize(Integer value) {
        imageSize = value;
        return this;
    }

    /** Images: fail on an unreadable image instead of skipping it. */
    public TrainingRequest strict(boolean value) {
        strict = value;
        return this;
    }

    /** Images, fine-tune: BatchNorm uses batch statistics and updates its running statistics. */
    public TrainingRequest trainBn(boolean value) {
        trainBn = value;
        return this;
    }

    /**
     * Makes this a segmentation run ({@code --task segmentation}: the training data are images/ and masks/ or a CSV of
     * image,mask paths) with these settings; see {@link SegmentationTrainingRun}.
     */
    public TrainingRequest segmentation(SegmentationSettings value) {
        segmentation = Objects.requireNonNull(value, "segmentation");
        return this;
    }

    /**
     * The task, for data without a label column: {@link TaskKind#TOKEN_CLASSIFICATION} reads tagged sentences (CoNLL or
     * JSON Lines), {@link TaskKind#QUESTION_ANSWERING} questions with contexts (SQuAD JSON or JSON Lines); the other
     * kinds set how the label column is read ({@link TargetFormat#of}).
     */
    public TrainingRequest task(TaskKind value) {
        data = data.withTargets(TargetFormat.of(Objects.requireNonNull(value, "task")));
        return this;
    }

    /**
     * The format of tagged sentences ({@code conll} or {@code jsonl}) or of questions ({@code squad} or {@code jsonl});
     * default ({@code null}): taken from the file.
     */
    public TrainingRequest corpusFormat(String value) {
        corpusFormat = value;
        return this;
    }

    /**
     * Token classification: how word tags are decoded ({@code none}, the default; {@code constrained} or {@code free}: a
     * CRF fitted after the head; {@code joint}: a constrained CRF trained with the head on the CRF likelihood).
     */
    public TrainingRequest crf(String value) {
        crf = value;
        return this;
    }

    /** Question answering: positions of one question-first window, special tokens included (default 384). */
    public TrainingRequest maxLength(Integer value) {
        maxLength = value;
        return this;
    }

    /** Question answering: overlap of consecutive windows of a long context, in sub-tokens (default 128). */
    public TrainingRequest docStride(Integer value) {
        docStride = value;
        return this;
    }

    /** Question answering: longest answer considered, in sub-tokens (default 30). */
    public TrainingRequest maxAnswerLength(Integer value) {
        maxAnswerLength = value;
        return this;
    }

    /** Question answering: start and end positions paired per window in the answer search (default 20). */
    public TrainingRequest nBest(Integer value) {
        nBest = value;
        return this;
    }

    /** Whether to fit the cheap baselines (negative-transfer check) after training (default: yes). */
    public TrainingRequest baselines(boolean value) {
        baselines = value;
        return this;
    }

    /** Where the run is recorded (default {@link RunTracking#defaults()}; {@link RunTracking#off()} for none). */
    public TrainingRequest tracking(RunTracking value) {
        tracking = Objects.requireNonNull(value, "tracking");
        return this;
    }

    /** The arguments recorded in the model's provenance (the CLI's command line; default none). */
    public TrainingRequest commandLine(List<String> value) {
        commandLine = List.copyOf(value);
        return this;
    }

    /** The task the data is read for (classification unless set). */
    public TaskKind task() {
        return data.targets().task();
    }

    /** How a token-classification run decodes word tags ({@link #crf(String)}). */
    public TokenClassification.Crf crfMode() {
        return crf == null ? TokenClassification.Crf.NONE : TokenClassification.Crf.parse(crf);
    }

    /** How a question-answering run cuts windows and reads answers: the settings given over the defaults. */
    public QuestionAnswering.Windows qaWindows() {
        QuestionAnswering.Windows d = QuestionAnswering.Windows.defaults();
        return new QuestionAnswering.Windows(maxLength != null ? maxLength : d.maxLength(),
                docStride != null ? docStride : d.docStride(), maxAnswerLength != null ? maxAnswerLength : d.maxAnswerTokens(),
                nBest != null ? nBest : d.nBest());
    }

    /** The training file. */
    public Path trainFile() {
        return trainFile;
    }

    /** The validation file, or null when the validation split is carved out of the training file. */
    public Path valFile() {
        return valFile;
    }

    /** The test file, or null when the test split (if any) is carved out of the training file. */
    public Path testFile() {
        return testFile;
    }

    /** The output directory. */
    public Path output() {
        return output;
    }

    /** The strategy's name. */
    public String strategyName() {
        return strategy;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** The data options. */
    public DataOptions data() {
        return data;
    }

    /** The strategy this request names: its own, or the registered one. */
    public TrainingStrategy resolveStrategy() {
        return strategyOverride != null ? strategyOverride : Strategies.named(strategy);
    }

    // ---- settings derived from the request, shared by every strategy and front end ----

    /**
     * {@link #precision}, {@code auto} resolved against this machine's CPU: bf16 where it computes bfloat16 products
     * natively, except for question answering and training on a GPU, where bf16 has not been measured against fp32 and
     * auto stays fp32.
     */
    public Precision precisionValue() {
        return precisionValue(trainingDevice());
    }

    /** {@link #precisionValue()} for training on {@code trainingDevice}. */
    Precision precisionValue(Device trainingDevice) {
        if (Precision.isAuto(precision) && (task() == TaskKind.QUESTION_ANSWERING || trainingDevice.isGpu())) {
            return Precision.FP32; // unmeasured: QA in bf16, and bf16 on GPUs
        }
        return Precision.parse(precision, CpuFeatures.current());
    }

    /**
     * The precision of the frozen text encoder's sentence vectors (feature extraction, and the frozen baselines and
     * features other commands compute): bf16 when asked for by name; for auto, bf16 where the CPU has AMX (there
     * measured 1.36× faster end to end than ONNX Runtime in fp32 on book reviews) and fp32 on ONNX Runtime elsewhere;
     * always fp32 for token classification and question answering, whose per-token states come from ONNX Runtime.
     * auto also stays on ONNX Runtime for a {@link #pooling} that reads inner layers or joins several vectors, which only
     * the ONNX encoder computes; bf16 asked for by name with such a pooling is refused.
     *
     * @throws IllegalArgumentException for bf16 by name with a pooling only ONNX Runtime computes
     */
    public Precision frozenTextPrecision() {
        if (SequenceTaskRun.handles(task())) {
            return Precision.FP32;
        }
        boolean onnxPooling = pooling != null && !Pooling.parse(pooling, Arguments.name("pooling")).fineTunable();
        if (bf16Requested()) {
            if (onnxPooling) {
                throw new IllegalArgumentException(Arguments.name("pooling") + " " + pooling.trim() + " is computed only by the"
                        + " frozen encoder on ONNX Runtime, in fp32; " + Arguments.name("precision") + " bf16 runs the encoder on"
                        + " libtorch, which pools by mean or cls. Choose one of those, or leave " + Arguments.name("precision")
                        + " out.");
            }
            return Precision.BF16;
        }
        return Precision.isAuto(precision) && !onnxPooling && CpuFeatures.current().amxBf16() && !trainingDevice().isGpu()
                ? Precision.BF16 : Precision.FP32;
    }

    /** Whether bf16 was asked for by name (not through auto). */
    public boolean bf16Requested() {
        return Precision.namesBf16(precision);
    }

    /** Whether the device was given as auto. */
    boolean deviceAuto() {
        return device.trim().equalsIgnoreCase("auto");
    }

    /** The LoRA or adapter settings for the lora or adapter strategy, else {@code null}. */
    public PeftSpec peftSpec() {
        if (PeftMethod.LORA.key().equals(strategy)) {
            PeftSpec d = PeftSpec.lora();
            PeftSpec p = d.withLora(loraRank != null ? loraRank : d.rank(), loraAlpha != null ? loraAlpha : d.alpha(),
                    loraDropout != null ? loraDropout : d.dropout(),
                    loraTargets != null ? List.copyOf(LoraTarget.parseList(loraTargets)) : d.targets())
                    .withTrainLayerNorms(trainLayerNorms);
            return trial == null ? p : Tunables.apply(p, trial);
        }
        if (PeftMethod.ADAPTER.key().equals(strategy)) {
            PeftSpec d = PeftSpec.adapter();
            PeftSpec p = d.withAdapterSize(adapterSize != null ? adapterSize : d.adapterSize()).withTrainLayerNorms(trainLayerNorms);
            return trial == null ? p : Tunables.apply(p, trial);
        }
        return null;
    }

    /** The text fine-tuning strategy: full fine-tuning, LoRA or adapters, on {@link #trainingDevice()}. */
    public FineTuning fineTuning() {
        return new FineTuning(fineTuneConfig(), peftSpec()).on(trainingDevice());
    }

    /**
     * Whether this run can train where {@link #device} says: text fine-tuning, LoRA and adapters of classification,
     * multi-label and regression (single texts or pairs), and their text feature extraction in fp32 where the loaded
     * ONNX Runtime has its CUDA provider (the frozen pass runs there, the head on the CPU). Everything else trains on
     * the CPU so far. {@code ortCuda}: whether ONNX Runtime's CUDA provider is loaded.
     */
    boolean trainsOnDevice(boolean ortCuda) {
        boolean trainsEncoder = FineTuning.NAME.equals(strategy) || PeftMethod.LORA.key().equals(strategy)
                || PeftMethod.ADAPTER.key().equals(strategy);
        boolean frozenOnOrt = FeatureExtraction.NAME.equals(strategy) && ortCuda && !bf16Requested();
        return (trainsEncoder || frozenOnOrt) && strategyOverride == null && !SequenceTaskRun.handles(task())
                && !SegmentationTrainingRun.requested(this) && (trainFile == null || !ImageDataReader.isImageData(trainFile));
    }

    /**
     * Where training computes: {@link #device} resolved against the GPUs the PyTorch engine sees ({@link DeviceChoice}),
     * where this run can train there ({@code trainsOnDevice}); otherwise the CPU.
     *
     * @throws IllegalArgumentException for an unknown device, or a GPU the engine does not see
     */
    public Device trainingDevice() {
        Device resolved = DeviceChoice.resolve(device);
        return trainingDevice(resolved, resolved.isGpu() && OrtDevices.cudaAvailable());
    }

    /** {@link #trainingDevice()} given {@link #device} resolved to {@code resolved}, and ONNX Runtime's CUDA provider. */
    Device trainingDevice(Device resolved, boolean ortCuda) {
        return resolved.isGpu() && trainsOnDevice(ortCuda) ? resolved : Device.cpu();
    }

    /** The training settings over a strategy's {@code defaults} (text). */
    public TrainConfig trainConfig(TrainConfig defaults) {
        TrainConfig tc = defaults.withSeed(seed).withWeightDecay(weightDecay).withMonitor(Monitor.parse(monitor));
        return tc.overriding(epochs, learningRate, batchSize, patience);
    }

    /** The schedule and warm-up applied to a strategy's own schedule: what was not given keeps {@code base}'s. */
    public LrSchedule schedule(LrSchedule base) {
        return base.overriding(schedule, warmup);
    }

    /** The optimiser and momentum applied to {@code base}. */
    public OptimizerSpec optimizer(OptimizerSpec base) {
        OptimizerSpec o = base.withKind(optimizer);
        if (momentum != null) {
            if (o.kind() != OptimizerSpec.Kind.SGD) {
                throw new IllegalArgumentException(Arguments.name("momentum") + " applies to " + Arguments.name("optimizer")
                        + " sgd; AdamW has no momentum setting.");
            }
            o = o.withMomentum(momentum);
        }
        return o;
    }

    /** Text feature extraction's settings. */
    public FeatureExtractionConfig featureExtractionConfig() {
        return featureExtractionConfig(closedFormHead());
    }

    /**
     * Text feature extraction's settings when it runs beside gradient-trained strategies ({@code graft compare}): the
     * training settings given ({@link #epochs}, {@link #learningRate}, ...) are theirs, so the linear head stays solved
     * in closed form unless {@link #headSolver} gradient was chosen.
     */
    public FeatureExtractionConfig comparedFeatureExtractionConfig() {
        return featureExtractionConfig(comparedClosedFormHead());
    }

    private FeatureExtractionConfig featureExtractionConfig(boolean closedForm) {
        FeatureExtractionConfig c = FeatureExtractionConfig.defaults();
        c = c.withTraining(trainConfig(c.training())).withHiddenUnits(hidden).withDropout(dropout).withOptimizer(optimizer(c.optimizer()))
                .withClosedFormHead(closedForm).withFrozenPrecision(frozenTextPrecision());
        c = threads == null ? c : c.withThreads(threads);
        // a closed-form head would give every trial the same model
        return trial == null ? c : Tunables.apply(c.withClosedFormHead(false), trial);
    }

    /**
     * Whether a linear feature-extraction head is solved in closed form: {@link #headSolver} when given, else yes
     * unless a setting of a gradient-trained head was given (then that is what the caller asked for).
     *
     * @throws IllegalArgumentException for closed-form with class weights or gradient settings, which it would ignore
     */
    public boolean closedFormHead() {
        List<String> gradientSettings = gradientHeadSettings();
        refuseClosedFormWithClassWeights();
        if ("closed-form".equals(headSolver) && !gradientSettings.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", gradientSettings) + (gradientSettings.size() == 1 ? " sets" : " set")
                    + " how a gradient-trained head learns, but " + Arguments.name("headSolver") + " closed-form solves the head"
                    + " without them. Drop " + (gradientSettings.size() == 1 ? "it" : "them") + ", or use "
                    + Arguments.name("headSolver") + " gradient.");
        }
        return headSolver == null ? gradientSettings.isEmpty() : headSolver.equals("closed-form");
    }

    /**
     * Whether feature extraction's linear head is solved in closed form beside gradient-trained strategies: unless
     * {@link #headSolver} gradient was chosen (the training settings given belong to the other strategies).
     */
    boolean comparedClosedFormHead() {
        refuseClosedFormWithClassWeights();
        return !"gradient".equals(headSolver);
    }

    private void refuseClosedFormWithClassWeights() {
        if ("closed-form".equals(headSolver) && classWeights != null && !classWeights.strip().equalsIgnoreCase("none")) {
            throw new IllegalArgumentException(Arguments.name("classWeights") + " weights the loss of a gradient-trained head; "
                    + Arguments.name("headSolver") + " closed-form fits the plain likelihood. Use " + Arguments.name("headSolver")
                    + " gradient with " + Arguments.name("classWeights") + ".");
        }
    }

    /** The settings given that only a gradient-trained feature-extraction head uses, by argument name. */
    private List<String> gradientHeadSettings() {
        List<String> given = new ArrayList<>();
        addIf(given, epochs != null, "epochs");
        addIf(given, learningRate != null, "learningRate");
        addIf(given, batchSize != null, "batchSize");
        addIf(given, patience != null, "patience");
        addIf(given, optimizer != null && !optimizer.strip().equalsIgnoreCase("adamw"), "optimizer"); // adamw is the default
        addIf(given, momentum != null, "momentum");
        return given;
    }

    private static void addIf(List<String> names, boolean given, String argument) {
        if (given) {
            names.add(Arguments.name(argument));
        }
    }

    /** Text fine-tuning's settings (LoRA and adapters too). */
    public FineTuneConfig fineTuneConfig() {
        FineTuneConfig c = FineTuneConfig.defaults();
        FreezeSchedule freeze = new FreezeSchedule(parseUnfreeze(unfreeze == null ? "all" : unfreeze),
                headEpochs == null ? 0 : headEpochs, gradual, freezeEmbeddings);
        c = c.withTraining(trainConfig(c.training())).withSchedule(schedule(c.training().schedule())).withFreeze(freeze)
                .withOptimizer(optimizer(c.optimizer()).withMaxGradNorm(maxGradNorm)).withL2sp(l2sp)
                .withHead(hidden, dropout).withPrecision(precisionValue())
                .withBackboneLr(lrBackbone != null ? lrBackbone : peftSpec() != null ? PeftSpec.DEFAULT_LEARNING_RATE : c.backboneLr(),
                        layerDecay != null ? layerDecay : c.layerDecay());
        return trial == null ? c : Tunables.apply(c, trial);
    }

    /** Threads for image decoding and the CNN (default: at most 2). */
    public int imageThreads() {
        return threads != null ? threads : Math.min(2, Runtime.getRuntime().availableProcessors());
    }

    /** Image training settings over a recipe's {@code defaults}: weight decay only when changed from the text default. */
    TrainConfig imageTrainConfig(TrainConfig defaults) {
        TrainConfig tc = defaults.withSeed(seed).withMonitor(Monitor.parse(monitor));
        tc = tc.overriding(epochs, learningRate, batchSize, patience);
        if (weightDecay != DEFAULT_WEIGHT_DECAY) { // keep the strategy's own otherwise
            tc = tc.withWeightDecay(weightDecay);
        }
        return tc;
    }

    /**
     * Makes the strategy configs (text: {@link #featureExtractionConfig}, {@link #fineTuneConfig}, {@link #peftSpec}; images:
     * {@link #imageFeatureExtractionConfig}, {@link #imageFineTuneConfig}) those of one trial of a hyper-parameter search:
     * {@code settings} (tunable names, {@link Tunables}) over the request's own, with a head trained by gradient descent;
     * {@code null} ends the trial.
     */
    TrainingRequest trial(Map<String, Object> settings) {
        trial = settings == null ? null : Map.copyOf(settings);
        return this;
    }

    /** Image feature extraction's settings. */
    public FeatureExtractionConfig imageFeatureExtractionConfig() {
        return imageFeatureExtractionConfig(closedFormHead());
    }

    /** Image feature extraction's settings beside gradient-trained strategies (as {@link #comparedFeatureExtractionConfig()}). */
    public FeatureExtractionConfig comparedImageFeatureExtractionConfig() {
        return imageFeatureExtractionConfig(comparedClosedFormHead());
    }

    private FeatureExtractionConfig imageFeatureExtractionConfig(boolean closedForm) {
        FeatureExtractionConfig fe = FeatureExtractionConfig.defaults();
        fe = fe.withTraining(imageTrainConfig(fe.training())).withHiddenUnits(hidden).withDropout(dropout)
                .withOptimizer(optimizer(fe.optimizer())).withThreads(imageThreads()).withClosedFormHead(closedForm);
        // a closed-form head would give every trial the same model
        return trial == null ? fe : Tunables.apply(fe.withClosedFormHead(false), trial);
    }

    /** The CNN recipe ({@link ImageTransfer#cnnDefaults()}) with the settings given; what was not given keeps the recipe's. */
    public FineTuneConfig imageFineTuneConfig() {
        FineTuneConfig cfg = ImageTransfer.cnnDefaults();
        TrainConfig tc = imageTrainConfig(cfg.training());
        FreezeSchedule recipe = cfg.freeze();
        FreezeSchedule freeze = new FreezeSchedule(unfreeze == null ? recipe.depth() : parseUnfreeze(unfreeze),
                headEpochs != null ? headEpochs : recipe.headEpochs(), gradual || recipe.gradual(), false);
        cfg = cfg.withTraining(tc).withFreeze(freeze).withHead(hidden, dropout)
                .withPrecision(bf16Requested() ? Precision.BF16 : Precision.FP32); // auto: fp32 for images
        cfg = cfg.withSchedule(schedule(cfg.training().schedule()));
        if (lrBackbone != null || layerDecay != null) {
            cfg = cfg.withBackboneLr(lrBackbone != null ? lrBackbone : cfg.backboneLr(), layerDecay != null ? layerDecay : cfg.layerDecay());
        }
        if (!"adamw".equals(optimizer) || momentum != null) {
            cfg = cfg.withOptimizer(optimizer(cfg.optimizer()));
        }
        cfg = cfg.withOptimizer(cfg.optimizer().withMaxGradNorm(maxGradNorm)).withL2sp(l2sp);
        return trial == null ? cfg : Tunables.apply(cfg, trial);
    }

    /** The task choices: class weights, positive label, decision threshold, Huber delta and target name. */
    public TaskOptions taskOptions() {
        boolean balanced = false;
        if (classWeights != null) {
            switch (classWeights.strip().toLowerCase(Locale.ROOT)) {
                case "balanced" -> balanced = true;
                case "none" -> balanced = false;
                default -> throw new IllegalArgumentException("Unknown " + Arguments.name("classWeights") + " '" + classWeights
                        + "'; use none or balanced.");
            }
        }
        DecisionThreshold threshold = DecisionThreshold.NONE;
        if (decisionThreshold != null) {
            try {
                threshold = DecisionThreshold.parse(decisionThreshold);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(Arguments.name("decisionThreshold") + ": " + e.getMessage() + ".");
            }
        }
        return new TaskOptions(balanced, targetName, huberDelta == null ? 0 : huberDelta, positiveLabel, threshold);
    }

    /** The run's settings as recorded by tracking: the strategy's settings plus the data and model chosen. */
    public java.util.Map<String, Object> runParams(java.util.Map<String, Object> settings) {
        java.util.Map<String, Object> p = new java.util.LinkedHashMap<>(settings);
        p.put("model", model == null ? DEFAULT_TEXT_MODEL : model);
        if (pooling != null) {
            p.put("pooling", pooling);
        }
        p.put("strategy", strategy);
        p.put("train", trainFile.toString());
        p.put("val", valFile == null ? "split from train (" + valFraction + ")" : valFile.toString());
        p.put("test", testFile == null ? (valFile == null ? "split from train (" + testFraction + ")" : "none") : testFile.toString());
        p.put("max_train", maxTrain == null ? "all" : maxTrain.toString());
        return p;
    }

    /** {@code all} or a number of layer groups ≥ 0. */
    public static int parseUnfreeze(String v) {
        if (v.equalsIgnoreCase("all")) {
            return FreezeSchedule.ALL;
        }
        try {
            int k = Integer.parseInt(v);
            if (k >= 0) {
                return k;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException(Arguments.name("unfreeze") + " takes 'all' or a number of layer groups ≥ 0, got '" + v + "'.");
    }
}

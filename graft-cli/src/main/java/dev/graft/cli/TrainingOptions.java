package dev.graft.cli;

import ai.djl.Device;
import dev.graft.data.DatasetSplits;
import dev.graft.task.DecisionThreshold;
import dev.graft.task.TaskOptions;
import dev.graft.data.LabelMap;
import dev.graft.data.Splits;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextDataset;
import dev.graft.model.CpuFeatures;
import dev.graft.model.DeviceChoice;
import dev.graft.model.Precision;
import dev.graft.model.card.Licenses;
import dev.graft.model.peft.LoraTarget;
import dev.graft.model.peft.PeftMethod;
import dev.graft.model.peft.PeftSpec;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.FineTuneConfig;
import dev.graft.strategy.FineTuning;
import dev.graft.training.FreezeSchedule;
import dev.graft.training.LrSchedule;
import dev.graft.training.Monitor;
import dev.graft.training.TrainConfig;
import dev.graft.training.optim.OptimizerSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What to train on and how: data, pretrained model, strategy and every training setting. Shared
 * by {@code graft train} and {@code graft lr-find}, so both read the same options the same way.
 */
final class TrainingOptions {

    @Option(names = "--train", required = true, paramLabel = "PATH", description = "Labelled training data (CSV, TSV or JSONL), or images: a folder of class folders or a CSV of path,label.")
    Path train;

    @Option(names = "--val", paramLabel = "PATH", description = "Validation data (default: split off --train).")
    Path val;

    @Option(names = "--test", paramLabel = "PATH", description = "Test data, scored once with the final model.")
    Path test;

    @Option(names = "--model", defaultValue = "minilm", paramLabel = "NAME|PATH",
            description = "Pretrained model: a name from `graft models list` or a model directory (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--strategy", defaultValue = FeatureExtraction.NAME, paramLabel = "NAME",
            description = "Transfer strategy: feature-extraction (frozen backbone, cached embeddings, new head), fine-tune,"
                    + " lora (low-rank updates on chosen encoder layers, backbone frozen) or adapter (bottleneck adapters after"
                    + " each attention and feed-forward block, backbone frozen) (default: ${DEFAULT-VALUE}).")
    String strategy;

    @Mixin
    DataOptionsMixin data;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Maximum epochs (default: " + TrainConfig.DEFAULT_EPOCHS + " for feature-extraction, 4 for fine-tune, 5 for image fine-tune).")
    Integer epochs;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Seed for splitting, initialisation, dropout and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-train", paramLabel = "N", description = "Use at most N training examples (stratified sample).")
    Integer maxTrain;

    @Option(names = "--val-fraction", defaultValue = "0.1", paramLabel = "F", description = "Share of --train held out for validation when --val is absent (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--test-fraction", defaultValue = "0.1", paramLabel = "F", description = "Share of --train held out for testing when neither --val nor --test is given (default: ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = {"--lr", "--lr-head"}, paramLabel = "RATE",
            description = "Learning rate of the new head (default: " + TrainConfig.DEFAULT_LEARNING_RATE + " for feature-extraction, 1e-3 for fine-tune).")
    Double learningRate;

    @Option(names = "--weight-decay", defaultValue = "0.01", paramLabel = "W", description = "AdamW weight decay, not applied to biases and norms (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--batch-size", paramLabel = "N", description = "Examples per step (default: 32 for feature-extraction, 16 for fine-tune, 32 for image fine-tune).")
    Integer batchSize;

    @Option(names = "--patience", paramLabel = "N",
            description = "Epochs without improvement before stopping; 0 = never stop early (default: " + TrainConfig.DEFAULT_PATIENCE + " for feature-extraction, 2 for fine-tune).")
    Integer patience;

    @Option(names = "--monitor", defaultValue = "macro_f1", paramLabel = "METRIC", description = "Validation metric that picks the best epoch:"
            + " macro_f1, accuracy or loss; two classes also roc_auc, pr_auc; multi-label also micro_f1, map, subset_accuracy;"
            + " regression pearson, spearman, r2, rmse, mae"
            + " (default: ${DEFAULT-VALUE}; for regression: loss).")
    String monitor;

    @Option(names = "--head-solver", paramLabel = "closed-form|gradient",
            description = "Feature extraction with a linear head: solve it in closed form with cross-validated"
                    + " regularisation (closed-form: multinomial or one-vs-rest logistic regression, ridge regression for"
                    + " regression; what scikit-learn's LogisticRegressionCV/RidgeCV fit) or train it by gradient descent"
                    + " (gradient). Default: closed-form, unless --class-weights or a setting of the gradient-trained head"
                    + " (--epochs, --lr, --batch-size, --patience, --optimizer, --momentum) is given.")
    String headSolver;

    @Option(names = "--class-weights", paramLabel = "none|balanced",
            description = "Classification: weight each class's loss by n / (classes * count) for imbalanced data (balanced), or not (none, the default).")
    String classWeights;

    @Option(names = "--positive-label", paramLabel = "LABEL",
            description = "Two-class classification: the positive class, whose probability ROC-AUC, PR-AUC and --decision-threshold"
                    + " score (default: the second class in label order).")
    String positiveLabel;

    @Option(names = "--decision-threshold", paramLabel = "tune:METRIC|P|none",
            description = "Two-class classification: predict the positive class when its probability is at least P, or at a"
                    + " threshold tuned on the validation set after training to maximise METRIC (f1, balanced_accuracy, mcc or"
                    + " accuracy); saved with the model and used by predict and evaluate (default: none, the most probable class).")
    String decisionThreshold;

    @Option(names = "--huber-delta", paramLabel = "D",
            description = "Regression: Huber loss with this delta on the standardised target instead of squared error (default: squared error).")
    Double huberDelta;

    @Option(names = "--target-name", paramLabel = "NAME",
            description = "Regression: what the target is called in predictions and reports (default: value).")
    String targetName;

    @Option(names = "--hidden", defaultValue = "0", paramLabel = "UNITS", description = "Units of an optional hidden layer in the head; 0 = linear head (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--dropout", defaultValue = "0.1", paramLabel = "P", description = "Head dropout (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--unfreeze", paramLabel = "all|K",
            description = "fine-tune: train the top K layer groups of the backbone, or all (default: all; CNNs after 1 head-only epoch).")
    String unfreeze;

    @Option(names = "--gradual", description = "fine-tune: unfreeze one more layer group per epoch, top-down (gradual unfreezing).")
    boolean gradual;

    @Option(names = "--head-epochs", defaultValue = "0", paramLabel = "N", description = "fine-tune: train the head alone for the first N epochs (default: ${DEFAULT-VALUE}; 1 for images).")
    int headEpochs;

    @Option(names = "--freeze-embeddings", description = "fine-tune: keep the embedding layer frozen.")
    boolean freezeEmbeddings;

    @Option(names = "--lr-backbone", paramLabel = "RATE", description = "fine-tune: learning rate of the top backbone layer (default: 1e-4);"
            + " lora, adapter: learning rate of the LoRA updates or adapters (default: " + PeftSpec.DEFAULT_LEARNING_RATE + ").")
    Double lrBackbone;

    @Option(names = "--layer-decay", paramLabel = "F", description = "fine-tune: learning-rate factor per layer going down; 1 = same rate for all (default: 0.9).")
    Double layerDecay;

    @Option(names = "--optimizer", defaultValue = "adamw", paramLabel = "adamw|sgd", description = "Optimiser of the trained weights (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--momentum", paramLabel = "M", description = "SGD momentum in [0, 1) (default 0.9); only with --optimizer sgd.")
    Double momentum;

    /** {@code null} when not given: the strategy's own schedule applies (linear for text, one-cycle for images). */
    @Option(names = "--schedule", paramLabel = "NAME",
            description = "fine-tune: learning-rate schedule: linear (warm-up then linear decay), cosine, onecycle or constant (default: linear; onecycle for images).")
    String schedule;

    /** {@code null} when not given: the schedule's own warm-up applies. */
    @Option(names = "--warmup", paramLabel = "F", description = "fine-tune: warm-up fraction of all steps; for onecycle the rising"
            + " fraction (default: " + LrSchedule.DEFAULT_WARMUP + "; images: " + LrSchedule.DEFAULT_ONE_CYCLE_RISE + " with onecycle).")
    Double warmup;

    @Option(names = "--max-grad-norm", defaultValue = "1.0", paramLabel = "N", description = "fine-tune: clip gradients to this global norm; 0 = off (default: ${DEFAULT-VALUE}).")
    double maxGradNorm;

    @Option(names = "--l2sp", defaultValue = "0", paramLabel = "ALPHA", description = "fine-tune: L2-SP regularisation toward the pretrained weights; 0 = off (default: ${DEFAULT-VALUE}).")
    double l2sp;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads for the pretrained model (default: all cores).")
    Integer threads;

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|bf16|auto",
            description = "fine-tune, lora, adapter (text): number format of the encoder's matrix products: fp32, bf16 (bfloat16"
                    + " products; weights, optimiser state, LayerNorm, softmax and loss stay float32) or auto (bf16 where the CPU"
                    + " has AVX512_BF16 or AMX, else fp32) (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda|auto",
            description = "Where training computes: cpu, cuda (cuda:N) or auto (a GPU if the PyTorch engine sees one). Training"
                    + " runs on the CPU so far: cuda is refused, auto falls back to cpu with a note (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--lora-rank", paramLabel = "R", description = "lora: rank r of each low-rank update B·A (default: " + PeftSpec.DEFAULT_RANK + ").")
    Integer loraRank;

    @Option(names = "--lora-alpha", paramLabel = "A", description = "lora: scaling numerator; updates are scaled by alpha/rank (default: 16).")
    Double loraAlpha;

    @Option(names = "--lora-dropout", paramLabel = "P", description = "lora: dropout on the input of each update (default: " + PeftSpec.DEFAULT_DROPOUT + ").")
    Double loraDropout;

    @Option(names = "--lora-targets", paramLabel = "LIST",
            description = "lora: comma list of the linear layers updated in every encoder layer, from query,key,value,"
                    + "attention-output,intermediate,output (default: query,value).")
    String loraTargets;

    @Option(names = "--adapter-size", paramLabel = "N", description = "adapter: bottleneck width of each adapter (default: " + PeftSpec.DEFAULT_ADAPTER_SIZE + ").")
    Integer adapterSize;

    @Option(names = "--train-layernorms", description = "lora, adapter: train the encoder's LayerNorm weights and biases too (default: frozen).")
    boolean trainLayerNorms;

    /**
     * Whether the encoder trains on libtorch: fine-tuning, LoRA or adapters (else feature extraction); rejects
     * unknown names and LoRA/adapter options given to another strategy.
     */
    boolean fineTune() {
        boolean peft = PeftMethod.LORA.key().equals(strategy) || PeftMethod.ADAPTER.key().equals(strategy);
        if (!FeatureExtraction.NAME.equals(strategy) && !FineTuning.NAME.equals(strategy) && !peft) {
            throw new IllegalArgumentException("Unknown --strategy '" + strategy + "'. Available: " + FeatureExtraction.NAME
                    + ", " + FineTuning.NAME + ", " + PeftMethod.LORA.key() + ", " + PeftMethod.ADAPTER.key() + ".");
        }
        boolean loraOptions = loraRank != null || loraAlpha != null || loraDropout != null || loraTargets != null;
        if (loraOptions && !PeftMethod.LORA.key().equals(strategy)) {
            throw new IllegalArgumentException("--lora-rank, --lora-alpha, --lora-dropout and --lora-targets apply to --strategy lora,"
                    + " not " + strategy + ".");
        }
        if (adapterSize != null && !PeftMethod.ADAPTER.key().equals(strategy)) {
            throw new IllegalArgumentException("--adapter-size applies to --strategy adapter, not " + strategy + ".");
        }
        if (trainLayerNorms && !peft) {
            throw new IllegalArgumentException("--train-layernorms applies to --strategy lora or adapter; with fine-tune every"
                    + " LayerNorm trains already.");
        }
        if (peft && (unfreeze != null || gradual || freezeEmbeddings)) {
            throw new IllegalArgumentException("--unfreeze, --gradual and --freeze-embeddings apply to --strategy fine-tune: with "
                    + strategy + " the pretrained weights stay frozen and only the " + strategy + " modules and the head train"
                    + " (--head-epochs still applies).");
        }
        if (!peft && !FineTuning.NAME.equals(strategy) && bf16Requested()) {
            throw new IllegalArgumentException("--precision bf16 applies to --strategy fine-tune, lora or adapter: feature extraction"
                    + " runs the frozen encoder on ONNX Runtime in fp32.");
        }
        return !FeatureExtraction.NAME.equals(strategy);
    }

    /** {@code --precision}, {@code auto} resolved against this machine's CPU. */
    Precision precision() {
        return Precision.parse(precision, CpuFeatures.current());
    }

    /** Whether {@code --precision} asked for bf16 by name (not through auto). */
    boolean bf16Requested() {
        return !isAuto(precision) && precision() == Precision.BF16;
    }

    private static boolean isAuto(String value) {
        return value != null && value.trim().equalsIgnoreCase("auto");
    }

    /** Refuses {@code --precision bf16} for image data: the vision backbones train in fp32. */
    void refuseBf16ForImages() {
        if (bf16Requested()) {
            throw new IllegalArgumentException("--precision bf16 applies to text encoders; images train in fp32.");
        }
    }

    /**
     * Checks {@code --device}: training computes on the CPU, so a GPU asked for by name is refused and one that
     * {@code auto} finds is passed over with a note on {@code err}.
     */
    void checkDevice(PrintStream err) {
        Device d = DeviceChoice.resolve(device);
        if (!d.isGpu()) {
            return;
        }
        if (isAuto(device)) {
            err.println("note: --device auto found " + d + ", but Graft trains on the CPU so far; using cpu.");
            return;
        }
        throw new IllegalArgumentException("--device " + device + ": training on a GPU is not supported yet (modules, batches and"
                + " optimiser state are created on the CPU); use --device cpu.");
    }

    /** The LoRA or adapter settings for {@code --strategy lora|adapter}, else {@code null}. */
    PeftSpec peftSpec() {
        if (PeftMethod.LORA.key().equals(strategy)) {
            PeftSpec d = PeftSpec.lora();
            return d.withLora(loraRank != null ? loraRank : d.rank(), loraAlpha != null ? loraAlpha : d.alpha(),
                    loraDropout != null ? loraDropout : d.dropout(),
                    loraTargets != null ? List.copyOf(LoraTarget.parseList(loraTargets)) : d.targets())
                    .withTrainLayerNorms(trainLayerNorms);
        }
        if (PeftMethod.ADAPTER.key().equals(strategy)) {
            PeftSpec d = PeftSpec.adapter();
            return d.withAdapterSize(adapterSize != null ? adapterSize : d.adapterSize()).withTrainLayerNorms(trainLayerNorms);
        }
        return null;
    }

    /** The text fine-tuning strategy these options describe: full fine-tuning, LoRA or adapters. */
    FineTuning fineTuning() {
        return new FineTuning(fineTuneConfig(), peftSpec());
    }

    /** Checks the split settings before any data or model is read, for a command that trains (and so needs validation data). */
    void checkSplitSettings() {
        checkSplitSettings(true);
        if (headSolver != null && !headSolver.equals("closed-form") && !headSolver.equals("gradient")) {
            throw new IllegalArgumentException("Unknown --head-solver '" + headSolver + "'; use closed-form or gradient.");
        }
    }

    /** Checks the split settings before any data or model is read; {@code needsValidation}: refuse settings that leave none. */
    void checkSplitSettings(boolean needsValidation) {
        checkFraction("--val-fraction", valFraction);
        checkFraction("--test-fraction", testFraction);
        if (val == null && test == null && valFraction + testFraction >= 1) {
            throw new IllegalArgumentException("--val-fraction + --test-fraction must be below 1 so that data is left for"
                    + " training, got " + (valFraction + testFraction) + ". Lower one of them (the defaults are 0.1 each).");
        }
        if (needsValidation && val == null && valFraction == 0) {
            throw new IllegalArgumentException("--val-fraction 0 leaves no validation data, which training needs to choose its"
                    + " best epoch. Give a fraction above 0 (the default is 0.1) or a validation file with --val.");
        }
    }

    /** The pretrained model, downloaded if it is a Hub reference; warns about its licence. */
    TextModelSpec resolveModel(PrintStream err, boolean quiet) {
        TextModelSpec backbone = TextModels.resolve(model, new BarProgress(err, quiet));
        Licenses.trainingWarning(backbone.id(), backbone.license()).ifPresent(w -> err.println("warning: " + w));
        return backbone;
    }

    TrainConfig trainConfig(TrainConfig defaults) {
        TrainConfig tc = defaults.withSeed(seed).withWeightDecay(weightDecay).withMonitor(Monitor.parse(monitor));
        tc = tc.overriding(epochs, learningRate, batchSize, patience);
        return tc;
    }

    /**
     * {@code --schedule} and {@code --warmup} applied to a strategy's own schedule: what was not given keeps
     * {@code base}'s (see {@link LrSchedule#overriding}).
     */
    LrSchedule schedule(LrSchedule base) {
        return base.overriding(schedule, warmup);
    }

    /** {@code --optimizer} and {@code --momentum} applied to {@code base}. */
    OptimizerSpec optimizer(OptimizerSpec base) {
        OptimizerSpec o = base.withKind(optimizer);
        if (momentum != null) {
            if (o.kind() != OptimizerSpec.Kind.SGD) {
                throw new IllegalArgumentException("--momentum applies to --optimizer sgd; AdamW has no momentum setting.");
            }
            o = o.withMomentum(momentum);
        }
        return o;
    }

    FeatureExtractionConfig featureExtractionConfig() {
        FeatureExtractionConfig c = FeatureExtractionConfig.defaults();
        c = c.withTraining(trainConfig(c.training())).withHiddenUnits(hidden).withDropout(dropout).withOptimizer(optimizer(c.optimizer()))
                .withClosedFormHead(closedFormHead());
        return threads == null ? c : c.withThreads(threads);
    }

    /**
     * Whether a linear feature-extraction head is solved in closed form: {@code --head-solver} when given, else yes
     * unless the user set how a gradient-trained head trains (then that is what they asked for).
     */
    boolean closedFormHead() {
        List<String> gradientSettings = gradientHeadSettings();
        if ("closed-form".equals(headSolver) && classWeights != null && !classWeights.strip().equalsIgnoreCase("none")) {
            throw new IllegalArgumentException("--class-weights weights the loss of a gradient-trained head; --head-solver"
                    + " closed-form fits the plain likelihood. Use --head-solver gradient with --class-weights.");
        }
        if ("closed-form".equals(headSolver) && !gradientSettings.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", gradientSettings) + (gradientSettings.size() == 1 ? " sets" : " set")
                    + " how a gradient-trained head learns, but --head-solver closed-form solves the head without them."
                    + " Drop " + (gradientSettings.size() == 1 ? "it" : "them") + ", or use --head-solver gradient.");
        }
        return headSolver == null ? gradientSettings.isEmpty() : headSolver.equals("closed-form");
    }

    /** The options given that only a gradient-trained feature-extraction head uses. */
    private List<String> gradientHeadSettings() {
        List<String> given = new ArrayList<>();
        if (epochs != null) given.add("--epochs");
        if (learningRate != null) given.add("--lr");
        if (batchSize != null) given.add("--batch-size");
        if (patience != null) given.add("--patience");
        if (optimizer != null && !optimizer.strip().equalsIgnoreCase("adamw")) given.add("--optimizer"); // adamw is the default
        if (momentum != null) given.add("--momentum");
        return given;
    }

    FineTuneConfig fineTuneConfig() {
        FineTuneConfig c = FineTuneConfig.defaults();
        FreezeSchedule freeze = new FreezeSchedule(parseUnfreeze(unfreeze == null ? "all" : unfreeze), headEpochs, gradual, freezeEmbeddings);
        c = c.withTraining(trainConfig(c.training())).withSchedule(schedule(c.training().schedule())).withFreeze(freeze)
                .withOptimizer(optimizer(c.optimizer()).withMaxGradNorm(maxGradNorm)).withL2sp(l2sp)
                .withHead(hidden, dropout).withPrecision(precision())
                .withBackboneLr(lrBackbone != null ? lrBackbone : peftSpec() != null ? PeftSpec.DEFAULT_LEARNING_RATE : c.backboneLr(),
                        layerDecay != null ? layerDecay : c.layerDecay());
        return c;
    }

    static int parseUnfreeze(String v) {
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
        throw new IllegalArgumentException("--unfreeze takes 'all' or a number of layer groups ≥ 0, got '" + v + "'.");
    }

    /** The run's settings as recorded by tracking: the strategy's settings plus the data and model chosen. */
    Map<String, Object> runParams(Map<String, Object> settings) {
        Map<String, Object> p = new java.util.LinkedHashMap<>(settings);
        p.put("model", model);
        p.put("strategy", strategy);
        p.put("train", train.toString());
        p.put("val", val == null ? "split from train (" + valFraction + ")" : val.toString());
        p.put("test", test == null ? (val == null ? "split from train (" + testFraction + ")" : "none") : test.toString());
        p.put("max_train", maxTrain == null ? "all" : maxTrain.toString());
        return p;
    }

    private static void checkFraction(String flag, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(flag + " must be at least 0 and below 1 (e.g. 0.1), got " + value + ".");
        }
    }

    DatasetSplits readSplits(PrintStream err) {
        var options = data.toOptions();
        TextDataset trainSet = TextDataReader.read(train, options);
        DataOptionsMixin.skippedNote(trainSet).ifPresent(err::println);
        if (maxTrain != null) {
            trainSet = Splits.subsample(trainSet, maxTrain, seed);
        }
        if (val == null && test == null) {
            return Splits.stratified(trainSet, valFraction, testFraction, seed);
        }
        TextDataset valSet = val == null ? null : TextDataReader.read(val, options);
        TextDataset testSet = test == null ? null : TextDataReader.read(test, options);
        for (TextDataset d : new TextDataset[] {valSet, testSet}) {
            if (d != null) {
                DataOptionsMixin.skippedNote(d).ifPresent(err::println);
            }
        }
        return Splits.withDatasets(trainSet, valSet, testSet, seed);
    }

    /** The task choices of --class-weights, --positive-label, --decision-threshold, --huber-delta and --target-name. */
    TaskOptions taskOptions() {
        boolean balanced = false;
        if (classWeights != null) {
            switch (classWeights.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "balanced" -> balanced = true;
                case "none" -> balanced = false;
                default -> throw new IllegalArgumentException("Unknown --class-weights '" + classWeights + "'; use none or balanced.");
            }
        }
        DecisionThreshold threshold = DecisionThreshold.NONE;
        if (decisionThreshold != null) {
            try {
                threshold = DecisionThreshold.parse(decisionThreshold);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--decision-threshold: " + e.getMessage() + ".");
            }
        }
        return new TaskOptions(balanced, targetName, huberDelta == null ? 0 : huberDelta, positiveLabel, threshold);
    }

    void report(DatasetSplits splits, PrintStream err, boolean quiet) {
        if (splits.task() != dev.graft.data.TaskKind.CLASSIFICATION) {
            if (!quiet) {
                err.printf("train %d, val %d%s %s; task: %s%n", splits.train().size(), splits.val().size(),
                        splits.test().map(t -> ", test " + t.size()).orElse(""), splits.hasPairs() ? "text pairs" : "examples",
                        splits.train().targets());
            }
            return;
        }
        Map<String, Integer> counts = LabelMap.classCounts(splits.train());
        if (!quiet) {
            err.printf("train %d, val %d%s %s; classes: %s%n", splits.train().size(), splits.val().size(),
                    splits.test().map(t -> ", test " + t.size()).orElse(""), splits.hasPairs() ? "text pairs" : "examples", counts);
        }
        LabelMap.imbalanceWarning(splits.train()).ifPresent(w -> err.println("warning: " + w));
        LabelMap.similarLabelsWarning(splits.train()).ifPresent(w -> err.println("warning: " + w));
    }
}

package dev.graft.cli;


import dev.graft.data.DatasetSplits;
import dev.graft.model.peft.PeftSpec;
import dev.graft.model.text.TextModelSpec;
import dev.graft.run.RunListener;
import dev.graft.run.TrainingRequest;
import dev.graft.run.TrainingRun;
import dev.graft.run.TrainingStrategy;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.FineTuneConfig;
import dev.graft.strategy.FineTuning;
import dev.graft.data.TaskKind;
import dev.graft.task.TaskOptions;
import dev.graft.training.LrSchedule;
import dev.graft.training.TrainConfig;
import dev.graft.training.TrainingListener;
import dev.graft.util.Progress;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What to train on and how: data, pretrained model, strategy and every training setting, parsed into core's
 * {@link TrainingRequest} (which holds the logic). Shared by {@code graft train}, {@code lr-find}, {@code tune},
 * {@code compare} and {@code rank}, so all read the same options the same way.
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

    @Option(names = "--head-epochs", paramLabel = "N", description = "fine-tune: train the head alone for the first N epochs (default: 0; 1 for images).")
    Integer headEpochs;

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

    @Option(names = "--precision", defaultValue = "auto", paramLabel = "fp32|bf16|auto",
            description = "fine-tune, lora, adapter (text): number format of the encoder's matrix products: fp32, bf16 (bfloat16"
                    + " products; weights, optimiser state, LayerNorm, softmax and loss stay float32) or auto (bf16 where the CPU"
                    + " has AVX512_BF16 or AMX, else fp32; question answering stays fp32; a run auto turns to bf16 says so); image fine-tuning with a MobileNetV2: bf16 computes its convolutions"
                    + " in bfloat16 (auto: fp32); text feature-extraction: bf16 runs the frozen encoder on libtorch with"
                    + " bfloat16 products instead of ONNX Runtime in fp32, and the saved model predicts the same way (auto:"
                    + " bf16 where the CPU has AMX) (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda|auto",
            description = "Where training computes: cpu, cuda (cuda:N) or auto (a GPU if the PyTorch engine sees one, which needs"
                    + " a CUDA build of libtorch: GRAFT_LIBTORCH, see graft devices). Text fine-tune, lora and adapter runs"
                    + " train on the GPU, and text feature extraction runs its frozen pass there with ONNX Runtime's GPU build"
                    + " (GRAFT_ORT_JAR); other runs refuse cuda, and auto leaves them on the CPU with a note (default:"
                    + " ${DEFAULT-VALUE}).")
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
     * These options as core's {@link TrainingRequest} (no output: {@code graft train} adds {@code --out} and its own
     * options); one request per call, so a command may change it.
     */
    TrainingRequest request() {
        TrainingRequest r = TrainingRequest.of(train).valFile(val).testFile(test).data(data.toOptions()).model(model)
                .strategy(strategy).epochs(epochs).seed(seed).maxTrain(maxTrain).valFraction(valFraction).testFraction(testFraction)
                .learningRate(learningRate).weightDecay(weightDecay).batchSize(batchSize).patience(patience).monitor(monitor)
                .headSolver(headSolver).classWeights(classWeights).positiveLabel(positiveLabel).decisionThreshold(decisionThreshold)
                .huberDelta(huberDelta).targetName(targetName).hidden(hidden).dropout(dropout).unfreeze(unfreeze).gradual(gradual)
                .headEpochs(headEpochs).freezeEmbeddings(freezeEmbeddings).lrBackbone(lrBackbone).layerDecay(layerDecay)
                .optimizer(optimizer).momentum(momentum).schedule(schedule).warmup(warmup).maxGradNorm(maxGradNorm).l2sp(l2sp)
                .threads(threads).precision(precision).device(device).loraRank(loraRank).loraAlpha(loraAlpha)
                .loraDropout(loraDropout).loraTargets(loraTargets).adapterSize(adapterSize).trainLayerNorms(trainLayerNorms);
        TaskKind kind = data.task == null ? TaskKind.CLASSIFICATION : TaskKind.parse(data.task);
        if (kind == TaskKind.TOKEN_CLASSIFICATION || kind == TaskKind.QUESTION_ANSWERING) {
            r = r.task(kind).corpusFormat(data.format); // tagged sentences or questions: no label column
        }
        return r;
    }

    /** A listener printing to {@code err}: notes always, progress and summaries unless {@code quiet}. */
    static RunListener listener(PrintStream err, boolean quiet) {
        return listener(err, quiet, new EpochProgress(err, quiet));
    }

    /** As {@link #listener(PrintStream, boolean)}, with {@code epochLines} printing each epoch. */
    static RunListener listener(PrintStream err, boolean quiet, TrainingListener epochLines) {
        return new RunListener() {
            @Override
            public Progress progress() {
                return new BarProgress(err, quiet);
            }

            @Override
            public List<TrainingListener> epochs() {
                return List.of(epochLines);
            }

            @Override
            public void message(String line) {
                err.println(line);
            }

            @Override
            public void summary(String line) {
                if (!quiet) {
                    err.println(line);
                }
            }
        };
    }

    /**
     * Whether the encoder trains on libtorch: fine-tuning, LoRA or adapters (else feature extraction); rejects
     * unknown names and LoRA/adapter options given to another strategy.
     */
    boolean fineTune() {
        TrainingRequest r = request();
        TrainingStrategy s = r.resolveStrategy();
        TrainingRun.checkStrategySettings(r);
        return s.trainsBackbone();
    }

    /** Refuses {@code --precision bf16} for segmentation, which trains in fp32. */
    void refuseBf16ForSegmentation() {
        TrainingRun.refuseBf16ForSegmentation(request());
    }

    /**
     * Checks {@code --device} (core's {@link TrainingRun#checkDevice}); the request carries the device alone, so that
     * tasks whose data are no label column (segmentation, question answering) can be checked too.
     */
    void checkDevice(PrintStream err) {
        TrainingRun.checkDevice(TrainingRequest.of(train).device(device), listener(err, false));
    }

    /** The LoRA or adapter settings for {@code --strategy lora|adapter}, else {@code null}. */
    PeftSpec peftSpec() {
        return request().peftSpec();
    }

    /** The text fine-tuning strategy these options describe: full fine-tuning, LoRA or adapters. */
    FineTuning fineTuning() {
        return request().fineTuning();
    }

    /** Checks the split settings before any data or model is read, for a command that trains (and so needs validation data). */
    void checkSplitSettings() {
        checkSplitSettings(true);
    }

    /** Checks the split settings before any data or model is read; {@code needsValidation}: refuse settings that leave none. */
    void checkSplitSettings(boolean needsValidation) {
        TrainingRun.checkSplitSettings(request(), needsValidation);
    }

    /** The pretrained model, downloaded if it is a Hub reference; warns about its licence. */
    TextModelSpec resolveModel(PrintStream err, boolean quiet) {
        return TrainingRun.resolveTextModel(model, listener(err, quiet));
    }

    FeatureExtractionConfig featureExtractionConfig() {
        return request().featureExtractionConfig();
    }

    FineTuneConfig fineTuneConfig() {
        return request().fineTuneConfig();
    }

    static int parseUnfreeze(String v) {
        return TrainingRequest.parseUnfreeze(v);
    }

    /** The run's settings as recorded by tracking: the strategy's settings plus the data and model chosen. */
    Map<String, Object> runParams(Map<String, Object> settings) {
        return request().runParams(settings);
    }

    DatasetSplits readSplits(PrintStream err) {
        return TrainingRun.readSplits(request(), listener(err, false));
    }

    /** The task choices of --class-weights, --positive-label, --decision-threshold, --huber-delta and --target-name. */
    TaskOptions taskOptions() {
        return request().taskOptions();
    }

    void report(DatasetSplits splits, PrintStream err, boolean quiet) {
        TrainingRun.describe(splits, listener(err, quiet));
    }
}

package dev.graft.strategy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.graft.artifact.Provenance;
import dev.graft.artifact.TextClassifier;
import dev.graft.data.DatasetSplits;
import dev.graft.data.LabelMap;
import dev.graft.data.TextDataset;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.model.Precision;
import dev.graft.model.bert.BertBackbone;
import dev.graft.model.bert.BertModel;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.peft.PeftModules;
import dev.graft.model.peft.PeftSpec;
import dev.graft.model.text.DjlTextEncoder;
import dev.graft.model.text.PairEncoding;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextTokenizer;
import dev.graft.model.text.TransformerClassifier;
import dev.graft.training.Checkpointing;
import dev.graft.training.FitResult;
import dev.graft.training.FreezeSchedule;
import dev.graft.task.Task;
import dev.graft.task.Tasks;
import dev.graft.training.Learner;
import dev.graft.training.LrFinder;
import dev.graft.training.TokenBatches;
import dev.graft.training.TrainingListener;
import dev.graft.util.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fine-tuning: the pretrained encoder and a new head train together under a
 * {@link FineTuneConfig} — layer groups frozen or unfrozen by schedule, differential and
 * layer-wise learning rates, AdamW or SGD, warm-up and decay, clipping, optional L2-SP — on
 * dynamically padded, length-bucketed batches, with crash-safe checkpoints.
 *
 * <p>With a {@link PeftSpec} it is parameter-efficient transfer instead (strategy {@code lora} or
 * {@code adapter}): LoRA updates or adapters are attached to the frozen encoder as one more layer
 * group just below the head, and the freeze schedule trains that group and the head only (after the
 * config's head-only epochs); the group's learning rate is the config's backbone rate, and weight
 * decay is grouped as always (none on biases and norms).
 *
 * <p>Text pairs are fine-tuned as a cross-encoder ({@link PairEncoding#JOINT}): both texts of a pair are one sequence,
 * {@code [CLS] a [SEP] b [SEP]} with token type ids, and the pooled output feeds the head.
 *
 * <p>With {@link Precision#BF16} in the config, the encoder's linear maps compute in bfloat16 while
 * training and in the per-epoch validation passes; weights, optimiser state, LayerNorm, softmax and
 * the loss stay float32. The final validation and test predictions, and the classifier returned,
 * compute in float32, as the saved model does.
 */
public final class FineTuning {

    /** The strategy's name in manifests, provenance and the CLI. */
    public static final String NAME = "fine-tune";

    private final FineTuneConfig config;
    private final PeftSpec peft;
    private final Device device;

    /** A strategy with these settings. */
    public FineTuning(FineTuneConfig config) {
        this(config, null);
    }

    /**
     * Parameter-efficient transfer as {@code peft} says ({@code null}: full fine-tuning as {@code config} says).
     * With a spec, the config's freeze schedule is replaced by "the new modules and the head", keeping its
     * head-only epochs.
     */
    public FineTuning(FineTuneConfig config, PeftSpec peft) {
        this(config, peft, Device.cpu());
    }

    private FineTuning(FineTuneConfig config, PeftSpec peft, Device device) {
        this.peft = peft;
        this.config = peft == null ? config
                : config.withFreeze(new FreezeSchedule(1, config.freeze().headEpochs(), false, false));
        this.device = java.util.Objects.requireNonNull(device, "device");
    }

    /**
     * The same strategy computing on {@code device}: the model, its batches and the optimiser state live there (the
     * CPU by default; a GPU needs a CUDA build of libtorch, see {@code DeviceChoice}).
     */
    public FineTuning on(Device device) {
        return new FineTuning(config, peft, device);
    }

    /** Where the model, batches and optimiser state live. */
    public Device device() {
        return device;
    }

    /** The settings. */
    public FineTuneConfig config() {
        return config;
    }

    /** The parameter-efficient spec, or {@code null} for full fine-tuning. */
    public PeftSpec peft() {
        return peft;
    }

    /** The strategy's name: {@code fine-tune}, {@code lora} or {@code adapter}. */
    public String name() {
        return peft == null ? NAME : peft.method().key();
    }

    /** Every setting by name: the config's, plus the spec's. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>(config.describe());
        if (peft != null) {
            m.putAll(peft.describe());
        }
        if (device.isGpu()) {
            m.put("device", device.toString()); // recorded off the CPU only, so CPU runs keep their checkpoint fingerprints
        }
        return m;
    }

    /** A learner and its data, ready to fit (also used by the LR finder). */
    public record Prepared(TransformerClassifier model, Learner learner, TokenBatches train, TokenBatches val,
                           Optional<TokenBatches> test, NDManager manager) implements AutoCloseable {
        @Override
        public void close() {
            manager.close();
        }
    }

    /** Builds the model (pretrained encoder + fresh head, seeded) and tokenises the splits. */
    public Prepared prepare(TextModelSpec backbone, DatasetSplits splits, List<TrainingListener> listeners) {
        return prepare(backbone, splits, Tasks.forTraining(splits), listeners);
    }

    /** {@link #prepare(TextModelSpec, DatasetSplits, List)} for {@code task}. */
    public Prepared prepare(TextModelSpec backbone, DatasetSplits splits, Task task, List<TrainingListener> listeners) {
        Learner.seed(config.training().seed());
        NDManager manager = NDManager.newBaseManager(device);
        try (TextTokenizer tokenizer = TextTokenizer.open(backbone.tokenizerFile(), backbone.maxLength())) {
            BertModel encoder = backbone.hasOnnx() ? BertBackbone.fromOnnx(backbone.onnxFile(), manager, (float) config.dropout())
                    : BertBackbone.fromDirectory(backbone.directory(), manager, (float) config.dropout());
            encoder.setPrecision(config.precision());
            ClassifierHead head = new ClassifierHead(new HeadConfig(encoder.config().hiddenSize(), task.outputWidth(),
                    config.hiddenUnits(), config.dropout()));
            head.initialize(manager);
            PeftModules modules = peft == null ? null : PeftModules.attach(encoder, peft, manager);
            TransformerClassifier model = new TransformerClassifier(encoder, backbone.pooling(), head, modules);
            Learner learner = new Learner(model, model, TaskTraining.config(config.training(), task), config.plan(), task, listeners);
            TokenBatches train = batches(tokenizer, splits.train(), task);
            TokenBatches val = batches(tokenizer, splits.val(), task);
            Optional<TokenBatches> test = splits.test().map(t -> batches(tokenizer, t, task));
            return new Prepared(model, learner, train, val, test, manager);
        } catch (IOException e) {
            manager.close();
            throw new UncheckedIOException("Cannot open the tokenizer of " + backbone.id() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Fine-tunes on {@code splits}.
     *
     * @param checkpointDir where to checkpoint (and resume from when {@code resume}); {@code null} for no checkpoints
     * @param checkpointEvery checkpoint every this many epochs
     */
    public TrainingOutcome fit(TextModelSpec backbone, DatasetSplits splits, Progress progress, List<TrainingListener> listeners,
                               Path checkpointDir, int checkpointEvery, boolean resume) {
        return fit(backbone, splits, Tasks.forTraining(splits), progress, listeners, checkpointDir, checkpointEvery, resume);
    }

    /**
     * Fine-tunes on {@code splits} for {@code task}; decision settings the task tunes (multi-label thresholds) are
     * tuned on the validation set.
     *
     * @param checkpointDir where to checkpoint (and resume from when {@code resume}); {@code null} for no checkpoints
     * @param checkpointEvery checkpoint every this many epochs
     */
    public TrainingOutcome fit(TextModelSpec backbone, DatasetSplits splits, Task task, Progress progress,
                               List<TrainingListener> listeners, Path checkpointDir, int checkpointEvery, boolean resume) {
        Prepared p = prepare(backbone, splits, task, listeners);
        try {
            Checkpointing checkpoints = checkpointDir == null ? null
                    : new Checkpointing(checkpointDir, checkpointEvery, fingerprint(backbone, splits), resume);
            FitResult fit = p.learner().fit(p.train(), p.val(), checkpoints);
            // The saved model holds float32 weights and predicts in fp32: score exactly what it will predict.
            p.model().encoder().setPrecision(Precision.FP32);
            float[][] valOut = p.learner().predictProbabilities(p.val());
            float[][] testOut = p.test().map(t -> p.learner().predictProbabilities(t)).orElse(null);
            DjlTextEncoder encoder = DjlTextEncoder.wrap(backbone, p.model().encoder(), 32);
            PairEncoding pairs = splits.hasPairs() ? PairEncoding.JOINT : null;
            TextClassifier classifier = peft == null
                    ? TextClassifier.fineTuned(encoder, p.model().head(), task, NAME, pairs, p.manager())
                    : TextClassifier.parameterEfficient(encoder, p.model().peft(), p.model().head(), task, pairs, p.manager());
            classifier.calibrate(valOut, p.val().targets());
            return TaskTraining.outcome(classifier, fit, splits, valOut, testOut, 0, 0,
                    RunProvenance.partial(name(), config.training().seed(), describe(), backbone, splits));
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /**
     * The learning-rate range test for fine-tuning this model on this data: the swept rate is the
     * head's, the backbone follows at this config's ratio. Nothing is kept.
     */
    public LrFinder.Result findLearningRate(TextModelSpec backbone, DatasetSplits splits, LrFinder finder) {
        try (Prepared p = prepare(backbone, splits, List.of())) {
            return finder.run(p.learner(), p.model(), p.model(), config.plan(), p.train());
        }
    }

    /** Identifies model, data and settings, so a checkpoint is only resumed by the run that wrote it. */
    public String fingerprint(TextModelSpec backbone, DatasetSplits splits) {
        String task = splits.task() == dev.graft.data.TaskKind.CLASSIFICATION ? "" : " task=" + splits.train().targets();
        return Checkpointing.fingerprint(backbone.sha256(), splits.train().sha256(), splits.val().sha256(), describe() + task);
    }

    /** Token batches of {@code data}: each text, or each text pair as one sequence ({@link PairEncoding#JOINT}). */
    private static TokenBatches batches(TextTokenizer tokenizer, TextDataset data, Task task) {
        var tokens = data.hasPairs() ? tokenizer.tokenize(RunProvenance.texts(data), RunProvenance.pairs(data))
                : tokenizer.tokenize(RunProvenance.texts(data));
        return TokenBatches.bucketed(tokens, Tasks.targets(task, data), tokenizer.padId());
    }
}

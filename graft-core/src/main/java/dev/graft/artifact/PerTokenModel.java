package dev.graft.artifact;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.graft.data.LabelMap;
import dev.graft.data.TaskKind;
import dev.graft.data.tokens.SubwordTokenizer;
import dev.graft.model.bert.BertBackbone;
import dev.graft.model.bert.BertModel;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.peft.PeftModules;
import dev.graft.model.text.DjlTextEncoder;
import dev.graft.model.text.SentenceEncoders;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.model.text.TextTokenizer;
import dev.graft.model.text.TokenStates;
import dev.graft.model.text.TokenizedText;
import dev.graft.model.text.TransformerClassifier;
import dev.graft.task.Targets;
import dev.graft.task.Task;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.io.AtomicFiles;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.training.Inference;
import dev.graft.training.StateBatches;
import dev.graft.training.TokenBatches;
import dev.graft.util.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A pretrained text encoder and a head over each token's hidden state — what a per-token task's model (token
 * classification, question answering) runs and saves: the outputs of model windows, with a frozen encoder on ONNX
 * Runtime (when the backbone has an ONNX export) and the head on its per-token states, or a fine-tuned encoder (or
 * one with LoRA updates or adapters, {@link PeftModules}) on libtorch together with the head; and the model directory
 * (encoder, {@code head.safetensors}, manifest, provenance, metrics; a parameter-efficient model: the pretrained
 * encoder's files unchanged plus {@value PeftManifest#FILE} and {@value PeftManifest#WEIGHTS_FILE}) with its loader.
 */
public final class PerTokenModel implements AutoCloseable {

    private static final String BACKBONE_DIR = "backbone";
    private static final int BATCH = 32;

    private final TextModelSpec backbone;
    private final BertModel trainedEncoder;
    private PeftModules peft;
    private final ClassifierHead head;
    private final NDManager manager;
    private SubwordTokenizer tokenizer;
    private TokenStates states;
    private long padId = -1;

    /**
     * A model.
     *
     * @param backbone       the pretrained encoder's files
     * @param trainedEncoder the fine-tuned encoder, or {@code null} when the encoder stayed frozen ({@code backbone})
     * @param manager        holds the head's (and the encoder's) parameters; closed with this model
     */
    public PerTokenModel(TextModelSpec backbone, BertModel trainedEncoder, ClassifierHead head, NDManager manager) {
        this(backbone, trainedEncoder, null, head, manager);
    }

    /**
     * A model whose encoder carries parameter-efficient modules.
     *
     * @param backbone       the pretrained encoder's files
     * @param trainedEncoder the encoder the modules are attached to (its own weights unchanged), or a fine-tuned or
     *                       {@code null} (frozen) encoder when {@code peft} is {@code null}
     * @param peft           the LoRA updates or adapters attached to {@code trainedEncoder}, or {@code null}
     * @param manager        holds the head's (and the encoder's) parameters; closed with this model
     */
    public PerTokenModel(TextModelSpec backbone, BertModel trainedEncoder, PeftModules peft, ClassifierHead head,
                         NDManager manager) {
        if (peft != null && trainedEncoder == null) {
            throw new IllegalArgumentException("parameter-efficient modules need the encoder they are attached to");
        }
        this.backbone = backbone;
        this.trainedEncoder = trainedEncoder;
        this.peft = peft;
        this.head = head;
        this.manager = manager;
    }

    /** The pretrained encoder's files. */
    public TextModelSpec backbone() {
        return backbone;
    }

    /** The head. */
    public ClassifierHead head() {
        return head;
    }

    /** Whether the encoder was fine-tuned or carries trained LoRA updates or adapters (else it is the frozen pretrained one). */
    public boolean fineTuned() {
        return trainedEncoder != null;
    }

    /** The LoRA updates or adapters on the encoder, or {@code null} when it has none. */
    public synchronized PeftModules peft() {
        return peft;
    }

    /**
     * Folds LoRA into the encoder's weights ({@code W + (alpha/r)·B·A}): afterwards the model computes as before, up to
     * float rounding, and {@link #save} writes the merged encoder instead of the LoRA files.
     *
     * @throws IllegalArgumentException when the model has no LoRA updates (adapters cannot be merged)
     */
    public synchronized void mergeLora(String strategy) {
        LoraMerge.mergeModules(peft, strategy);
        peft = null;
    }

    /** The sub-word tokenizer of the encoder (opened on first use, closed with this model). */
    public synchronized SubwordTokenizer tokenizer() {
        if (tokenizer == null) {
            tokenizer = SubwordTokenizer.open(backbone.tokenizerFile());
        }
        return tokenizer;
    }

    /**
     * The activated outputs of every window, in order, flattened position by position (padded positions included).
     *
     * @param inputs   the windows' token ids and types
     * @param targets  the windows' targets (their number must match)
     * @param activate the task's {@link Task#activate}
     */
    public float[][] outputs(List<TokenizedText> inputs, Targets targets, UnaryOperator<NDArray> activate, Progress progress) {
        if (trainedEncoder == null) {
            TokenStates s = states();
            float[][] hidden = s.states(inputs, progress);
            return Inference.outputs(head, new StateBatches(hidden, s.dimension(), targets), BATCH, manager, activate);
        }
        TransformerClassifier model = TransformerClassifier.perToken(trainedEncoder, head, peft());
        return Inference.outputs(model, TokenBatches.bucketed(inputs, targets, padId()), BATCH, manager, activate);
    }

    private synchronized TokenStates states() {
        if (states == null) {
            states = TokenStates.open(backbone, Runtime.getRuntime().availableProcessors(), BATCH);
        }
        return states;
    }

    private synchronized long padId() {
        if (padId < 0) {
            try (TextTokenizer t = TextTokenizer.open(backbone.tokenizerFile(), backbone.maxLength())) {
                padId = t.padId();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot open the tokenizer of " + backbone.id() + ": " + e.getMessage(), e);
            }
        }
        return padId;
    }

    /**
     * Saves a self-contained model directory atomically ({@link ModelDirectory}): the encoder (copied, or the
     * fine-tuned weights), {@code head.safetensors} with the task's output names, the manifest with the task's
     * settings, provenance and metrics.
     *
     * @param taskName the manifest's task name ({@link ModelManifest#taskName})
     * @param extras   writes additional files (a report) into the staging directory
     * @return true when an existing model at {@code dir} was replaced
     */
    public boolean save(Path dir, String taskName, Task task, String strategy, Provenance provenance,
                        Map<String, Object> metrics, ModelDirectory.Writer extras) throws IOException {
        return ModelDirectory.write(dir, staging -> {
            extras.write(staging);
            Path bb = Files.createDirectory(staging.resolve(BACKBONE_DIR));
            TextModelSpec written;
            PeftModules modules = peft();
            if (modules != null) {
                SentenceEncoders.copyFiles(backbone, bb);
                written = backbone;
                SafeTensors.write(staging.resolve(PeftManifest.WEIGHTS_FILE), modules.tensors(), Map.of("format", "graft-peft"));
                AtomicFiles.writeString(staging.resolve(PeftManifest.FILE),
                        Json.MAPPER.writeValueAsString(new PeftManifest(modules.spec(), PeftManifest.WEIGHTS_FILE)));
            } else if (trainedEncoder != null) {
                written = DjlTextEncoder.wrap(backbone, trainedEncoder, BATCH).saveTo(bb);
            } else {
                SentenceEncoders.copyFiles(backbone, bb);
                written = backbone;
            }
            List<TensorData> weights = new ArrayList<>();
            for (Map.Entry<String, Parameter> e : head.namedParameters().entrySet()) {
                weights.add(new TensorData(e.getKey(), e.getValue().getArray().getShape().getShape(),
                        e.getValue().getArray().toFloatArray()));
            }
            SafeTensors.write(staging.resolve(TextClassifier.HEAD_FILE), weights,
                    HeadLabels.metadata(LabelMap.ofOrdered(task.outputNames())));
            AtomicFiles.writeString(staging.resolve(TextClassifier.PROVENANCE_FILE), Json.MAPPER.writeValueAsString(provenance));
            AtomicFiles.writeString(staging.resolve(TextClassifier.METRICS_FILE), Json.MAPPER.writeValueAsString(metrics));
            HeadConfig hc = head.config();
            ModelManifest manifest = ModelManifest.of(taskName, strategy,
                    new ModelManifest.Backbone(written.id(), written.sha256(), written.maxLength(),
                            written.pooling().name().toLowerCase(Locale.ROOT), written.license(), BACKBONE_DIR),
                    new ModelManifest.Head(hc.inputDim(), hc.numClasses(), hc.hiddenUnits(), hc.dropout(), TextClassifier.HEAD_FILE),
                    task.outputNames(), null, ModelManifest.TaskSettings.of(task));
            AtomicFiles.writeString(staging.resolve(ModelDirectory.MANIFEST), Json.MAPPER.writeValueAsString(manifest));
        });
    }

    /** Whether {@code dir} holds a Graft model whose manifest's task is {@code taskName}. */
    public static boolean holds(Path dir, String taskName) {
        Path manifest = dir.resolve(ModelDirectory.MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return false;
        }
        try {
            return taskName.equals(Json.read(manifest, ModelManifest.class).task());
        } catch (IOException | RuntimeException e) {
            return false; // not readable as a manifest: the loader that follows says why
        }
    }

    /**
     * A model read back by {@link #load}.
     *
     * @param model    the encoder and head
     * @param task     the task the manifest records
     * @param strategy the strategy that trained it
     */
    public record Loaded(PerTokenModel model, Task task, String strategy) {
    }

    /**
     * Loads a model directory written by {@link #save}; the encoder's checksum and every head tensor's name and shape
     * are verified.
     *
     * @param taskName the manifest task the directory must hold
     * @param kind     the task kind it must record
     * @param what     what such a model is called in messages, e.g. "question-answering training run"
     * @throws IllegalArgumentException naming the file when the directory is not such a model or is damaged
     */
    public static Loaded load(Path dir, String taskName, TaskKind kind, String what) {
        Path manifestFile = dir.resolve(ModelDirectory.MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new IllegalArgumentException(dir + " is not a Graft model directory (no " + ModelDirectory.MANIFEST
                    + "). Pass the output directory of a " + what + ".");
        }
        try {
            ModelManifest m = Json.read(manifestFile, ModelManifest.class).checked(manifestFile);
            if (!taskName.equals(m.task()) || m.taskKind() != kind) {
                throw new IllegalArgumentException(dir + " holds a " + m.task() + " model, not a " + taskName + " model.");
            }
            Task task = m.task(manifestFile);
            Path bbDir = ModelDirectory.resolveInside(dir, m.backbone().directory());
            String trainedOn = m.backbone().sha256();
            if (trainedOn == null || trainedOn.isBlank()) {
                throw new IllegalArgumentException(manifestFile + " records no backbone sha256; the model directory is damaged. Retrain.");
            }
            TextModelSpec spec = TextModels.fromDirectory(bbDir, trainedOn); // the weights must be those it was trained on
            NDManager manager = NDManager.newBaseManager(Device.cpu());
            try {
                ClassifierHead head = HeadWeights.loadSaved(dir, m, task, manifestFile, manager);
                Path peftFile = dir.resolve(PeftManifest.FILE);
                if (Files.isRegularFile(peftFile)) {
                    PeftManifest pm = Json.read(peftFile, PeftManifest.class);
                    if (pm.spec() == null || pm.weights() == null) {
                        throw new IllegalArgumentException(peftFile + " lacks 'spec' or 'weights'; the model directory is damaged. Retrain.");
                    }
                    BertModel encoder = spec.hasOnnx() ? BertBackbone.fromOnnx(spec.onnxFile(), manager, 0f)
                            : BertBackbone.fromDirectory(spec.directory(), manager, 0f);
                    PeftModules modules = PeftModules.attach(encoder, pm.spec(), manager);
                    HeadWeights.load(modules.savedParameters(), ModelDirectory.resolveInside(dir, pm.weights()),
                            pm.spec().method().key() + " weights");
                    return new Loaded(new PerTokenModel(spec, encoder, modules, head, manager), task, m.strategy());
                }
                BertModel encoder = spec.hasOnnx() ? null : BertBackbone.fromDirectory(spec.directory(), manager, 0f);
                return new Loaded(new PerTokenModel(spec, encoder, head, manager), task, m.strategy());
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
        if (states != null) {
            states.close();
        }
        if (tokenizer != null) {
            tokenizer.close();
        }
        manager.close();
    }
}

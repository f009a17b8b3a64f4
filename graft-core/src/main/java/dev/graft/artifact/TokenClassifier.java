package dev.graft.artifact;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.graft.data.LabelMap;
import dev.graft.data.TaskKind;
import dev.graft.data.tokens.EncodedSentence;
import dev.graft.data.tokens.SubwordLabels;
import dev.graft.data.tokens.SubwordTokenizer;
import dev.graft.data.tokens.Tag;
import dev.graft.data.tokens.TaggedSentence;
import dev.graft.data.tokens.TokenClassificationEncoder;
import dev.graft.data.tokens.TokenFeature;
import dev.graft.data.tokens.WordSequence;
import dev.graft.metrics.EntityMetrics;
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
import dev.graft.task.TokenTask;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.io.AtomicFiles;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.training.Inference;
import dev.graft.training.StateBatches;
import dev.graft.training.TokenBatches;
import dev.graft.util.Arguments;
import dev.graft.util.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A trained token classifier (named-entity recognition): a pretrained encoder — frozen, or fine-tuned with the head —
 * and a linear head over each token's hidden state, with its {@link TokenTask} (tags, scheme, window overlap). It tags
 * the words of sentences, finds the entities of raw texts with their character offsets, scores tagged sentences, and
 * saves and loads as a Graft model directory (manifest task {@code text-token-classification}).
 *
 * <p>A frozen encoder with an ONNX export runs on ONNX Runtime and the head on its per-token states; a fine-tuned
 * encoder, or one with LoRA updates or adapters ({@link PeftModules}), runs on libtorch together with the head. A
 * parameter-efficient model saves the pretrained encoder's files unchanged plus {@value PeftManifest#FILE} and
 * {@value PeftManifest#WEIGHTS_FILE}, as a text classifier does; {@link #mergeLora} folds LoRA into the weights.
 */
public final class TokenClassifier extends DirectoryModel {

    /** The manifest's task name of a token classifier. */
    public static final String TASK = ModelManifest.taskName("text", TaskKind.TOKEN_CLASSIFICATION);

    private static final String BACKBONE_DIR = "backbone";
    private static final int BATCH = 32;

    /**
     * One entity found in a text.
     *
     * @param text  the covered text, {@code input.substring(start, end)}
     * @param type  the entity type
     * @param start its first character in the input (UTF-16 index)
     * @param end   its end character, exclusive
     * @param score the mean probability of the tags of its words
     */
    public record Entity(String text, String type, int start, int end, double score) {
    }

    private final PerTokenModel model;
    private final TokenTask task;
    private String strategy;

    /**
     * A classifier.
     *
     * @param backbone       the pretrained encoder's files
     * @param trainedEncoder the fine-tuned encoder, or {@code null} when the encoder stayed frozen ({@code backbone})
     * @param manager        holds the head's (and the encoder's) parameters; closed with this classifier
     */
    public TokenClassifier(TextModelSpec backbone, BertModel trainedEncoder, ClassifierHead head, TokenTask task,
                           String strategy, NDManager manager) {
        this(backbone, trainedEncoder, null, head, task, strategy, manager);
    }

    /**
     * A classifier whose encoder carries parameter-efficient modules.
     *
     * @param backbone       the pretrained encoder's files
     * @param trainedEncoder the encoder the modules are attached to (its own weights unchanged), or a fine-tuned or
     *                       {@code null} (frozen) encoder when {@code peft} is {@code null}
     * @param peft           the LoRA updates or adapters attached to {@code trainedEncoder}, or {@code null}
     * @param manager        holds the head's (and the encoder's) parameters; closed with this classifier
     */
    public TokenClassifier(TextModelSpec backbone, BertModel trainedEncoder, PeftModules peft, ClassifierHead head,
                           TokenTask task, String strategy, NDManager manager) {
        this(new PerTokenModel(backbone, trainedEncoder, peft, head, manager), task, strategy);
    }

    /**
     * A classifier over {@code model}.
     *
     * @param model    encoder and head (closed with this classifier)
     * @param task     the tags, scheme and window overlap
     * @param strategy the strategy that trained it
     * @throws IllegalArgumentException when the head does not give one score per tag
     */
    public TokenClassifier(PerTokenModel model, TokenTask task, String strategy) {
        if (model.head().config().numClasses() != task.outputWidth()) {
            throw new IllegalArgumentException("the head has " + model.head().config().numClasses() + " outputs for "
                    + task.outputWidth() + " tags");
        }
        this.model = model;
        this.task = task;
        this.strategy = strategy;
    }

    /** The tags, scheme and window overlap. */
    public TokenTask task() {
        return task;
    }

    /** The strategy that trained it. */
    public String strategy() {
        return strategy;
    }

    /** The pretrained encoder's files. */
    public TextModelSpec backbone() {
        return model.backbone();
    }

    /** The head. */
    public ClassifierHead head() {
        return model.head();
    }

    /** Whether the encoder was fine-tuned or carries trained LoRA updates or adapters (else it is the frozen pretrained one). */
    public boolean fineTuned() {
        return model.fineTuned();
    }

    /** The LoRA updates or adapters on the encoder, or {@code null} when it has none. */
    public PeftModules peft() {
        return model.peft();
    }

    /**
     * Folds LoRA into the encoder's weights ({@link PerTokenModel#mergeLora}): afterwards this is a plain fine-tuned
     * token classifier (strategy {@code lora-merged}) tagging as before, up to float rounding.
     *
     * @throws IllegalArgumentException when this model has no LoRA updates (adapters cannot be merged)
     */
    public synchronized void mergeLora() {
        model.mergeLora(strategy);
        strategy = "lora-merged";
    }

    /** The sub-word tokenizer of the encoder (opened on first use). */
    public SubwordTokenizer tokenizer() {
        return model.tokenizer();
    }

    /** Cuts words into model windows as this model was trained: first sub-token labelled, the model's length and stride. */
    public TokenClassificationEncoder windowEncoder() {
        return new TokenClassificationEncoder(tokenizer(), task.tagSet(), task.scheme(), backbone().maxLength(), task.stride(),
                SubwordLabels.FIRST);
    }

    /**
     * Encodes sentences for this model.
     *
     * @param tags the gold tags of each sentence in this model's scheme, or {@code null} to encode for prediction
     * @throws IllegalArgumentException when a tag is not one of this model's
     */
    public Targets.Tokens encode(List<WordSequence> sentences, List<List<Tag>> tags) {
        TokenClassificationEncoder enc = windowEncoder();
        List<EncodedSentence> out = new ArrayList<>(sentences.size());
        for (int i = 0; i < sentences.size(); i++) {
            out.add(enc.encode(i, sentences.get(i), tags == null ? null : tags.get(i)));
        }
        return Targets.Tokens.of(out, tags);
    }

    /** The activated outputs (tag probabilities per position) of every window, in order. */
    public float[][] outputs(Targets.Tokens windows, Progress progress) {
        return model.outputs(inputs(windows), windows, task::activate, progress);
    }

    /** The model inputs of windows (ids and token types). */
    public static List<TokenizedText> inputs(Targets.Tokens windows) {
        List<TokenizedText> out = new ArrayList<>(windows.size());
        for (TokenFeature f : windows.windows()) {
            out.add(new TokenizedText(f.input().ids(), f.input().typeIds()));
        }
        return out;
    }

    /** One predicted tag per word of each sentence. */
    public List<List<Tag>> tags(List<WordSequence> sentences, Progress progress) {
        Targets.Tokens windows = encode(sentences, null);
        return task.wordTags(outputs(windows, progress), windows);
    }

    /**
     * Scores tagged sentences: entity precision, recall and F1 overall and per type (seqeval's default mode) and token
     * accuracy. The gold tags are read as written; tags of a type this model does not know count as missed entities.
     */
    public EntityMetrics.Scores score(List<TaggedSentence> sentences, Progress progress) {
        List<WordSequence> words = new ArrayList<>(sentences.size());
        List<List<Tag>> gold = new ArrayList<>(sentences.size());
        for (TaggedSentence s : sentences) {
            words.add(WordSequence.joined(s.tokens()));
            gold.add(s.tags());
        }
        return EntityMetrics.score(gold, tags(words, progress));
    }

    /** The entities of each raw text, with character offsets into it ({@link WordSequence#tokenized} finds the words). */
    public List<List<Entity>> entities(List<String> texts, Progress progress) {
        List<WordSequence> words = new ArrayList<>(texts.size());
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            WordSequence w = WordSequence.tokenized(texts.get(i));
            if (w.size() > 0) {
                words.add(w);
                kept.add(i);
            }
        }
        List<List<Entity>> out = new ArrayList<>(texts.size());
        texts.forEach(t -> out.add(new ArrayList<>()));
        if (words.isEmpty()) {
            return out;
        }
        Targets.Tokens windows = encode(words, null);
        float[][] outputs = outputs(windows, progress);
        List<List<Tag>> tags = task.wordTags(outputs, windows);
        int row = 0;
        for (int s = 0; s < windows.sentences().size(); s++) {
            EncodedSentence sentence = windows.sentences().get(s);
            List<float[]> rows = new ArrayList<>();
            for (int f = 0; f < sentence.features().size(); f++) {
                rows.add(outputs[row++]);
            }
            double[] scores = task.wordScores(sentence, rows);
            for (EncodedSentence.Mention m : sentence.mentions(tags.get(s))) {
                double sum = 0;
                int n = 0;
                for (int w = m.firstWord(); w <= m.lastWord(); w++) {
                    if (!Double.isNaN(scores[w])) {
                        sum += scores[w];
                        n++;
                    }
                }
                out.get(kept.get(s)).add(new Entity(m.text(), m.type(), m.start(), m.end(), n == 0 ? Double.NaN : sum / n));
            }
        }
        return out;
    }

    /**
     * Saves a self-contained model directory atomically ({@link ModelDirectory}): the encoder (copied, or the
     * fine-tuned weights), {@code head.safetensors}, the manifest with the tags and the task's settings, provenance
     * and metrics.
     *
     * @param extras writes additional files (a report) into the staging directory
     * @return true when an existing model at {@code dir} was replaced
     */
    public boolean save(Path dir, Provenance provenance, Map<String, Object> metrics, ModelDirectory.Writer extras)
            throws IOException {
        return model.save(dir, TASK, task, strategy, provenance, metrics, extras);
    }

    /** Whether {@code dir} holds a Graft token-classification model (its manifest's task is {@code text-token-classification}). */
    public static boolean isTokenModel(Path dir) {
        return PerTokenModel.holds(dir, TASK);
    }

    /**
     * Loads a model directory written by {@link #save}; the encoder's checksum and every head tensor's name and shape
     * are verified.
     *
     * @throws IllegalArgumentException naming the file when the directory is not a token classifier or is damaged
     */
    public static TokenClassifier load(Path dir) {
        PerTokenModel.Loaded l = PerTokenModel.load(dir, TASK, TaskKind.TOKEN_CLASSIFICATION, "token-classification training run");
        try {
            TokenClassifier c = new TokenClassifier(l.model(), (TokenTask) l.task(), l.strategy());
            c.loadedFrom(dir);
            return c;
        } catch (RuntimeException e) {
            l.model().close();
            throw e;
        }
    }

    // --- GraftModel: the one predictor interface (texts in, entities out) ---

    @Override
    public InputKind inputKind() {
        return InputKind.TEXT;
    }

    /** The entities of each text, with character offsets ({@link #entities}). */
    @Override
    public List<ModelOutput> predictBatch(List<ModelInput> inputs) {
        return entities(ModelInput.texts(inputs), Progress.NONE).stream().<ModelOutput>map(ModelOutput.Entities::new).toList();
    }

    @Override
    public void close() {
        model.close();
    }
}

package dev.graft.strategy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.graft.model.ArrayCopies;
import dev.graft.model.bert.BertBackbone;
import dev.graft.model.bert.BertForMaskedLm;
import dev.graft.model.bert.BertModel;
import dev.graft.model.text.SpecialTokens;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextTokenizer;
import dev.graft.model.text.TokenizedText;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.tensor.safetensors.SafeTensorsFile;
import dev.graft.training.Batching;
import dev.graft.training.Checkpointing;
import dev.graft.training.FitResult;
import dev.graft.training.Learner;
import dev.graft.training.MaskedLmBatches;
import dev.graft.training.MaskedLmLearner;
import dev.graft.training.TokenMasking;
import dev.graft.training.TrainingListener;
import dev.graft.util.Hashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Continued pre-training of a BERT-style text encoder with the masked-language-model objective on
 * unlabelled texts (domain-adaptive pre-training): the pretrained encoder plus a new
 * {@link dev.graft.model.bert.MaskedLmHead} whose decoder is tied to the word embeddings, trained
 * by the project's {@link Learner} loop ({@link MaskedLmLearner}: AdamW, warm-up and linear decay,
 * clipping, checkpoints). The head's transform starts random: exported encoders (ONNX, sentence
 * encoders) carry no MLM head weights; continuing from an earlier pre-training output reuses its head.
 */
public final class MaskedLmPretraining {

    /** The objective's name in provenance. */
    public static final String NAME = "masked-lm";

    private final PretrainConfig config;

    /** A run with these settings. */
    public MaskedLmPretraining(PretrainConfig config) {
        this.config = config;
    }

    /** The settings. */
    public PretrainConfig config() {
        return config;
    }

    /**
     * Pre-trains {@code base} on {@code texts}: a seeded {@link PretrainConfig#valFraction()} of
     * them is held out to measure the masked-token loss each epoch; the epoch with the lowest is kept.
     *
     * @param checkpointDir   where to checkpoint (and resume from when {@code resume}); {@code null} for none
     * @param checkpointEvery checkpoint every this many epochs
     */
    public PretrainingOutcome fit(TextModelSpec base, List<String> texts, List<TrainingListener> listeners,
                                  Path checkpointDir, int checkpointEvery, boolean resume) {
        if (texts.size() < 2) {
            throw new IllegalArgumentException("masked-language-model pre-training needs at least 2 texts (one is held out), got "
                    + texts.size());
        }
        SpecialTokens special = SpecialTokens.read(base.tokenizerFile());
        boolean headFromEarlierRun;
        Learner.seed(config.seed());
        NDManager manager = NDManager.newBaseManager(Device.cpu());
        try (TextTokenizer tokenizer = TextTokenizer.open(base.tokenizerFile(), Math.min(config.maxLength(), base.maxLength()))) {
            BertModel encoder = base.hasOnnx() ? BertBackbone.fromOnnx(base.onnxFile(), manager, (float) config.dropout())
                    : BertBackbone.fromDirectory(base.directory(), manager, (float) config.dropout());
            BertForMaskedLm model = new BertForMaskedLm(encoder);
            model.initializeHead(manager);
            headFromEarlierRun = loadEarlierHead(base, model);
            TokenMasking masking = new TokenMasking(config.maskProbability(), special, encoder.config().vocabSize());
            int[] order = Batching.shuffled(texts.size(), new Random(config.seed()));
            int nVal = Math.max(1, (int) Math.round(config.valFraction() * texts.size()));
            List<String> val = new ArrayList<>();
            List<String> train = new ArrayList<>();
            for (int k = 0; k < order.length; k++) {
                (k < nVal ? val : train).add(texts.get(order[k]));
            }
            List<TokenizedText> trainTokens = tokenizer.tokenize(train);
            MaskedLmBatches trainBatches = new MaskedLmBatches(trainTokens, masking, tokenizer.padId(), config.seed());
            MaskedLmBatches valBatches = new MaskedLmBatches(tokenizer.tokenize(val), masking, tokenizer.padId(), config.seed() + 1);
            MaskedLmLearner learner = new MaskedLmLearner(model, config.trainConfig(), config.plan(), listeners);
            String textsSha = textsSha256(texts);
            Checkpointing checkpoints = checkpointDir == null ? null
                    : new Checkpointing(checkpointDir, checkpointEvery, fingerprint(base, textsSha), resume);
            FitResult fit = learner.fit(trainBatches, valBatches, checkpoints);
            long tokens = trainTokens.stream().mapToLong(TokenizedText::length).sum();
            return new PretrainingOutcome(base, model, config, fit, train.size(), val.size(), tokens, textsSha, headFromEarlierRun,
                    manager);
        } catch (IOException e) {
            manager.close();
            throw new UncheckedIOException("Cannot read the tokenizer or MLM head of " + base.id() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Continues with the MLM head of an earlier {@code graft pretrain} output when {@code base} is one
     * ({@value PretrainingOutcome#HEAD_FILE} present); otherwise the head stays as initialised.
     *
     * @return whether the head was loaded
     */
    static boolean loadEarlierHead(TextModelSpec base, BertForMaskedLm model) throws IOException {
        Path file = base.directory().resolve(PretrainingOutcome.HEAD_FILE);
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (SafeTensorsFile st = SafeTensors.open(file)) {
            for (Map.Entry<String, Parameter> e : model.head().namedParameters().entrySet()) {
                String name = BertForMaskedLm.HEAD + e.getKey();
                if (!st.contains(name)) {
                    throw new IllegalArgumentException(file + " lacks '" + name + "'; it is not an MLM head Graft wrote."
                            + " Remove it to start with a random head.");
                }
                TensorData t = st.tensor(name);
                ArrayCopies.copyInto(e.getValue().getArray(), t.data(), t.shape());
            }
        }
        return true;
    }

    /** SHA-256 over the texts in order (each followed by a separator). */
    static String textsSha256(List<String> texts) {
        MessageDigest md = Hashes.sha256();
        texts.forEach(t -> Hashes.update(md, t));
        return HexFormat.of().formatHex(md.digest());
    }

    private String fingerprint(TextModelSpec base, String textsSha) {
        MessageDigest md = Hashes.sha256();
        Hashes.update(md, NAME);
        Hashes.update(md, base.sha256());
        Hashes.update(md, textsSha);
        Hashes.update(md, config.describe().toString());
        return HexFormat.of().formatHex(md.digest());
    }
}

package dev.graft.strategy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.graft.artifact.Provenance;
import dev.graft.artifact.TokenClassifier;
import dev.graft.artifact.Versions;
import dev.graft.data.DataException;
import dev.graft.data.tokens.EncodedSentence;
import dev.graft.data.tokens.SubwordLabels;
import dev.graft.data.tokens.SubwordTokenizer;
import dev.graft.data.tokens.Tag;
import dev.graft.data.tokens.TagRepair;
import dev.graft.data.tokens.TagScheme;
import dev.graft.data.tokens.TagSet;
import dev.graft.data.tokens.TaggedCorpus;
import dev.graft.data.tokens.TaggedPredictions;
import dev.graft.data.tokens.TaggedSentence;
import dev.graft.data.tokens.TokenClassificationEncoder;
import dev.graft.data.tokens.WordSequence;
import dev.graft.metrics.EntityConfusion;
import dev.graft.metrics.EntityMetrics;
import dev.graft.model.Precision;
import dev.graft.model.bert.BertModel;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.CrfLayer;
import dev.graft.model.head.CrfScores;
import dev.graft.model.head.CrfTraining;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.peft.PeftModules;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TokenStates;
import dev.graft.model.text.TokenizedText;
import dev.graft.model.text.TransformerClassifier;
import dev.graft.task.Targets;
import dev.graft.task.TokenTask;
import dev.graft.training.BatchSource;
import dev.graft.training.Batching;
import dev.graft.training.Checkpointing;
import dev.graft.training.FitResult;
import dev.graft.training.Learner;
import dev.graft.training.StateBatches;
import dev.graft.training.TokenBatches;
import dev.graft.training.TrainingListener;
import dev.graft.util.Arguments;
import dev.graft.util.Hashes;
import dev.graft.util.Progress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Token classification (named-entity recognition) with a pretrained text encoder, by either strategy: fine-tuning
 * (encoder and a linear token head train together, with the fine-tune recipe's discriminative rates, warm-up and
 * clipping) or feature extraction (the frozen encoder's per-token states computed once, a head trained on them).
 * Both train a {@link TokenTask} through {@link Learner}, pick the epoch by validation entity F1 and score the kept
 * model with {@link EntityMetrics}.
 *
 * <p>Tags are trained in the data's scheme (IOB2 or BIOES; IOB1 data are rewritten as IOB2), every sentence made
 * well-formed in it first ({@link TagRepair}); each word's tag is learnt and read at its first sub-token, and a
 * sentence longer than the encoder reads is cut into overlapping windows.
 */
public final class TokenClassification {

    /** Overlap of the windows of a long sentence, in sub-tokens (at most a quarter of a window). */
    public static final int DEFAULT_STRIDE = 32;

    private TokenClassification() {
    }

    /**
     * The tagged files of a run.
     *
     * @param train training sentences
     * @param val   validation sentences (pick the epoch)
     * @param test  test sentences, scored once with the kept model
     */
    public record Corpora(TaggedCorpus train, TaggedCorpus val, Optional<TaggedCorpus> test) {

        /**
         * The corpora of a run: {@code val} when given, else a seeded random {@code valFraction} of {@code train}'s
         * sentences held out; then, with {@code maxTrain}, a seeded random subset of that many training sentences.
         *
         * @param val      validation sentences, or {@code null} to hold some out of {@code train}
         * @param maxTrain at most this many training sentences, or {@code null} for all
         * @throws IllegalArgumentException when {@code train} is too small to hold out validation sentences
         */
        public static Corpora of(TaggedCorpus train, TaggedCorpus val, Optional<TaggedCorpus> test, double valFraction,
                                 Integer maxTrain, long seed) {
            if (val == null) {
                List<TaggedSentence> shuffled = seededOrder(train.sentences(), seed);
                int n = Math.max(1, (int) Math.round(shuffled.size() * valFraction));
                if (n >= shuffled.size()) {
                    throw new IllegalArgumentException(train.path() + " has " + shuffled.size() + " sentence(s), too few to"
                            + " hold out validation sentences; give " + Arguments.name("valFile") + ".");
                }
                val = train.withSentences(shuffled.subList(0, n));
                train = train.withSentences(shuffled.subList(n, shuffled.size()));
            }
            if (maxTrain != null && maxTrain < train.sentences().size()) {
                train = train.withSentences(seededOrder(train.sentences(), seed).subList(0, maxTrain));
            }
            return new Corpora(train, val, test);
        }
    }

    /** {@code items} in a seeded random order ({@link Batching#shuffled}): how runs hold out and sample examples. */
    static <T> List<T> seededOrder(List<T> items, long seed) {
        int[] order = Batching.shuffled(items.size(), new Random(seed));
        List<T> out = new ArrayList<>(order.length);
        for (int i : order) {
            out.add(items.get(i));
        }
        return out;
    }

    /**
     * Where a fine-tuning run keeps crash-safe checkpoints ({@link Checkpointing}).
     *
     * @param directory   the checkpoint directory
     * @param everyEpochs checkpoint every this many epochs
     * @param resume      continue the run checkpointed in {@code directory}; refused when the model, the sentences or a
     *                    setting differ from that run's
     */
    public record Checkpoints(Path directory, int everyEpochs, boolean resume) {
    }

    /**
     * What a run produced.
     *
     * @param classifier    the trained model
     * @param fit           the training history
     * @param validation    scores of the kept model on the validation sentences
     * @param test          its scores on the test sentences, when given
     * @param encodeSeconds seconds spent computing (or reading cached) frozen per-token states (feature extraction), else 0
     * @param cachedSplits  splits whose per-token states came from the {@link TokenStateCache}
     * @param repairs       the tags rewritten to make each file consistent with the scheme, by split
     * @param provenance    how the model was made
     * @param errorAnalysis the kept model's word tags next to the gold tags on the test sentences (else validation)
     */
    public record Outcome(TokenClassifier classifier, FitResult fit, EntityMetrics.Scores validation,
                          Optional<EntityMetrics.Scores> test, double encodeSeconds, int cachedSplits,
                          Map<String, TagRepair.Result> repairs,
                          Provenance provenance, TaggedPredictions errorAnalysis) implements RunResult, AutoCloseable {

        /** {@link #encodeSeconds}. */
        @Override
        public double embedSeconds() {
            return encodeSeconds;
        }

        /** {@code metrics.json}: the task, the validation and test scores, the best epoch and the history. */
        public Map<String, Object> metricsDocument() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task", classifier.task().kind().key());
            m.put("strategy", classifier.strategy());
            m.put("validation", validation.toMap());
            test.ifPresent(t -> m.put("test", t.toMap()));
            m.putAll(fit.summary());
            m.put("training_seconds", fit.seconds());
            m.put("encode_seconds", encodeSeconds);
            m.put("cached_splits", cachedSplits);
            m.put("confusion", Map.of("split", errorAnalysis.split(),
                    "gold_by_predicted", EntityConfusion.of(errorAnalysis.gold(), errorAnalysis.predicted()).toMap()));
            return m;
        }

        @Override
        public void close() {
            classifier.close();
        }
    }

    /** The splits' sentences, in the task's scheme, encoded into windows. */
    private record Prepared(TokenTask task, Targets.Tokens train, Targets.Tokens val, Optional<Targets.Tokens> test,
                            Map<String, TagRepair.Result> repairs) {

        Prepared withTask(TokenTask t) {
            return new Prepared(t, train, val, test, repairs);
        }
    }

    /**
     * Whether word tags are decoded by a linear-chain CRF: fitted, after the token head has trained, on the head's
     * log-probabilities at the training words (the head stays as trained), and decoded by Viterbi.
     */
    public enum Crf {
        /** Each word takes its most probable tag. */
        NONE,
        /** A CRF whose transitions may take any value. */
        FREE,
        /** A CRF that never decodes a move the tag scheme forbids (e.g. {@code O} then {@code I-X} in IOB2). */
        CONSTRAINED,
        /**
         * A constrained CRF trained together with the head (and the encoder when it trains) on the CRF's negative
         * log-likelihood ({@link TokenTask#withJointCrf}), instead of fitted afterwards on frozen outputs.
         */
        JOINT;

        /**
         * The mode a name gives: {@code none}, {@code free} or {@code constrained}.
         *
         * @throws IllegalArgumentException naming the choices
         */
        public static Crf parse(String name) {
            for (Crf c : values()) {
                if (c.name().equalsIgnoreCase(name.trim())) {
                    return c;
                }
            }
            throw new IllegalArgumentException(Arguments.name("crf") + " must be none, free, constrained or joint, got '" + name
                    + "'");
        }
    }

    /**
     * {@code p} with its task decoding through a CRF fitted ({@link CrfTraining}) on the kept head's outputs over the
     * training windows; {@code p} itself for {@link Crf#NONE}.
     */
    private static Prepared withCrf(Prepared p, Crf crf, long seed, Function<BatchSource, float[][]> predict,
                                    BatchSource train, Progress progress) {
        if (crf == Crf.NONE || crf == Crf.JOINT) {
            return p; // a joint CRF trained with the head
        }
        progress.message("Fitting the CRF on the head's outputs over " + p.train().size() + " training windows");
        TokenTask.CrfSequences sequences = p.task().crfSequences(predict.apply(train), p.train());
        CrfLayer fitted = CrfTraining.defaults(seed).fit(p.task().initialCrf(crf == Crf.CONSTRAINED), sequences.emissions(),
                sequences.tags());
        return p.withTask(p.task().withCrf(fitted));
    }

    /**
     * The task {@code train} calls for: its scheme (IOB1 becomes IOB2) and the tags that scheme writes for its types.
     *
     * @param maxLength the encoder's longest input, to fit the window overlap
     */
    public static TokenTask task(TaggedCorpus train, int maxLength) {
        TagScheme scheme = schemeOf(train);
        List<TaggedSentence> repaired = TagRepair.repair(train.sentences(), scheme).sentences();
        return new TokenTask(TagSet.of(repaired, scheme), scheme, Math.max(0, Math.min(DEFAULT_STRIDE, (maxLength - 2) / 4)));
    }

    private static TagScheme schemeOf(TaggedCorpus corpus) {
        TagScheme detected = corpus.scheme();
        return detected == TagScheme.IOB1 ? TagScheme.IOB2 : detected;
    }

    /**
     * Fine-tunes the encoder with a linear (or {@code config.hiddenUnits()}-wide) token head. The encoder computes in
     * {@code config.precision()} while training; the kept model is scored in float32, as it is saved.
     */
    public static Outcome fineTune(TextModelSpec backbone, Corpora data, FineTuneConfig config, Progress progress,
                                   List<TrainingListener> listeners) {
        return fineTune(backbone, data, config, progress, listeners, null);
    }

    /**
     * As {@link #fineTune(TextModelSpec, Corpora, FineTuneConfig, Progress, List)}, checkpointing (and resuming) in
     * {@code checkpoints} ({@code null}: no checkpoints). A resumed run gives the model the uninterrupted run would.
     */
    public static Outcome fineTune(TextModelSpec backbone, Corpora data, FineTuneConfig config, Progress progress,
                                   List<TrainingListener> listeners, Checkpoints checkpoints) {
        return fineTune(backbone, data, new FineTuning(config), progress, listeners, checkpoints);
    }

    /**
     * Fine-tuning as {@code strategy} says: full fine-tuning, or with its {@link FineTuning#peft()} spec LoRA updates
     * or bottleneck adapters trained with the head on the frozen encoder (strategy {@code lora} or {@code adapter});
     * checkpoints as {@link #fineTune(TextModelSpec, Corpora, FineTuneConfig, Progress, List, Checkpoints)}.
     */
    public static Outcome fineTune(TextModelSpec backbone, Corpora data, FineTuning strategy, Progress progress,
                                   List<TrainingListener> listeners, Checkpoints checkpoints) {
        return fineTune(backbone, data, strategy, progress, listeners, checkpoints, Crf.NONE);
    }

    /**
     * As {@link #fineTune(TextModelSpec, Corpora, FineTuning, Progress, List, Checkpoints)}, decoding word tags as
     * {@code crf} says (a CRF is fitted after the last epoch, on the kept model's outputs over the training windows).
     */
    public static Outcome fineTune(TextModelSpec backbone, Corpora data, FineTuning strategy, Progress progress,
                                   List<TrainingListener> listeners, Checkpoints checkpoints, Crf crf) {
        FineTuneConfig config = strategy.config();
        Prepared prepared = prepare(backbone, data);
        Learner.seed(config.training().seed());
        return PerTokenFineTune.run(backbone, config, prepared.task().outputWidth(), parts -> {
            Prepared p = prepared;
            BertModel encoder = parts.encoder();
            ClassifierHead head = parts.head();
            NDManager manager = parts.manager();
            PeftModules peft = strategy.peft() == null ? null : PeftModules.attach(encoder, strategy.peft(), manager);
            TransformerClassifier model = TransformerClassifier.perToken(encoder, head, peft);
            CrfScores joint = crf == Crf.JOINT ? CrfScores.of(p.task().initialCrf(true), manager) : null;
            TokenTask trained = joint == null ? p.task() : p.task().withJointCrf(joint);
            Learner learner = new Learner(model, joint == null ? model : joint.withModel(model),
                    TaskTraining.config(config.training(), trained), config.plan(), trained, listeners);
            long pad = parts.tokenizer().padId();
            TokenBatches train = TokenBatches.bucketed(TokenClassifier.inputs(p.train()), p.train(), pad);
            TokenBatches val = TokenBatches.bucketed(TokenClassifier.inputs(p.val()), p.val(), pad);
            FitResult fit = learner.fit(train, val, checkpoints == null ? null : new Checkpointing(checkpoints.directory(),
                    checkpoints.everyEpochs(), fingerprint(backbone, p, strategy.describe()), checkpoints.resume()));
            encoder.setPrecision(Precision.FP32);
            p = joint != null ? p.withTask(p.task().withCrf(joint.toLayer()))
                    : withCrf(p, crf, config.training().seed(), learner::predictProbabilities, train, progress);
            Scored scored = score(p, learner::predictProbabilities, t -> TokenBatches.bucketed(TokenClassifier.inputs(t), t, pad));
            TokenClassifier classifier = new TokenClassifier(backbone, encoder, peft, head, p.task(), strategy.name(), manager);
            return new Outcome(classifier, fit, scored.val(), scored.test(), 0, 0, p.repairs(),
                    provenance(strategy.name(), config.training().seed(), strategy.describe(), backbone, data, scored.val(),
                            scored.test()), scored.errorAnalysis());
        });
    }

    /**
     * Feature extraction: the frozen encoder's per-token states are computed once per split (ONNX Runtime when the
     * backbone has an ONNX export), and a head is trained on them.
     */
    public static Outcome featureExtraction(TextModelSpec backbone, Corpora data, FeatureExtractionConfig config,
                                            Progress progress, List<TrainingListener> listeners) {
        return featureExtraction(backbone, data, config, progress, listeners, Crf.NONE);
    }

    /**
     * As {@link #featureExtraction(TextModelSpec, Corpora, FeatureExtractionConfig, Progress, List)}, decoding word
     * tags as {@code crf} says (a CRF fitted on the trained head's outputs over the training windows).
     */
    public static Outcome featureExtraction(TextModelSpec backbone, Corpora data, FeatureExtractionConfig config,
                                            Progress progress, List<TrainingListener> listeners, Crf crf) {
        Prepared p = prepare(backbone, data);
        long start = System.nanoTime();
        float[][] trainStates;
        float[][] valStates;
        float[][] testStates;
        TokenStateCache cache = new TokenStateCache(config.cacheDir());
        try (LazyStates states = new LazyStates(backbone, config)) {
            java.util.function.Function<Targets.Tokens, float[][]> encode = t -> {
                List<TokenizedText> inputs = TokenClassifier.inputs(t);
                return cache.states(backbone, inputs, () -> states.get().states(inputs, progress), progress);
            };
            trainStates = encode.apply(p.train());
            valStates = encode.apply(p.val());
            testStates = p.test().map(encode).orElse(null);
        }
        int width = TokenStateCache.dimension(trainStates, TokenClassifier.inputs(p.train()));
        double encodeSeconds = (System.nanoTime() - start) / 1e9;
        int cachedSplits = cache.hits();
        Learner.seed(config.training().seed());
        NDManager manager = NDManager.newBaseManager(Device.cpu());
        try {
            ClassifierHead head = new ClassifierHead(new HeadConfig(width, p.task().outputWidth(), config.hiddenUnits(),
                    config.dropout()));
            head.initialize(manager);
            CrfScores joint = crf == Crf.JOINT ? CrfScores.of(p.task().initialCrf(true), manager) : null;
            TokenTask trained = joint == null ? p.task() : p.task().withJointCrf(joint);
            Learner learner = new Learner(head, joint == null ? head : joint.withModel(head),
                    TaskTraining.config(config.training(), trained), config.plan(), trained, listeners);
            StateBatches trainBatches = new StateBatches(trainStates, width, p.train());
            FitResult fit = learner.fit(trainBatches, new StateBatches(valStates, width, p.val()));
            p = joint != null ? p.withTask(p.task().withCrf(joint.toLayer()))
                    : withCrf(p, crf, config.training().seed(), learner::predictProbabilities, trainBatches, progress);
            Prepared scoredOn = p;
            Scored scored = score(p, learner::predictProbabilities,
                    t -> new StateBatches(t == scoredOn.val() ? valStates : testStates, width, t));
            TokenClassifier classifier = new TokenClassifier(backbone, null, head, p.task(), FeatureExtraction.NAME, manager);
            return new Outcome(classifier, fit, scored.val(), scored.test(), encodeSeconds, cachedSplits, p.repairs(),
                    provenance(FeatureExtraction.NAME, config.training().seed(), config.describe(), backbone, data, scored.val(),
                            scored.test()), scored.errorAnalysis());
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The frozen encoder's per-token states, opened on first use (a run whose states are all cached never opens it). */
    private static final class LazyStates implements AutoCloseable {
        private final TextModelSpec backbone;
        private final FeatureExtractionConfig config;
        private TokenStates states;

        LazyStates(TextModelSpec backbone, FeatureExtractionConfig config) {
            this.backbone = backbone;
            this.config = config;
        }

        TokenStates get() {
            if (states == null) {
                states = TokenStates.open(backbone, config.threads(), config.encodeBatchSize());
            }
            return states;
        }

        boolean opened() {
            return states != null;
        }

        @Override
        public void close() {
            if (states != null) {
                states.close();
            }
        }
    }

    /** The kept model's scores on validation and test, and its word tags on the split the report analyses. */
    private record Scored(EntityMetrics.Scores val, Optional<EntityMetrics.Scores> test, TaggedPredictions errorAnalysis) {
    }

    /** Scores the kept model ({@code predict}) on the batches {@code batches} makes of the validation and test windows. */
    private static Scored score(Prepared p, Function<BatchSource, float[][]> predict,
                                Function<Targets.Tokens, BatchSource> batches) {
        List<List<Tag>> valTags = p.task().wordTags(predict.apply(batches.apply(p.val())), p.val());
        Optional<List<List<Tag>>> testTags = p.test().map(t -> p.task().wordTags(predict.apply(batches.apply(t)), t));
        EntityMetrics.Scores val = EntityMetrics.score(p.val().gold(), valTags);
        Optional<EntityMetrics.Scores> test = testTags.map(t -> EntityMetrics.score(p.test().get().gold(), t));
        Targets.Tokens analysed = p.test().orElse(p.val());
        List<List<String>> words = analysed.sentences().stream().map(s -> s.words().words()).toList();
        TaggedPredictions errors = new TaggedPredictions(p.test().isPresent() ? "test" : "validation", words, analysed.gold(),
                testTags.orElse(valTags));
        return new Scored(val, test, errors);
    }

    /**
     * Identifies a fine-tuning run for its checkpoints: the backbone's checksum, the task, every training and validation
     * sentence's words and tags (so a changed subset is noticed, not only a changed file) and the settings.
     */
    private static String fingerprint(TextModelSpec backbone, Prepared p, Map<String, Object> settings) {
        return Checkpointing.fingerprint(backbone.sha256(), p.task().toString() + p.task().settings(),
                sentencesDigest(p.train()), sentencesDigest(p.val()), settings.toString());
    }

    private static String sentencesDigest(Targets.Tokens tokens) {
        java.security.MessageDigest md = Hashes.sha256();
        for (int s = 0; s < tokens.sentences().size(); s++) {
            Hashes.update(md, String.join("\u0001", tokens.sentences().get(s).words().words()));
            Hashes.update(md, tokens.gold().get(s).toString());
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    private static Prepared prepare(TextModelSpec backbone, Corpora data) {
        TokenTask task = task(data.train(), backbone.maxLength());
        Map<String, TagRepair.Result> repairs = new LinkedHashMap<>();
        Set<String> types = new TreeSet<>();
        task.tagSet().tags().stream().filter(t -> !t.isOutside()).forEach(t -> types.add(t.type()));
        try (SubwordTokenizer tokenizer = SubwordTokenizer.open(backbone.tokenizerFile())) {
            TokenClassificationEncoder encoder = new TokenClassificationEncoder(tokenizer, task.tagSet(), task.scheme(),
                    backbone.maxLength(), task.stride(), SubwordLabels.FIRST);
            Targets.Tokens train = encode(encoder, data.train(), task.scheme(), types, "train", repairs);
            Targets.Tokens val = encode(encoder, data.val(), task.scheme(), types, "val", repairs);
            Optional<Targets.Tokens> test = data.test().map(t -> encode(encoder, t, task.scheme(), types, "test", repairs));
            return new Prepared(task, train, val, test, repairs);
        }
    }

    /**
     * The sentences of {@code corpus} in {@code scheme}, encoded with their tags.
     *
     * @throws DataException naming the file and line of a tag whose type the training data does not have
     */
    private static Targets.Tokens encode(TokenClassificationEncoder encoder, TaggedCorpus corpus, TagScheme scheme,
                                         Set<String> types, String split, Map<String, TagRepair.Result> repairs) {
        TagRepair.Result repaired = TagRepair.repair(corpus.sentences(), scheme);
        repairs.put(split, repaired);
        List<EncodedSentence> sentences = new ArrayList<>(repaired.sentences().size());
        List<List<Tag>> gold = new ArrayList<>(repaired.sentences().size());
        for (int s = 0; s < repaired.sentences().size(); s++) {
            TaggedSentence sentence = repaired.sentences().get(s);
            for (int i = 0; i < sentence.size(); i++) {
                Tag t = sentence.tags().get(i);
                if (!t.isOutside() && !types.contains(t.type())) {
                    throw new DataException(corpus.path() + ": line " + sentence.line(i) + ": entity type '" + t.type()
                            + "' does not occur in the training data (types: " + types + "). Train on data with every type,"
                            + " or remove or retag these entities.");
                }
            }
            sentences.add(encoder.encode(s, WordSequence.joined(sentence.tokens()), sentence.tags()));
            gold.add(sentence.tags());
        }
        return Targets.Tokens.of(sentences, gold);
    }

    private static Provenance provenance(String strategy, long seed, Map<String, Object> settings, TextModelSpec backbone,
                                         Corpora data, EntityMetrics.Scores val, Optional<EntityMetrics.Scores> test) {
        Map<String, Provenance.DataFingerprint> files = new LinkedHashMap<>();
        files.put("train", fingerprint(data.train()));
        files.put("val", fingerprint(data.val()));
        data.test().ifPresent(t -> files.put("test", fingerprint(t)));
        Map<String, String> bb = new LinkedHashMap<>();
        bb.put("id", backbone.id());
        bb.put("sha256", backbone.sha256());
        bb.put("license", backbone.license());
        bb.put("source", backbone.source());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("task", "token-classification");
        metrics.put("val_micro_f1", val.f1());
        test.ifPresent(t -> metrics.put("test_micro_f1", t.f1()));
        return new Provenance(Instant.now().toString(), strategy, seed, settings, files, bb, Versions.all(), metrics, List.of());
    }

    private static Provenance.DataFingerprint fingerprint(TaggedCorpus c) {
        return new Provenance.DataFingerprint(c.path() == null ? null : c.path().toAbsolutePath().toString(), c.sha256(),
                c.sha256(), c.sentences().size(), c.entityCounts());
    }
}

package dev.graft.strategy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.graft.artifact.PerTokenModel;
import dev.graft.artifact.Provenance;
import dev.graft.artifact.QuestionAnswerer;
import dev.graft.artifact.Versions;
import dev.graft.data.qa.QaEncoder;
import dev.graft.data.qa.SquadDataset;
import dev.graft.data.qa.SquadQuestion;
import dev.graft.data.tokens.SubwordTokenizer;
import dev.graft.metrics.SquadMetrics;
import dev.graft.model.Precision;
import dev.graft.model.bert.BertModel;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TokenStates;
import dev.graft.model.text.TransformerClassifier;
import dev.graft.task.SpanTask;
import dev.graft.task.Targets;
import dev.graft.training.FitResult;
import dev.graft.training.Learner;
import dev.graft.training.StateBatches;
import dev.graft.training.TokenBatches;
import dev.graft.training.TrainingListener;
import dev.graft.util.Arguments;
import dev.graft.util.Hashes;
import dev.graft.util.Progress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Extractive question answering with a pretrained text encoder, by either strategy: fine-tuning (encoder and a
 * start/end head train together, with the fine-tune recipe's discriminative rates, warm-up and clipping) or feature
 * extraction (the frozen encoder's per-token states computed once, a head trained on them; cheap, and far weaker:
 * a frozen sentence encoder's states do not mark answer boundaries). Both train a {@link SpanTask} through
 * {@link Learner} on question-first windows, pick the epoch by validation SQuAD F1, tune the no-answer threshold on
 * validation when the training data have unanswerable questions (SQuAD v2.0), and score the kept model with
 * {@link SquadMetrics}.
 */
public final class QuestionAnswering {

    private QuestionAnswering() {
    }

    /**
     * The question files of a run.
     *
     * @param train training questions
     * @param val   validation questions (pick the epoch, tune the no-answer threshold)
     * @param test  test questions, scored once with the kept model
     */
    public record Data(SquadDataset train, SquadDataset val, Optional<SquadDataset> test) {

        /**
         * The data of a run: {@code val} when given, else a seeded random {@code valFraction} of {@code train}'s
         * questions held out; then, with {@code maxTrain}, a seeded random subset of that many training questions.
         *
         * @param val      validation questions, or {@code null} to hold some out of {@code train}
         * @param maxTrain at most this many training questions, or {@code null} for all
         * @throws IllegalArgumentException when {@code train} is too small to hold out validation questions
         */
        public static Data of(SquadDataset train, SquadDataset val, Optional<SquadDataset> test, double valFraction,
                              Integer maxTrain, long seed) {
            if (val == null) {
                List<SquadQuestion> shuffled = TokenClassification.seededOrder(train.questions(), seed);
                int n = Math.max(1, (int) Math.round(shuffled.size() * valFraction));
                if (n >= shuffled.size()) {
                    throw new IllegalArgumentException(train.path() + " has " + shuffled.size() + " question(s), too few to"
                            + " hold out validation questions; give " + Arguments.name("valFile") + ".");
                }
                val = with(train, shuffled.subList(0, n));
                train = with(train, shuffled.subList(n, shuffled.size()));
            }
            if (maxTrain != null && maxTrain < train.questions().size()) {
                train = with(train, TokenClassification.seededOrder(train.questions(), seed).subList(0, maxTrain));
            }
            return new Data(train, val, test);
        }

        private static SquadDataset with(SquadDataset d, List<SquadQuestion> questions) {
            return new SquadDataset(d.path(), d.sha256(), d.format(), questions, d.skipped());
        }
    }

    /**
     * How questions are cut into windows and answers read back.
     *
     * @param maxLength       positions of a window, special tokens included
     * @param docStride       overlap of a context's windows, in sub-tokens
     * @param maxAnswerTokens longest answer considered, in sub-tokens
     * @param nBest           start and end positions paired per window
     */
    public record Windows(int maxLength, int docStride, int maxAnswerTokens, int nBest) {

        /** 384 positions, overlap 128, answers of at most 30 tokens, 20 best starts and ends. */
        public static Windows defaults() {
            return new Windows(QaEncoder.DEFAULT_MAX_LENGTH, QaEncoder.DEFAULT_DOC_STRIDE, SpanTask.DEFAULT_MAX_ANSWER_TOKENS,
                    SpanTask.DEFAULT_N_BEST);
        }
    }

    /**
     * What a run produced.
     *
     * @param answerer      the trained model (its task holds the tuned no-answer threshold)
     * @param fit           the training history
     * @param validation    scores of the kept model on the validation questions
     * @param test          its scores on the test questions, when given
     * @param encodeSeconds seconds spent computing frozen per-token states (feature extraction), else 0
     * @param windows       training windows (examples per epoch)
     * @param provenance    how the model was made
     * @param answered      the kept model's answers to the test questions (else the validation ones), for error analysis
     */
    public record Outcome(QuestionAnswerer answerer, FitResult fit, SquadMetrics.Scores validation,
                          Optional<SquadMetrics.Scores> test, double encodeSeconds, int windows, Provenance provenance,
                          Answered answered)
            implements AutoCloseable, RunResult {

        /** {@link #encodeSeconds()}: the time spent on frozen per-token states. */
        @Override
        public double embedSeconds() {
            return encodeSeconds;
        }

        /** {@code metrics.json}: the task, the validation and test scores, the threshold, the best epoch and the history. */
        public Map<String, Object> metricsDocument() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task", answerer.task().kind().key());
            m.put("strategy", answerer.strategy());
            m.put("validation", validation.toMap());
            test.ifPresent(t -> m.put("test", t.toMap()));
            if (answerer.task().noAnswer()) {
                m.put("null_threshold", answerer.task().nullThreshold());
            }
            m.putAll(fit.summary());
            m.put("training_windows", windows);
            m.put("training_seconds", fit.seconds());
            m.put("encode_seconds", encodeSeconds);
            return m;
        }

        @Override
        public void close() {
            answerer.close();
        }
    }

    /**
     * A model's answers to the questions of one split.
     *
     * @param split     {@code "test"} or {@code "validation"}
     * @param questions the questions, in file order
     * @param answers   the answer to each, in the same order
     */
    public record Answered(String split, List<SquadQuestion> questions, List<SpanTask.Answer> answers) {

        /** Copies the lists, which must be as long as each other. */
        public Answered {
            questions = List.copyOf(questions);
            answers = List.copyOf(answers);
            if (questions.size() != answers.size()) {
                throw new IllegalArgumentException(questions.size() + " questions but " + answers.size() + " answers");
            }
        }

        /** The answers in {@code activated} to {@code spans}' questions. */
        static Answered of(String split, SpanTask task, float[][] activated, Targets.Spans spans) {
            return new Answered(split, spans.questions(), task.answers(activated, spans));
        }
    }

    /** The splits cut into windows. */
    private record Prepared(SpanTask task, Targets.Spans train, Targets.Spans val, Optional<Targets.Spans> test) {
    }

    /**
     * The task {@code train} calls for: the window settings, and answering "no answer" when some training question has
     * none (SQuAD v2.0); the threshold starts at 0 and is tuned on validation.
     *
     * @throws IllegalArgumentException when the windows leave no room for context beyond the overlap
     */
    public static SpanTask task(SquadDataset train, Windows windows) {
        boolean noAnswer = train.questions().stream().anyMatch(q -> q.answers().isEmpty());
        int maxQuestion = Math.min(QaEncoder.DEFAULT_MAX_QUESTION_TOKENS, windows.maxLength() / 4);
        return new SpanTask(windows.maxLength(), windows.docStride(), maxQuestion, windows.maxAnswerTokens(), windows.nBest(),
                noAnswer, 0.0);
    }

    /**
     * Fine-tunes the encoder with a linear (or {@code config.hiddenUnits()}-wide) start/end head. The encoder computes
     * in {@code config.precision()} while training; the kept model is scored in float32, as it is saved.
     */
    public static Outcome fineTune(TextModelSpec backbone, Data data, Windows windows, FineTuneConfig config,
                                   Progress progress, List<TrainingListener> listeners) {
        Prepared p = prepare(backbone, data, windows);
        Learner.seed(config.training().seed());
        return PerTokenFineTune.run(backbone, config, p.task().outputWidth(), parts -> {
            BertModel encoder = parts.encoder();
            ClassifierHead head = parts.head();
            int positions = encoder.config().maxPositions() - encoder.config().positionOffset();
            if (windows.maxLength() > positions) {
                throw new IllegalArgumentException(Arguments.name("maxLength") + " " + windows.maxLength() + " exceeds the "
                        + positions + " positions " + backbone.id() + " reads; give at most " + positions + ".");
            }
            TransformerClassifier model = TransformerClassifier.perToken(encoder, head);
            Learner learner = new Learner(model, model, TaskTraining.config(config.training(), p.task()), config.plan(),
                    p.task(), listeners);
            long pad = parts.tokenizer().padId();
            TokenBatches val = TokenBatches.bucketed(QuestionAnswerer.inputs(p.val()), p.val(), pad);
            FitResult fit = learner.fit(TokenBatches.bucketed(QuestionAnswerer.inputs(p.train()), p.train(), pad), val);
            encoder.setPrecision(Precision.FP32);
            float[][] valOut = learner.predictProbabilities(val);
            SpanTask task = p.task().calibrated(valOut, p.val());
            SquadMetrics.Scores valScores = task.score(valOut, p.val());
            Optional<float[][]> testOut = p.test().map(t -> learner.predictProbabilities(
                    TokenBatches.bucketed(QuestionAnswerer.inputs(t), t, pad)));
            Optional<SquadMetrics.Scores> testScores = testOut.map(o -> task.score(o, p.test().get()));
            QuestionAnswerer answerer = new QuestionAnswerer(new PerTokenModel(backbone, encoder, head, parts.manager()), task,
                    FineTuning.NAME);
            return new Outcome(answerer, fit, valScores, testScores, 0, p.train().size(), provenance(FineTuning.NAME,
                    config.training().seed(), config.describe(), windows, backbone, data, task, valScores, testScores),
                    answered(task, valOut, p, testOut));
        });
    }

    /**
     * Feature extraction: the frozen encoder's per-token states are computed once per split (ONNX Runtime when the
     * backbone has an ONNX export), and a start/end head is trained on them.
     */
    public static Outcome featureExtraction(TextModelSpec backbone, Data data, Windows windows,
                                            FeatureExtractionConfig config, Progress progress,
                                            List<TrainingListener> listeners) {
        Prepared p = prepare(backbone, data, windows);
        long start = System.nanoTime();
        float[][] trainStates;
        float[][] valStates;
        float[][] testStates;
        int width;
        try (TokenStates states = TokenStates.open(backbone, config.threads(), config.encodeBatchSize())) {
            trainStates = states.states(QuestionAnswerer.inputs(p.train()), progress);
            valStates = states.states(QuestionAnswerer.inputs(p.val()), progress);
            testStates = p.test().map(t -> states.states(QuestionAnswerer.inputs(t), progress)).orElse(null);
            width = states.dimension();
        }
        double encodeSeconds = (System.nanoTime() - start) / 1e9;
        Learner.seed(config.training().seed());
        NDManager manager = NDManager.newBaseManager(Device.cpu());
        try {
            ClassifierHead head = new ClassifierHead(new HeadConfig(width, p.task().outputWidth(), config.hiddenUnits(),
                    config.dropout()));
            head.initialize(manager);
            Learner learner = new Learner(head, head, TaskTraining.config(config.training(), p.task()), config.plan(),
                    p.task(), listeners);
            StateBatches val = new StateBatches(valStates, width, p.val());
            FitResult fit = learner.fit(new StateBatches(trainStates, width, p.train()), val);
            float[][] valOut = learner.predictProbabilities(val);
            SpanTask task = p.task().calibrated(valOut, p.val());
            SquadMetrics.Scores valScores = task.score(valOut, p.val());
            Optional<float[][]> testOut = p.test().map(t -> learner.predictProbabilities(new StateBatches(testStates, width, t)));
            Optional<SquadMetrics.Scores> testScores = testOut.map(o -> task.score(o, p.test().get()));
            QuestionAnswerer answerer = new QuestionAnswerer(new PerTokenModel(backbone, null, head, manager), task,
                    FeatureExtraction.NAME);
            return new Outcome(answerer, fit, valScores, testScores, encodeSeconds, p.train().size(),
                    provenance(FeatureExtraction.NAME, config.training().seed(), config.describe(), windows, backbone, data,
                            task, valScores, testScores), answered(task, valOut, p, testOut));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The answers to the test questions when there are some, else to the validation ones. */
    private static Answered answered(SpanTask task, float[][] valOut, Prepared p, Optional<float[][]> testOut) {
        return testOut.isPresent() ? Answered.of("test", task, testOut.get(), p.test().get())
                : Answered.of("validation", task, valOut, p.val());
    }

    private static Prepared prepare(TextModelSpec backbone, Data data, Windows windows) {
        SpanTask task = task(data.train(), windows);
        try (SubwordTokenizer tokenizer = SubwordTokenizer.open(backbone.tokenizerFile())) {
            QaEncoder encoder = task.encoder(tokenizer);
            return new Prepared(task, QuestionAnswerer.encode(encoder, data.train().questions()),
                    QuestionAnswerer.encode(encoder, data.val().questions()),
                    data.test().map(t -> QuestionAnswerer.encode(encoder, t.questions())));
        }
    }

    private static Provenance provenance(String strategy, long seed, Map<String, Object> settings, Windows windows,
                                         TextModelSpec backbone, Data data, SpanTask task, SquadMetrics.Scores val,
                                         Optional<SquadMetrics.Scores> test) {
        Map<String, Provenance.DataFingerprint> files = new LinkedHashMap<>();
        files.put("train", fingerprint(data.train()));
        files.put("val", fingerprint(data.val()));
        data.test().ifPresent(t -> files.put("test", fingerprint(t)));
        Map<String, String> bb = new LinkedHashMap<>();
        bb.put("id", backbone.id());
        bb.put("sha256", backbone.sha256());
        bb.put("license", backbone.license());
        bb.put("source", backbone.source());
        Map<String, Object> all = new LinkedHashMap<>(settings);
        all.put("max_length", windows.maxLength());
        all.put("doc_stride", windows.docStride());
        all.put("max_answer_tokens", windows.maxAnswerTokens());
        all.put("n_best", windows.nBest());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("task", task.kind().key());
        metrics.put("val_exact", val.exact());
        metrics.put("val_f1", val.f1());
        test.ifPresent(t -> {
            metrics.put("test_exact", t.exact());
            metrics.put("test_f1", t.f1());
        });
        return new Provenance(Instant.now().toString(), strategy, seed, all, files, bb, Versions.all(), metrics, List.of());
    }

    private static Provenance.DataFingerprint fingerprint(SquadDataset d) {
        String ids = d.questions().stream().map(SquadQuestion::id).collect(Collectors.joining("\n"));
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("answerable", (int) d.questions().stream().filter(q -> !q.answers().isEmpty()).count());
        counts.put("unanswerable", (int) d.questions().stream().filter(q -> q.answers().isEmpty()).count());
        return new Provenance.DataFingerprint(d.path() == null ? null : d.path().toAbsolutePath().toString(), d.sha256(),
                Hashes.sha256(ids), d.questions().size(), counts);
    }
}

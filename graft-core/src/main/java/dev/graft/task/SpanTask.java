package dev.graft.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.graft.data.TargetFormat;
import dev.graft.data.TaskKind;
import dev.graft.data.qa.QaEncoder;
import dev.graft.data.qa.QaFeature;
import dev.graft.data.qa.SpanSearch;
import dev.graft.data.tokens.SubwordTokenizer;
import dev.graft.metrics.SquadMetrics;
import dev.graft.model.Scalars;
import dev.graft.util.Arguments;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Extractive question answering: the head gives a start and an end score at every position of a question-first window
 * ({@code [B, T, 2]}); the loss is the mean of the start and the end cross-entropy over the window's positions (padding
 * excluded), the target of a window that does not hold the answer being the first special token ({@code [CLS]}).
 * A question is answered from all its windows by {@link SpanSearch} (valid spans of at most {@code maxAnswerTokens}
 * tokens, mapped back to context characters) and judged with {@link SquadMetrics}. A model that may say "no answer"
 * (trained on SQuAD v2.0-style data) answers nothing when the no-answer score (start + end at {@code [CLS]}) exceeds
 * the best span's by more than its threshold, which {@link #calibrated} tunes on validation for F1.
 *
 * <p>Activated outputs are the raw scores, flattened position by position (start, end), possibly followed by padded
 * positions, which are never read.
 */
public final class SpanTask implements Task {

    /** The usual longest answer, in sub-tokens. */
    public static final int DEFAULT_MAX_ANSWER_TOKENS = 30;
    /** The usual number of start and end positions paired per window. */
    public static final int DEFAULT_N_BEST = 20;

    static final String MAX_LENGTH = "max_length";
    static final String DOC_STRIDE = "doc_stride";
    static final String MAX_QUESTION_TOKENS = "max_question_tokens";
    static final String MAX_ANSWER_TOKENS = "max_answer_tokens";
    static final String N_BEST = "n_best";
    static final String NO_ANSWER = "no_answer";
    static final String NULL_THRESHOLD = "null_threshold";

    /** Scores set on positions beyond a window's length before the softmax, so padding never takes probability. */
    private static final float PADDING_SCORE = -1e4f;

    private final int maxLength;
    private final int docStride;
    private final int maxQuestionTokens;
    private final int maxAnswerTokens;
    private final int nBest;
    private final boolean noAnswer;
    private final double nullThreshold;

    /**
     * A task.
     *
     * @param maxLength         positions of a window, special tokens included
     * @param docStride         overlap of a context's windows, in sub-tokens
     * @param maxQuestionTokens longest question kept, in sub-tokens
     * @param maxAnswerTokens   longest answer considered, in sub-tokens
     * @param nBest             start and end positions paired per window
     * @param noAnswer          whether the model may answer that the context holds no answer (SQuAD v2.0)
     * @param nullThreshold     how far the no-answer score must exceed the best span's for no answer
     * @throws IllegalArgumentException when a setting is out of range
     */
    public SpanTask(int maxLength, int docStride, int maxQuestionTokens, int maxAnswerTokens, int nBest, boolean noAnswer,
                    double nullThreshold) {
        if (maxAnswerTokens < 1) {
            throw new IllegalArgumentException(Arguments.name("maxAnswerLength") + " must be at least 1, got " + maxAnswerTokens);
        }
        if (nBest < 1) {
            throw new IllegalArgumentException(Arguments.name("nBest") + " must be at least 1, got " + nBest);
        }
        if (docStride < 0) {
            throw new IllegalArgumentException(Arguments.name("docStride") + " must be at least 0, got " + docStride);
        }
        if (!Double.isFinite(nullThreshold)) {
            throw new IllegalArgumentException("the no-answer threshold must be a finite number, got " + nullThreshold);
        }
        this.maxLength = maxLength;
        this.docStride = docStride;
        this.maxQuestionTokens = maxQuestionTokens;
        this.maxAnswerTokens = maxAnswerTokens;
        this.nBest = nBest;
        this.noAnswer = noAnswer;
        this.nullThreshold = nullThreshold;
    }

    /** The task of a saved model: its settings. */
    static SpanTask restore(List<String> names, Map<String, Object> settings) {
        if (!names.equals(List.of("start", "end"))) {
            throw new IllegalArgumentException("a question-answering model has the outputs [start, end], not " + names);
        }
        return new SpanTask(integer(settings, MAX_LENGTH), integer(settings, DOC_STRIDE), integer(settings, MAX_QUESTION_TOKENS),
                integer(settings, MAX_ANSWER_TOKENS), integer(settings, N_BEST), Boolean.TRUE.equals(settings.get(NO_ANSWER)),
                number(settings, NULL_THRESHOLD));
    }

    private static int integer(Map<String, Object> settings, String key) {
        return (int) number(settings, key);
    }

    private static double number(Map<String, Object> settings, String key) {
        if (!(settings.get(key) instanceof Number n)) {
            throw new IllegalArgumentException("a question-answering model needs a number '" + key + "'");
        }
        return n.doubleValue();
    }

    /** This task with another no-answer threshold. */
    public SpanTask withNullThreshold(double threshold) {
        return new SpanTask(maxLength, docStride, maxQuestionTokens, maxAnswerTokens, nBest, noAnswer, threshold);
    }

    /** The window encoder of these settings over {@code tokenizer}. */
    public QaEncoder encoder(SubwordTokenizer tokenizer) {
        return new QaEncoder(tokenizer, maxLength, docStride, maxQuestionTokens);
    }

    /** Positions of a window. */
    public int maxLength() {
        return maxLength;
    }

    /** Overlap of windows, in sub-tokens. */
    public int docStride() {
        return docStride;
    }

    /** Longest answer considered, in sub-tokens. */
    public int maxAnswerTokens() {
        return maxAnswerTokens;
    }

    /** Start and end positions paired per window. */
    public int nBest() {
        return nBest;
    }

    /** Whether the model may answer that there is no answer. */
    public boolean noAnswer() {
        return noAnswer;
    }

    /** How far the no-answer score must exceed the best span's for no answer. */
    public double nullThreshold() {
        return nullThreshold;
    }

    @Override
    public TaskKind kind() {
        return TaskKind.QUESTION_ANSWERING;
    }

    @Override
    public int outputWidth() {
        return 2;
    }

    @Override
    public List<String> outputNames() {
        return List.of("start", "end");
    }

    /** Refused: answer targets are spans of contexts cut into windows by a tokenizer; build them with {@link Targets.Spans#of}. */
    @Override
    public Targets encode(List<String> rawTargets) {
        throw new IllegalArgumentException("question answering reads questions with contexts (SQuAD JSON or JSON Lines),"
                + " not a label column; encode them with a QaEncoder into Targets.Spans");
    }

    /** {@code [B, 3]}: each window's answer start and end position and its length. */
    @Override
    public NDArray batchTargets(NDManager manager, Targets targets, int[] indices) {
        List<QaFeature> windows = ((Targets.Spans) targets).windows();
        long[] y = new long[indices.length * 3];
        for (int b = 0; b < indices.length; b++) {
            QaFeature f = windows.get(indices[b]);
            y[b * 3] = f.startPosition();
            y[b * 3 + 1] = f.endPosition();
            y[b * 3 + 2] = f.input().length();
        }
        return manager.create(y, new Shape(indices.length, 3));
    }

    /** The mean of the start and end cross-entropy of {@code outputs [B, T, 2]}, over each window's own positions. */
    @Override
    public NDArray loss(NDArray outputs, NDArray targets) {
        int t = (int) outputs.getShape().get(1);
        DataType type = outputs.getDataType();
        NDArray positions = outputs.getManager().arange(t).toType(DataType.INT64, false).reshape(1, t);
        NDArray padding = positions.gte(targets.get(":, 2:3")).toType(type, false).mul(Scalars.constant(outputs, PADDING_SCORE)); // [B, T]
        NDArray start = outputs.get(":, :, 0").add(padding).logSoftmax(1);
        NDArray end = outputs.get(":, :, 1").add(padding).logSoftmax(1);
        NDArray startNll = start.mul(targets.get(":, 0").oneHot(t).toType(type, false)).sum(new int[] {1}).neg();
        NDArray endNll = end.mul(targets.get(":, 1").oneHot(t).toType(type, false)).sum(new int[] {1}).neg();
        return Scalars.div(startNll.add(endNll).mean(), 2f);
    }

    /** The raw scores (the span search reads logits). */
    @Override
    public NDArray activate(NDArray outputs) {
        return outputs.toType(DataType.FLOAT32, false);
    }

    /** The raw start/end scores, as {@link #activate(NDArray)} keeps them (span search reads scores, not probabilities). */
    @Override
    public float[] activate(float[] outputs) {
        return outputs.clone();
    }

    @Override
    public double validationLoss(float[][] activated, Targets gold) {
        List<QaFeature> windows = ((Targets.Spans) gold).windows();
        double sum = 0;
        for (int i = 0; i < activated.length; i++) {
            QaFeature f = windows.get(i);
            int n = f.input().length();
            sum += (nll(activated[i], n, 0, f.startPosition()) + nll(activated[i], n, 1, f.endPosition())) / 2;
        }
        return activated.length == 0 ? 0 : sum / activated.length;
    }

    private static double nll(float[] row, int n, int channel, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (int p = 0; p < n; p++) {
            max = Math.max(max, row[p * 2 + channel]);
        }
        double z = 0;
        for (int p = 0; p < n; p++) {
            z += Math.exp(row[p * 2 + channel] - max);
        }
        return max + Math.log(z) - row[target * 2 + channel];
    }

    /**
     * One question's answer.
     *
     * @param text      the answer, a substring of the context; empty for no answer
     * @param start     its first character in the context, or -1 for no answer
     * @param end       its end character (exclusive), or -1 for no answer
     * @param score     the probability of the chosen answer among the n-best spans (and no answer, when the model may
     *                  give it), a softmax over their start + end scores
     * @param nullGap   the no-answer score minus the best span's score (+∞ when no span was valid)
     * @param bestSpan  the best span's text, also when no answer was chosen
     */
    public record Answer(String text, int start, int end, double score, double nullGap, String bestSpan) {

        /** Whether the answer is "no answer". */
        public boolean none() {
            return start < 0;
        }
    }

    /** The answer to each question of {@code spans}, in order, from its windows' activated outputs. */
    public List<Answer> answers(float[][] activated, Targets.Spans spans) {
        if (activated.length != spans.size()) {
            throw new IllegalArgumentException(spans.size() + " windows but " + activated.length + " output rows");
        }
        List<Answer> out = new ArrayList<>(spans.questions().size());
        for (int q = 0; q < spans.questions().size(); q++) {
            List<QaFeature> windows = spans.windowsOf(q);
            List<float[]> starts = new ArrayList<>(windows.size());
            List<float[]> ends = new ArrayList<>(windows.size());
            for (int w = 0; w < windows.size(); w++) {
                float[] row = activated[spans.firstWindow(q) + w];
                int n = windows.get(w).input().length();
                float[] s = new float[n];
                float[] e = new float[n];
                for (int p = 0; p < n; p++) {
                    s[p] = row[p * 2];
                    e[p] = row[p * 2 + 1];
                }
                starts.add(s);
                ends.add(e);
            }
            out.add(answer(SpanSearch.search(windows, starts, ends, nBest, maxAnswerTokens), spans.questions().get(q).context()));
        }
        return out;
    }

    /** The answer a search result gives under this task's no-answer setting and threshold. */
    Answer answer(SpanSearch.Result r, String context) {
        SpanSearch.Candidate best = r.best();
        double gap = best == null ? Double.POSITIVE_INFINITY : r.nullScore() - best.score();
        boolean none = best == null || (noAnswer && gap > nullThreshold);
        double max = Math.max(best == null ? Double.NEGATIVE_INFINITY : best.score(), noAnswer ? r.nullScore() : Double.NEGATIVE_INFINITY);
        double z = 0;
        for (SpanSearch.Candidate c : r.candidates()) {
            z += Math.exp(c.score() - max);
        }
        if (noAnswer) {
            z += Math.exp(r.nullScore() - max);
        }
        String span = best == null ? "" : best.text(context);
        if (none) {
            return new Answer("", -1, -1, noAnswer ? Math.exp(r.nullScore() - max) / z : Double.NaN, gap, span);
        }
        return new Answer(span, best.charStart(), best.charEnd(), Math.exp(best.score() - max) / z, gap, span);
    }

    /** Exact match and F1 (SQuAD's official normalisation, best over the gold answers; HasAns / NoAns for v2.0 data). */
    @Override
    public SquadMetrics.Scores score(float[][] activated, Targets gold) {
        Targets.Spans spans = (Targets.Spans) gold;
        List<Answer> answers = answers(activated, spans);
        Map<String, String> predictions = new HashMap<>();
        for (int q = 0; q < answers.size(); q++) {
            predictions.put(spans.questions().get(q).id(), answers.get(q).text());
        }
        return SquadMetrics.evaluate(spans.questions(), predictions);
    }

    /**
     * For a model that may answer nothing, this task with the no-answer threshold that gives the highest F1 on
     * {@code gold} (the v2.0 script's {@code find_best_thresh} over the no-answer score gaps); otherwise itself.
     */
    @Override
    public SpanTask calibrated(float[][] activated, Targets gold) {
        if (!noAnswer) {
            return this;
        }
        Targets.Spans spans = (Targets.Spans) gold;
        List<Answer> answers = answers(activated, spans);
        Map<String, String> spansOnly = new HashMap<>();
        Map<String, Double> gaps = new HashMap<>();
        double lowest = Double.POSITIVE_INFINITY;
        double finiteMax = 0;
        for (int q = 0; q < answers.size(); q++) {
            String id = spans.questions().get(q).id();
            Answer a = answers.get(q);
            spansOnly.put(id, a.bestSpan());
            gaps.put(id, a.nullGap());
            lowest = Math.min(lowest, a.nullGap());
            finiteMax = Double.isFinite(a.nullGap()) ? Math.max(finiteMax, Math.abs(a.nullGap())) : finiteMax;
        }
        int unanswerable = (int) spans.questions().stream().filter(q -> q.answers().isEmpty()).count();
        SquadMetrics.BestThreshold best = SquadMetrics.bestThreshold(spans.questions(), spansOnly, gaps, true);
        double allNone = 100.0 * unanswerable / spans.questions().size();
        // the sweep starts from "no answer everywhere"; when nothing beats it, the threshold lies below every gap
        double threshold = best.score() <= allNone && Double.isFinite(lowest) ? lowest - 1 : best.threshold();
        return withNullThreshold(Double.isFinite(threshold) ? threshold : finiteMax + 1);
    }

    @Override
    public String defaultMonitor() {
        return SquadMetrics.Scores.F1;
    }

    /**
     * One window's prediction: its best start and end positions by score (not checked for validity; a question's
     * answer comes from {@link #answers}), the sum of their scores as its score.
     */
    @Override
    public TaskPrediction decode(float[] activated) {
        int n = activated.length / 2;
        int s = 0;
        int e = 0;
        for (int p = 1; p < n; p++) {
            s = activated[p * 2] > activated[s * 2] ? p : s;
            e = activated[p * 2 + 1] > activated[e * 2 + 1] ? p : e;
        }
        Map<String, Double> positions = new LinkedHashMap<>();
        positions.put("start", (double) s);
        positions.put("end", (double) e);
        return new TaskPrediction(List.of(), n == 0 ? Double.NaN : activated[s * 2] + activated[e * 2 + 1], Double.NaN,
                positions);
    }

    /** Refused: question-answering data hold their answers in their own layout (SQuAD JSON, JSON Lines), not a column. */
    @Override
    public TargetFormat targetFormat() {
        throw new IllegalStateException("question answering has no label column: read its data with SquadReader");
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(MAX_LENGTH, maxLength);
        m.put(DOC_STRIDE, docStride);
        m.put(MAX_QUESTION_TOKENS, maxQuestionTokens);
        m.put(MAX_ANSWER_TOKENS, maxAnswerTokens);
        m.put(N_BEST, nBest);
        m.put(NO_ANSWER, noAnswer);
        m.put(NULL_THRESHOLD, nullThreshold);
        return m;
    }

    @Override
    public String toString() {
        return "question answering (windows of " + maxLength + ", stride " + docStride + ", answers of at most "
                + maxAnswerTokens + " tokens" + (noAnswer ? ", no-answer threshold " + nullThreshold : "") + ")";
    }
}

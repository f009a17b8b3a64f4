package dev.graft.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.graft.data.TargetFormat;
import dev.graft.data.TaskKind;
import dev.graft.data.tokens.EncodedSentence;
import dev.graft.data.tokens.Tag;
import dev.graft.data.tokens.TagScheme;
import dev.graft.data.tokens.TagSet;
import dev.graft.data.tokens.TokenFeature;
import dev.graft.metrics.EntityMetrics;
import dev.graft.model.Scalars;
import dev.graft.model.head.CrfLayer;
import dev.graft.model.head.CrfScores;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Token classification (named-entity recognition): the head scores every tag at every token ({@code [B, T, tags]}),
 * the loss is the mean cross-entropy over the positions that carry a label (a word's first sub-token; positions
 * labelled {@link TokenFeature#IGNORE} count for nothing), and a sentence is judged by the entities of its word tags,
 * each word taking the tag predicted at its first sub-token ({@link EncodedSentence#wordTags}), with
 * {@link EntityMetrics} (seqeval's default mode).
 *
 * <p>The examples are windows of sentences ({@link Targets.Tokens}); an activated output row is one window's tag
 * probabilities flattened position by position, possibly followed by padded positions, which are never read.
 */
public final class TokenTask implements Task {

    /** The key of the tag scheme in {@link #settings()}. */
    static final String SCHEME = "scheme";
    /** The key of the window overlap in {@link #settings()}. */
    static final String STRIDE = "window_stride";
    /** The key of the CRF scores in {@link #settings()} (absent without a CRF). */
    static final String CRF = "crf";

    private final TagSet tags;
    private final TagScheme scheme;
    private final int stride;
    private final CrfLayer crf;
    /** CRF scores training with the network (joint training), or {@code null}; never saved. */
    private final CrfScores training;

    /**
     * A task over {@code tags}, written in {@code scheme}.
     *
     * @param stride the overlap, in sub-tokens, of the windows a long sentence is cut into (kept with the model)
     */
    public TokenTask(TagSet tags, TagScheme scheme, int stride) {
        this(tags, scheme, stride, null);
    }

    private TokenTask(TagSet tags, TagScheme scheme, int stride, CrfLayer crf) {
        this(tags, scheme, stride, crf, null);
    }

    private TokenTask(TagSet tags, TagScheme scheme, int stride, CrfLayer crf, CrfScores training) {
        if (scheme == TagScheme.IOB1) {
            throw new IllegalArgumentException("a token classifier predicts IOB2 or BIOES tags; convert IOB1 data first");
        }
        if (stride < 0) {
            throw new IllegalArgumentException("the window stride must be ≥ 0, got " + stride);
        }
        for (Tag t : tags.tags()) {
            if (!scheme.allows(t.prefix())) {
                throw new IllegalArgumentException("tag " + t + " is not a " + scheme + " tag");
            }
        }
        this.tags = tags;
        this.scheme = scheme;
        this.stride = stride;
        if (crf != null && crf.tags() != tags.size()) {
            throw new IllegalArgumentException("a CRF over " + crf.tags() + " tags cannot decode " + tags.size() + " tags");
        }
        if (training != null && training.tags() != tags.size()) {
            throw new IllegalArgumentException("CRF scores over " + training.tags() + " tags cannot train " + tags.size() + " tags");
        }
        this.crf = crf;
        this.training = training;
    }

    /**
     * This task decoding word tags with {@code crf} (Viterbi over the words' log-probabilities) instead of each word's
     * most probable tag; {@code null} for no CRF.
     */
    public TokenTask withCrf(CrfLayer crf) {
        return new TokenTask(tags, scheme, stride, crf);
    }

    /**
     * This task trained jointly with a CRF: its {@link #loss} is the negative log-likelihood, under {@code scores}, of
     * each window's gold word tags (the log-softmax of the outputs at the labelled positions as emissions, per labelled
     * position), so the scores train with the network; validation decodes by Viterbi with the scores as they are. Once
     * trained, {@link #withCrf} with {@link CrfScores#toLayer()} is the task to save.
     */
    public TokenTask withJointCrf(CrfScores scores) {
        return new TokenTask(tags, scheme, stride, null, java.util.Objects.requireNonNull(scores, "scores"));
    }

    /** The CRF that decodes word tags, if any. */
    public java.util.Optional<CrfLayer> crf() {
        return java.util.Optional.ofNullable(crf);
    }

    /**
     * A CRF with every score 0 except the moves the scheme forbids ({@link CrfLayer#FORBIDDEN}): in IOB2 an {@code I-X}
     * only after {@code B-X} or {@code I-X}; in BIOES also {@code I-X}/{@code E-X} only after {@code B-X}/{@code I-X},
     * every other tag only after {@code O}, {@code E-} or {@code S-}, and no entity left open at the end. With
     * {@code constrain} false, nothing is forbidden.
     */
    public CrfLayer initialCrf(boolean constrain) {
        int c = tags.size();
        boolean[][] allowed = new boolean[c][c];
        boolean[] first = new boolean[c];
        boolean[] last = new boolean[c];
        for (int j = 0; j < c; j++) {
            Tag to = tags.tag(j);
            first[j] = !constrain || !continues(to);
            last[j] = !constrain || !open(to);
            for (int i = 0; i < c; i++) {
                Tag from = tags.tag(i);
                allowed[i][j] = !constrain || (continues(to)
                        ? (from.prefix() == Tag.Prefix.B || from.prefix() == Tag.Prefix.I) && from.type().equals(to.type())
                        : !open(from));
            }
        }
        return CrfLayer.constrained(allowed, first, last);
    }

    /** Whether a tag continues an entity ({@code I-}, or {@code E-} in BIOES). */
    private static boolean continues(Tag t) {
        return t.prefix() == Tag.Prefix.I || t.prefix() == Tag.Prefix.E;
    }

    /** Whether an entity goes on after this tag: in BIOES after {@code B-}/{@code I-}; in IOB2 an entity may stop anywhere. */
    private boolean open(Tag t) {
        return scheme == TagScheme.BIOES && (t.prefix() == Tag.Prefix.B || t.prefix() == Tag.Prefix.I);
    }

    /**
     * The task of a saved model: its tag names and settings.
     *
     * @throws IllegalArgumentException when a name is not a tag or a setting is missing
     */
    static TokenTask restore(List<String> names, Map<String, Object> settings) {
        Object scheme = settings.get(SCHEME);
        Object stride = settings.get(STRIDE);
        if (scheme == null || !(stride instanceof Number n)) {
            throw new IllegalArgumentException("a token-classification model needs '" + SCHEME + "' and a number '" + STRIDE + "'");
        }
        Object crf = settings.get(CRF);
        return new TokenTask(new TagSet(Tag.parseAll(names)), TagScheme.valueOf(scheme.toString().toUpperCase(Locale.ROOT)),
                n.intValue(), crf == null ? null : crfOf(crf));
    }

    /** The CRF saved under {@link #CRF}: a map of "transitions" (rows of numbers), "start" and "end" (numbers). */
    private static CrfLayer crfOf(Object saved) {
        if (!(saved instanceof Map<?, ?> m) || !(m.get("transitions") instanceof List<?> rows)) {
            throw new IllegalArgumentException("the model's '" + CRF + "' setting needs 'transitions' (a list of rows),"
                    + " 'start' and 'end' (lists of numbers)");
        }
        float[][] t = new float[rows.size()][];
        for (int i = 0; i < t.length; i++) {
            t[i] = numbers(rows.get(i), "transitions");
        }
        return new CrfLayer(t, numbers(m.get("start"), "start"), numbers(m.get("end"), "end"));
    }

    private static float[] numbers(Object list, String field) {
        if (!(list instanceof List<?> l)) {
            throw new IllegalArgumentException("the model's '" + CRF + "." + field + "' setting must be a list of numbers");
        }
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof Number x)) {
                throw new IllegalArgumentException("the model's '" + CRF + "." + field + "' setting has a non-number: " + l.get(i));
            }
            out[i] = x.floatValue();
        }
        return out;
    }

    /** The tags, index = output. */
    public TagSet tagSet() {
        return tags;
    }

    /** The scheme the tags are written in. */
    public TagScheme scheme() {
        return scheme;
    }

    /** The overlap of the windows a long sentence is cut into, in sub-tokens. */
    public int stride() {
        return stride;
    }

    @Override
    public TaskKind kind() {
        return TaskKind.TOKEN_CLASSIFICATION;
    }

    @Override
    public int outputWidth() {
        return tags.size();
    }

    @Override
    public List<String> outputNames() {
        return tags.names();
    }

    /**
     * Refused: token targets are tagged sentences cut into windows by a tokenizer, not one text per example; build them
     * with {@link Targets.Tokens#of}.
     */
    @Override
    public Targets encode(List<String> rawTargets) {
        throw new IllegalArgumentException("token classification reads tagged sentences (a CoNLL or JSON Lines corpus),"
                + " not a label column; encode them with a TokenClassificationEncoder into Targets.Tokens");
    }

    @Override
    public NDArray batchTargets(NDManager manager, Targets targets, int[] indices) {
        List<TokenFeature> windows = ((Targets.Tokens) targets).windows();
        int length = 1;
        for (int i : indices) {
            length = Math.max(length, windows.get(i).labels().length);
        }
        long[] y = new long[indices.length * length];
        Arrays.fill(y, TokenFeature.IGNORE);
        for (int b = 0; b < indices.length; b++) {
            int[] labels = windows.get(indices[b]).labels();
            for (int p = 0; p < labels.length; p++) {
                y[b * length + p] = labels[p];
            }
        }
        return manager.create(y, new Shape(indices.length, length));
    }

    /** Mean cross-entropy of {@code outputs [B, T, tags]} over the positions of {@code targets [B, T]} that are not ignored. */
    @Override
    public NDArray loss(NDArray outputs, NDArray targets) {
        if (training != null) {
            return crfLoss(outputs, targets, training);
        }
        NDArray kept = targets.neq(TokenFeature.IGNORE);
        NDArray safe = targets.mul(kept.toType(DataType.INT64, false)); // ignored positions read class 0, weighted 0
        NDArray hot = safe.oneHot(tags.size()).toType(outputs.getDataType(), false);
        NDArray nll = outputs.logSoftmax(-1).mul(hot).sum(new int[] {-1}).neg();
        NDArray weight = kept.toType(outputs.getDataType(), false);
        return nll.mul(weight).sum().div(weight.sum().maximum(Scalars.constant(weight, 1f)));
    }

    /**
     * The CRF's negative log-likelihood of the gold tags at the labelled positions of each window of {@code outputs
     * [B, T, tags]} ({@code targets [B, T]}, {@link TokenFeature#IGNORE} elsewhere), the emissions being the outputs'
     * log-softmax there; summed over the windows and divided by the labelled positions (so with zero scores it is the
     * cross-entropy). A window without labelled positions adds nothing.
     */
    static NDArray crfLoss(NDArray outputs, NDArray targets, CrfScores scores) {
        long[] shape = targets.getShape().getShape();
        int b = (int) shape[0];
        int t = (int) shape[1];
        long[] y = targets.toLongArray();
        int longest = 1;
        for (int i = 0; i < b; i++) {
            int n = 0;
            for (int p = 0; p < t; p++) {
                n += y[i * t + p] == TokenFeature.IGNORE ? 0 : 1;
            }
            longest = Math.max(longest, n);
        }
        float[] select = new float[b * longest * t]; // picks window i's k-th labelled position
        float[] mask = new float[b * longest];
        long[] gold = new long[b * longest];
        float[] weight = new float[b];
        int positions = 0;
        for (int i = 0; i < b; i++) {
            int k = 0;
            for (int p = 0; p < t; p++) {
                if (y[i * t + p] != TokenFeature.IGNORE) {
                    select[(i * longest + k) * t + p] = 1;
                    mask[i * longest + k] = 1;
                    gold[i * longest + k] = y[i * t + p];
                    k++;
                }
            }
            if (k == 0) {
                select[i * longest * t] = 1; // the forward algorithm counts position 0; the weight drops the window
                mask[i * longest] = 1;
            } else {
                weight[i] = 1;
                positions += k;
            }
        }
        NDManager m = outputs.getManager();
        NDArray logp = outputs.toType(DataType.FLOAT32, false).logSoftmax(-1);
        NDArray emissions = m.create(select, new Shape(b, longest, t)).matMul(logp);
        NDArray maskArray = m.create(mask, new Shape(b, longest));
        NDArray tagArray = m.create(gold, new Shape(b, longest));
        NDArray[] crf = scores.effective(m);
        NDArray nll = CrfLayer.logPartition(emissions, maskArray, crf[0], crf[1], crf[2])
                .sub(CrfLayer.pathScore(emissions, maskArray, tagArray, crf[0], crf[1], crf[2]));
        return Scalars.div(nll.mul(m.create(weight)).sum(), Math.max(positions, 1));
    }

    @Override
    public NDArray activate(NDArray outputs) {
        return outputs.softmax(-1);
    }

    /** The softmax over the tags at each position of a flattened row. */
    @Override
    public float[] activate(float[] outputs) {
        return Activations.softmax(outputs, outputWidth());
    }

    @Override
    public double validationLoss(float[][] activated, Targets gold) {
        List<TokenFeature> windows = ((Targets.Tokens) gold).windows();
        int c = tags.size();
        double nll = 0;
        long n = 0;
        for (int i = 0; i < activated.length; i++) {
            int[] labels = windows.get(i).labels();
            for (int p = 0; p < labels.length; p++) {
                if (labels[p] != TokenFeature.IGNORE) {
                    nll -= Math.log(Math.max(activated[i][p * c + labels[p]], 1e-12));
                    n++;
                }
            }
        }
        return n == 0 ? 0 : nll / n;
    }

    /** Entity precision, recall and F1 (overall and per type) and token accuracy of the word tags the outputs give. */
    @Override
    public EntityMetrics.Scores score(float[][] activated, Targets gold) {
        Targets.Tokens tokens = (Targets.Tokens) gold;
        if (tokens.gold() == null) {
            throw new IllegalArgumentException("these sentences have no gold tags to score against");
        }
        return EntityMetrics.score(tokens.gold(), wordTags(activated, tokens));
    }

    /**
     * One tag per word of every sentence of {@code windows}, from the windows' activated outputs: each word's most
     * probable tag, or with a {@link #crf()} the Viterbi path over the sentence's words (their log-probabilities as
     * emissions; a word without sub-tokens is {@code O} and not part of the path).
     */
    public List<List<Tag>> wordTags(float[][] activated, Targets.Tokens windows) {
        List<List<Tag>> out = new ArrayList<>(windows.sentences().size());
        int row = 0;
        CrfLayer decoding = crf != null ? crf : training != null ? training.toLayer() : null;
        for (EncodedSentence s : windows.sentences()) {
            if (decoding != null) {
                out.add(viterbiTags(decoding, s, Arrays.asList(activated).subList(row, row + s.features().size())));
                row += s.features().size();
                continue;
            }
            List<int[]> predicted = new ArrayList<>(s.features().size());
            for (TokenFeature f : s.features()) {
                predicted.add(argmaxes(activated[row++], f.input().length()));
            }
            out.add(s.wordTags(predicted, tags));
        }
        return out;
    }

    private List<Tag> viterbiTags(CrfLayer crf, EncodedSentence sentence, List<float[]> rows) {
        int c = tags.size();
        List<int[]> positions = sentence.wordPositions();
        List<float[]> emissions = new ArrayList<>();
        for (int[] wp : positions) {
            if (wp != null) {
                emissions.add(logProbabilities(rows.get(wp[0]), wp[1] * c, c));
            }
        }
        int[] path = crf.viterbi(emissions.toArray(new float[0][]));
        List<Tag> out = new ArrayList<>(positions.size());
        int k = 0;
        for (int[] wp : positions) {
            out.add(wp == null ? Tag.OUTSIDE : tags.tag(path[k++]));
        }
        return out;
    }

    private static float[] logProbabilities(float[] row, int from, int c) {
        float[] out = new float[c];
        for (int k = 0; k < c; k++) {
            out[k] = (float) Math.log(Math.max(row[from + k], 1e-12f));
        }
        return out;
    }

    /**
     * What a CRF is fitted on: for each window with labelled positions, the log-probabilities at those positions
     * ({@code [words][tags]}) and their gold tags.
     *
     * @param activated the windows' activated outputs
     * @param windows   the windows, with labels
     */
    public CrfSequences crfSequences(float[][] activated, Targets.Tokens windows) {
        int c = tags.size();
        List<float[][]> emissions = new ArrayList<>();
        List<int[]> gold = new ArrayList<>();
        for (int i = 0; i < activated.length; i++) {
            int[] labels = windows.windows().get(i).labels();
            List<float[]> rows = new ArrayList<>();
            List<Integer> ys = new ArrayList<>();
            for (int p = 0; p < labels.length; p++) {
                if (labels[p] != TokenFeature.IGNORE) {
                    rows.add(logProbabilities(activated[i], p * c, c));
                    ys.add(labels[p]);
                }
            }
            if (!ys.isEmpty()) {
                emissions.add(rows.toArray(new float[0][]));
                gold.add(ys.stream().mapToInt(Integer::intValue).toArray());
            }
        }
        return new CrfSequences(emissions, gold);
    }

    /**
     * Per-word emission scores and gold tags of windows, to fit a CRF on.
     *
     * @param emissions one {@code [words][tags]} array per window
     * @param tags      the gold tag indices of each window's words
     */
    public record CrfSequences(List<float[][]> emissions, List<int[]> tags) {
    }

    /**
     * The probability of the tag each word of {@code sentence} was given, read as {@link #wordTags} reads it (NaN for a
     * word without sub-tokens).
     *
     * @param rows the sentence's windows' activated outputs, in window order
     */
    public double[] wordScores(EncodedSentence sentence, List<float[]> rows) {
        int c = tags.size();
        List<int[]> positions = sentence.wordPositions();
        double[] out = new double[positions.size()];
        for (int w = 0; w < out.length; w++) {
            int[] wp = positions.get(w);
            if (wp == null) {
                out[w] = Double.NaN;
                continue;
            }
            float[] row = rows.get(wp[0]);
            float best = 0;
            for (int k = 0; k < c; k++) {
                best = Math.max(best, row[wp[1] * c + k]);
            }
            out[w] = best;
        }
        return out;
    }

    private int[] argmaxes(float[] row, int positions) {
        int c = tags.size();
        int[] out = new int[positions];
        for (int p = 0; p < positions; p++) {
            int best = 0;
            for (int k = 1; k < c; k++) {
                if (row[p * c + k] > row[p * c + best]) {
                    best = k;
                }
            }
            out[p] = best;
        }
        return out;
    }

    @Override
    public String defaultMonitor() {
        return "micro_f1";
    }

    /** One window's prediction: the most probable tag at each position, the mean of their probabilities as its score. */
    @Override
    public TaskPrediction decode(float[] activated) {
        int c = tags.size();
        int[] best = argmaxes(activated, activated.length / c);
        List<String> names = new ArrayList<>(best.length);
        double sum = 0;
        for (int p = 0; p < best.length; p++) {
            names.add(tags.tag(best[p]).toString());
            sum += activated[p * c + best[p]];
        }
        return new TaskPrediction(names, best.length == 0 ? Double.NaN : sum / best.length, Double.NaN, Map.of());
    }

    /** Refused: tagged corpora carry their tags in their own layout (CoNLL columns, JSON Lines arrays), not a column. */
    @Override
    public TargetFormat targetFormat() {
        throw new IllegalStateException("token classification has no label column: read its data with TaggedCorpusReader");
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(SCHEME, scheme.name());
        m.put(STRIDE, stride);
        if (crf != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            List<List<Float>> rows = new ArrayList<>();
            for (float[] row : crf.transitions()) {
                rows.add(boxed(row));
            }
            c.put("transitions", rows);
            c.put("start", boxed(crf.start()));
            c.put("end", boxed(crf.end()));
            m.put(CRF, c);
        }
        return m;
    }

    private static List<Float> boxed(float[] values) {
        List<Float> out = new ArrayList<>(values.length);
        for (float v : values) {
            out.add(v);
        }
        return out;
    }

    @Override
    public String toString() {
        return "token classification " + scheme + " " + tags.names() + (crf == null ? "" : " with a CRF");
    }
}

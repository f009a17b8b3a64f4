package dev.graft.selection;

import dev.graft.data.DatasetSplits;
import dev.graft.data.LabelMap;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.strategy.FeatureExtraction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The negative-transfer check of one text training run: the run's scores on its evaluation split next to two cheap
 * baselines trained on the same training split, and a verdict.
 * <ul>
 *   <li><b>majority</b>: always predicts the most frequent training label (the first in label order on ties);</li>
 *   <li><b>bag-of-words logistic regression</b>: hashed word unigrams and bigrams with sublinear TF, L2-normalised,
 *       multinomial logistic regression trained by seeded AdaGrad ({@link BagOfWordsClassifier} gives the defaults).</li>
 * </ul>
 * The best baseline is the one with the higher accuracy (macro-F1 breaks ties, then majority). The verdict compares the
 * run's accuracy with it by the rule of {@link Recommendation}: a gap counts above
 * {@link Recommendation#threshold max(margin 2 points, 2 standard errors on the evaluation split's size)}. Same data
 * and seed give the same figures.
 *
 * @param split         the evaluation split's name ({@code test} or {@code validation})
 * @param majorityLabel the label the majority baseline predicts
 * @param majority      the majority baseline's scores on the evaluation split
 * @param bagOfWords    the linear baseline's scores on the evaluation split
 * @param model         the run's scores on the evaluation split
 * @param threshold     the gap in accuracy that counts (fraction)
 * @param verdict       what the check concludes
 */
public record TransferCheck(String split, String majorityLabel, ClassificationMetrics majority,
                            ClassificationMetrics bagOfWords, ClassificationMetrics model, double threshold,
                            TransferVerdict verdict) {

    /** The majority baseline's name in messages. */
    public static final String MAJORITY = "majority";
    /** The linear baseline's name in messages. */
    public static final String BAG_OF_WORDS = "bag-of-words logistic regression";
    /** The linear baseline's key in {@code metrics.json}. */
    public static final String BAG_OF_WORDS_KEY = "bag_of_words_logreg";

    /** Checks that the parts are present and scored on the same examples. */
    public TransferCheck {
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(majorityLabel, "majorityLabel");
        Objects.requireNonNull(verdict, "verdict");
        if (majority.n() != model.n() || bagOfWords.n() != model.n()) {
            throw new IllegalArgumentException("baselines and model must be scored on the same " + split + " examples, got n = "
                    + majority.n() + ", " + bagOfWords.n() + " and " + model.n());
        }
    }

    /**
     * The check of a run on {@code splits}: on the test split when the run has test metrics, else on validation.
     *
     * @param validation the run's validation metrics
     * @param test       the run's test metrics, when it had a test split
     * @param seed       the run's seed (the linear baseline's shuffle order)
     * @return the check, or empty when the evaluation split has no examples
     * @throws IllegalArgumentException when the run has test metrics but {@code splits} has no test split, or the
     *                                  metrics' labels differ from the training labels
     */
    public static Optional<TransferCheck> of(DatasetSplits splits, ClassificationMetrics validation,
                                             Optional<ClassificationMetrics> test, long seed) {
        if (test.isPresent() && splits.test().isEmpty()) {
            throw new IllegalArgumentException("the run has test metrics but the splits have no test set");
        }
        TextDataset eval = test.isPresent() ? splits.test().get() : splits.val();
        if (eval.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(measure(splits.train(), eval, test.isPresent() ? "test" : "validation",
                test.orElse(validation), seed));
    }

    /**
     * Trains both baselines on {@code train}, scores them on {@code eval} and judges {@code model} (the run's scores on
     * {@code eval}) against them.
     *
     * @throws IllegalArgumentException when {@code model}'s labels are not the training labels, or its size differs from
     *                                  {@code eval}'s
     */
    public static TransferCheck measure(TextDataset train, TextDataset eval, String split, ClassificationMetrics model, long seed) {
        LabelMap labels = LabelMap.fromTraining(train);
        labels.requireKnownLabels(eval);
        if (!model.labels().equals(labels.labels())) {
            throw new IllegalArgumentException("the run's labels " + model.labels() + " differ from the training labels "
                    + labels.labels());
        }
        int[] trainY = ids(train, labels);
        int[] gold = ids(eval, labels);
        int majority = majorityClass(trainY, labels.size());
        int[] constant = new int[gold.length];
        Arrays.fill(constant, majority);
        ClassificationMetrics majorityScores = ClassificationMetrics.of(gold, constant, labels.labels());

        BagOfWordsClassifier bow = BagOfWordsClassifier.train(texts(train), trainY, labels.size(), seed);
        int[] predicted = new int[gold.length];
        for (int i = 0; i < predicted.length; i++) {
            predicted[i] = bow.predict(eval.get(i).text());
        }
        ClassificationMetrics bowScores = ClassificationMetrics.of(gold, predicted, labels.labels());
        return judge(split, labels.label(majority), majorityScores, bowScores, model);
    }

    /** The verdict on given scores (all on the same {@code split}), by the gap rule of {@link Recommendation}. */
    public static TransferCheck judge(String split, String majorityLabel, ClassificationMetrics majority,
                                      ClassificationMetrics bagOfWords, ClassificationMetrics model) {
        ClassificationMetrics best = better(majority, bagOfWords);
        double threshold = Recommendation.threshold(model.accuracy(), model.n(), Recommendation.DEFAULT_MARGIN);
        TransferVerdict verdict = TransferVerdict.of(model.accuracy() - best.accuracy(), threshold);
        return new TransferCheck(split, majorityLabel, majority, bagOfWords, model, threshold, verdict);
    }

    /** The best baseline's scores. */
    public ClassificationMetrics best() {
        return better(majority, bagOfWords);
    }

    /** The best baseline's name in messages ({@value #MAJORITY} or {@value #BAG_OF_WORDS}). */
    public String bestName() {
        return best() == majority ? MAJORITY : BAG_OF_WORDS;
    }

    /** The run's accuracy minus the best baseline's (fraction). */
    public double gain() {
        return model.accuracy() - best().accuracy();
    }

    /**
     * The check in a few lines for a terminal or report: the baselines' accuracies and the verdict; for a verdict other
     * than {@link TransferVerdict#HELPS}, what to try next given the run's {@code strategy} (fine-tuning is suggested
     * only to a run that did not fine-tune; {@code null} when unknown).
     */
    public List<String> summary(String strategy) {
        List<String> lines = new ArrayList<>();
        String head = String.format(Locale.ROOT, "Baselines on %s (%d examples): %s %.2f, %s %.2f", split, model.n(), MAJORITY,
                majority.accuracy(), BAG_OF_WORDS, bagOfWords.accuracy());
        String detail = String.format(Locale.ROOT, "model %.2f vs %.2f accuracy, macro-F1 %.2f vs %.2f; a gap counts above %.1f points",
                model.accuracy(), best().accuracy(), model.macroF1(), best().macroF1(), 100 * threshold);
        boolean frozen = strategy == null || strategy.equals(FeatureExtraction.NAME);
        String alternatives = (frozen ? "fine-tuning instead of feature extraction, " : "")
                + "a backbone made for this language and domain";
        switch (verdict) {
            case HELPS -> lines.add(String.format(Locale.ROOT, "%s → transfer helps by %+.1f points over %s (%s).",
                    head, 100 * gain(), bestName(), detail));
            case UNCLEAR -> {
                lines.add(String.format(Locale.ROOT, "%s → transfer does not clearly help: %+.1f points over %s (%s).",
                        head, 100 * gain(), bestName(), detail));
                lines.add("The pretrained model is not clearly better than a cheap baseline here: try " + alternatives
                        + ", more epochs, or more data" + (best() == bagOfWords ? "; or use the bag-of-words model, if it is all this task"
                        + " needs." : "."));
            }
            case NEGATIVE -> {
                lines.add(String.format(Locale.ROOT, "%s → WARNING: NEGATIVE TRANSFER: %s beats the model by %.1f points (%s).",
                        head, bestName(), -100 * gain(), detail));
                lines.add("Check the data first (text and label columns, label noise, language), then try " + alternatives
                        + ", or another learning rate." + (best() == bagOfWords ? " A bag-of-words model may be all this task needs." : ""));
            }
            default -> throw new IllegalStateException(verdict.toString());
        }
        return lines;
    }

    /**
     * The figures for {@code metrics.json}: {@code split, n, majority {label, accuracy, macro_f1},
     * bag_of_words_logreg {accuracy, macro_f1, hash_buckets, epochs, learning_rate, l2}, model {accuracy, macro_f1},
     * best_baseline, gain, threshold, verdict}.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("split", split);
        m.put("n", model.n());
        Map<String, Object> maj = scores(majority);
        maj.put("label", majorityLabel);
        m.put(MAJORITY, maj);
        Map<String, Object> bow = scores(bagOfWords);
        bow.put("features", "hashed word unigrams+bigrams, sublinear tf, l2-normalised");
        bow.put("hash_bits_max", HashedBagOfWords.DEFAULT_BITS);
        bow.put("epochs", BagOfWordsClassifier.EPOCHS);
        bow.put("optimizer", "adagrad");
        bow.put("learning_rate", BagOfWordsClassifier.LEARNING_RATE);
        bow.put("l2", BagOfWordsClassifier.L2);
        m.put(BAG_OF_WORDS_KEY, bow);
        m.put("model", scores(model));
        m.put("best_baseline", best() == majority ? MAJORITY : BAG_OF_WORDS_KEY);
        m.put("gain", gain());
        m.put("threshold", threshold);
        m.put("verdict", verdict.key());
        return m;
    }

    /** The baselines' scores as tracking metrics: {@code baseline_majority_accuracy}, {@code baseline_bow_accuracy}, ... */
    public Map<String, Double> trackingMetrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("baseline_majority_accuracy", majority.accuracy());
        m.put("baseline_majority_macro_f1", majority.macroF1());
        m.put("baseline_bow_accuracy", bagOfWords.accuracy());
        m.put("baseline_bow_macro_f1", bagOfWords.macroF1());
        m.put("baseline_gain", gain());
        return m;
    }

    private static Map<String, Object> scores(ClassificationMetrics c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accuracy", c.accuracy());
        m.put("macro_f1", c.macroF1());
        return m;
    }

    /** {@code a} unless {@code b} has a higher accuracy, or the same accuracy and a higher macro-F1. */
    private static ClassificationMetrics better(ClassificationMetrics a, ClassificationMetrics b) {
        if (b.accuracy() > a.accuracy() || (b.accuracy() == a.accuracy() && b.macroF1() > a.macroF1())) {
            return b;
        }
        return a;
    }

    private static int majorityClass(int[] y, int classes) {
        int[] counts = new int[classes];
        for (int c : y) {
            counts[c]++;
        }
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (counts[c] > counts[best]) {
                best = c;
            }
        }
        return best;
    }

    private static int[] ids(TextDataset data, LabelMap labels) {
        int[] y = new int[data.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels.indexOf(data.get(i).label());
        }
        return y;
    }

    private static List<String> texts(TextDataset data) {
        return data.examples().stream().map(TextExample::text).toList();
    }
}

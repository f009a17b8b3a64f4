package dev.graft.selection;

import dev.graft.data.DatasetSplits;
import dev.graft.data.LabelMap;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageDecoder;
import dev.graft.data.image.ImageExample;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.strategy.FeatureExtraction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;

/**
 * The negative-transfer check of one training run: the run's scores on its evaluation split next to two cheap
 * baselines trained on the same training split, and a verdict.
 * <ul>
 *   <li><b>majority</b>: always predicts the most frequent training label (the first in label order on ties);</li>
 *   <li><b>a linear model on raw features</b> ({@link Linear}): for texts, hashed word unigrams and bigrams with
 *       sublinear TF, L2-normalised ({@link BagOfWordsClassifier}); for images, the picture shrunk to 16×16 RGB
 *       ({@link RawPixels}); either way multinomial logistic regression trained by seeded AdaGrad
 *       ({@link SoftmaxRegression} gives the defaults).</li>
 * </ul>
 * The best baseline is the one with the higher accuracy (macro-F1 breaks ties, then majority). The verdict compares the
 * run's accuracy with it by the rule of {@link Recommendation}: a gap counts above
 * {@link Recommendation#threshold max(margin 2 points, 2 standard errors on the evaluation split's size)}. Same data
 * and seed give the same figures.
 *
 * @param split         the evaluation split's name ({@code test} or {@code validation})
 * @param majorityLabel the label the majority baseline predicts
 * @param majority      the majority baseline's scores on the evaluation split
 * @param linearKind    which linear baseline ran
 * @param linear        the linear baseline's scores on the evaluation split
 * @param model         the run's scores on the evaluation split
 * @param threshold     the gap in accuracy that counts (fraction)
 * @param verdict       what the check concludes
 */
public record TransferCheck(String split, String majorityLabel, ClassificationMetrics majority, Linear linearKind,
                            ClassificationMetrics linear, ClassificationMetrics model, double threshold,
                            TransferVerdict verdict) {

    /** The majority baseline's name in messages. */
    public static final String MAJORITY = "majority";
    /** Most training images the image baseline decodes (a seeded sample of larger sets): it is a floor, not a rival. */
    public static final int MAX_IMAGE_TRAIN = 5000;

    /** The linear baseline of a check: its name in messages and reports, its key in {@code metrics.json}. */
    public enum Linear {
        /** Logistic regression on hashed word 1-2-grams, for texts. */
        BAG_OF_WORDS("bag-of-words logistic regression", "bag_of_words_logreg", "bow", "hashed word 1-2-grams",
                "bag-of-words model"),
        /** Logistic regression on the image shrunk to 16×16 RGB, for images. */
        RAW_PIXELS("raw-pixel logistic regression", "raw_pixels_logreg", "pixels", "16×16 RGB pixels",
                "linear model on raw pixels");

        private final String displayName;
        private final String key;
        private final String trackingKey;
        private final String features;
        private final String plainName;

        Linear(String displayName, String key, String trackingKey, String features, String plainName) {
            this.displayName = displayName;
            this.key = key;
            this.trackingKey = trackingKey;
            this.features = features;
            this.plainName = plainName;
        }

        /** Its name in messages, e.g. "bag-of-words logistic regression". */
        public String displayName() {
            return displayName;
        }

        /** Its key in {@code metrics.json}, e.g. {@code bag_of_words_logreg}. */
        public String key() {
            return key;
        }

        /** What it reads, e.g. "hashed word 1-2-grams". */
        public String features() {
            return features;
        }
    }

    /** Checks that the parts are present and scored on the same examples. */
    public TransferCheck {
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(majorityLabel, "majorityLabel");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(linearKind, "linearKind");
        if (majority.n() != model.n() || linear.n() != model.n()) {
            throw new IllegalArgumentException("baselines and model must be scored on the same " + split + " examples, got n = "
                    + majority.n() + ", " + linear.n() + " and " + model.n());
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
        BagOfWordsClassifier bow = BagOfWordsClassifier.train(texts(train), trainY, labels.size(), seed);
        int[] predicted = new int[eval.size()];
        for (int i = 0; i < predicted.length; i++) {
            predicted[i] = bow.predict(eval.get(i).joinedText());
        }
        return fromPredictions(split, labels.labels(), trainY, ids(eval, labels), Linear.BAG_OF_WORDS, predicted, model);
    }

    /**
     * The check of an image run: trains both baselines on {@code train} (the linear one on at most
     * {@value #MAX_IMAGE_TRAIN} images, a seeded sample), scores them on every image of {@code eval} and judges
     * {@code model} (the run's scores on {@code eval}) against them. Images are decoded again, on {@code threads}
     * threads.
     *
     * @throws IllegalArgumentException when an image's label is not one of {@code model}'s labels, or {@code model}'s
     *                                  size differs from {@code eval}'s
     * @throws dev.graft.data.image.ImageDecodeException when an image cannot be decoded
     */
    public static TransferCheck measureImages(ImageDataset train, ImageDataset eval, String split, ClassificationMetrics model,
                                              long seed, int threads) {
        List<String> labels = model.labels();
        int[] trainY = ids(train.examples(), labels, train.source());
        int[] gold = ids(eval.examples(), labels, eval.source());
        ImageDataset sample = train.size() > MAX_IMAGE_TRAIN ? train.subsample(MAX_IMAGE_TRAIN, seed) : train;
        float[][] trainCells = cells(sample, threads);
        RawPixels.Scaler scaler = new RawPixels.Scaler(trainCells);
        SparseVector[] x = Arrays.stream(trainCells).map(scaler::apply).toArray(SparseVector[]::new);
        SoftmaxRegression linear = SoftmaxRegression.train(x, ids(sample.examples(), labels, train.source()), RawPixels.DIMENSIONS,
                labels.size(), seed);
        float[][] evalCells = cells(eval, threads);
        int[] predicted = new int[evalCells.length];
        for (int i = 0; i < evalCells.length; i++) {
            predicted[i] = linear.predict(scaler.apply(evalCells[i]));
        }
        return fromPredictions(split, labels, trainY, gold, Linear.RAW_PIXELS, predicted, model);
    }

    /** Majority baseline from the training labels, the linear one from its predictions, and the verdict. */
    private static TransferCheck fromPredictions(String split, List<String> labels, int[] trainY, int[] gold, Linear kind,
                                                 int[] linearPredicted, ClassificationMetrics model) {
        if (model.n() != gold.length) {
            throw new IllegalArgumentException("the run was scored on " + model.n() + " " + split + " examples, the baselines on "
                    + gold.length);
        }
        int majority = majorityClass(trainY, labels.size());
        int[] constant = new int[gold.length];
        Arrays.fill(constant, majority);
        return judge(split, labels.get(majority), ClassificationMetrics.of(gold, constant, labels), kind,
                ClassificationMetrics.of(gold, linearPredicted, labels), model);
    }

    /** The verdict on given scores (all on the same {@code split}), by the gap rule of {@link Recommendation}. */
    public static TransferCheck judge(String split, String majorityLabel, ClassificationMetrics majority, Linear linearKind,
                                      ClassificationMetrics linear, ClassificationMetrics model) {
        ClassificationMetrics best = better(majority, linear);
        double threshold = Recommendation.threshold(model.accuracy(), model.n(), Recommendation.DEFAULT_MARGIN);
        TransferVerdict verdict = TransferVerdict.of(model.accuracy() - best.accuracy(), threshold);
        return new TransferCheck(split, majorityLabel, majority, linearKind, linear, model, threshold, verdict);
    }

    /** The best baseline's scores. */
    public ClassificationMetrics best() {
        return better(majority, linear);
    }

    /** The best baseline's name in messages: {@value #MAJORITY} or the linear baseline's {@link Linear#displayName()}. */
    public String bestName() {
        return best() == majority ? MAJORITY : linearKind.displayName();
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
                majority.accuracy(), linearKind.displayName(), linear.accuracy());
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
                        + ", more epochs, or more data" + (best() == linear ? "; or use a " + linearKind.plainName + ", if it is all this"
                        + " task needs." : "."));
            }
            case NEGATIVE -> {
                lines.add(String.format(Locale.ROOT, "%s → WARNING: NEGATIVE TRANSFER: %s beats the model by %.1f points (%s).",
                        head, bestName(), -100 * gain(), detail));
                lines.add("Check the data first (text and label columns, label noise, language), then try " + alternatives
                        + ", or another learning rate." + (best() == linear ? " A " + linearKind.plainName + " may be all this task needs." : ""));
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
        Map<String, Object> lin = scores(linear);
        if (linearKind == Linear.BAG_OF_WORDS) {
            lin.put("features", "hashed word unigrams+bigrams, sublinear tf, l2-normalised");
            lin.put("hash_bits_max", HashedBagOfWords.DEFAULT_BITS);
        } else {
            lin.put("features", "image shrunk to " + RawPixels.SIDE + "x" + RawPixels.SIDE + " rgb by cell means, standardised per feature");
            lin.put("max_train_images", MAX_IMAGE_TRAIN);
        }
        lin.put("epochs", SoftmaxRegression.EPOCHS);
        lin.put("optimizer", "adagrad");
        lin.put("learning_rate", SoftmaxRegression.LEARNING_RATE);
        lin.put("l2", SoftmaxRegression.L2);
        m.put(linearKind.key(), lin);
        m.put("model", scores(model));
        m.put("best_baseline", best() == majority ? MAJORITY : linearKind.key());
        m.put("gain", gain());
        m.put("threshold", threshold);
        m.put("verdict", verdict.key());
        return m;
    }

    /**
     * The baselines' scores as tracking metrics: {@code baseline_majority_accuracy}, {@code baseline_bow_accuracy} (texts)
     * or {@code baseline_pixels_accuracy} (images), their {@code _macro_f1}, {@code baseline_gain}.
     */
    public Map<String, Double> trackingMetrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("baseline_majority_accuracy", majority.accuracy());
        m.put("baseline_majority_macro_f1", majority.macroF1());
        m.put("baseline_" + linearKind.trackingKey + "_accuracy", linear.accuracy());
        m.put("baseline_" + linearKind.trackingKey + "_macro_f1", linear.macroF1());
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

    private static int[] ids(List<ImageExample> examples, List<String> labels, java.nio.file.Path source) {
        Map<String, Integer> index = new HashMap<>();
        for (int c = 0; c < labels.size(); c++) {
            index.put(labels.get(c), c);
        }
        int[] y = new int[examples.size()];
        for (int i = 0; i < y.length; i++) {
            Integer c = index.get(examples.get(i).label());
            if (c == null) {
                throw new IllegalArgumentException(examples.get(i).file() + " (in " + source + ") has label '" + examples.get(i).label()
                        + "', which the model does not know " + labels);
            }
            y[i] = c;
        }
        return y;
    }

    /** The {@link RawPixels#cells} of every image of {@code data}, in order, decoded on {@code threads} threads. */
    private static float[][] cells(ImageDataset data, int threads) {
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, threads));
        try {
            return pool.submit(() -> data.examples().parallelStream().map(e -> RawPixels.cells(ImageDecoder.decode(e.file())))
                    .toArray(float[][]::new)).join();
        } finally {
            pool.shutdown();
        }
    }

    /** The words the bag-of-words baseline reads: the text, or both texts of a pair ({@link TextExample#joinedText()}). */
    private static List<String> texts(TextDataset data) {
        return data.examples().stream().map(TextExample::joinedText).toList();
    }
}

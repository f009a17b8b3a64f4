package dev.graft.selection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.DatasetSplits;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.metrics.ClassificationMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The cheap baselines of the negative-transfer check, and its verdict on hand-made numbers. */
class TransferCheckTest {

    private static final String[][] TOPIC_WORDS = {
            {"goal", "match", "team", "striker", "referee", "penalty", "league", "coach"},
            {"bake", "oven", "flour", "soup", "recipe", "garlic", "onion", "dessert"},
            {"laptop", "software", "update", "server", "keyboard", "browser", "crash", "network"}};
    private static final String[] LABELS = {"sports", "food", "tech"};
    private static final String[] FILLER = {"the", "a", "was", "it", "very", "today", "and", "we", "they", "really"};

    /** Short texts of 3 topics: two topic words among filler words. */
    private static TextDataset topics(String name, int n, long seed) {
        Random r = new Random(seed);
        List<TextExample> ex = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            StringBuilder t = new StringBuilder();
            for (int w = 0; w < 6; w++) {
                String word = w % 3 == 1 ? TOPIC_WORDS[c][r.nextInt(8)] : FILLER[r.nextInt(FILLER.length)];
                t.append(w == 0 ? "" : " ").append(w == 1 ? word.toUpperCase() : word);
            }
            ex.add(TextExample.of(t.toString(), LABELS[c]));
        }
        return TextDataset.of(name, ex);
    }

    /** Perfect scores on {@code eval} (labels sorted as LabelMap sorts them). */
    private static ClassificationMetrics perfect(TextDataset eval, List<String> labels) {
        int[] gold = eval.examples().stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
        return ClassificationMetrics.of(gold, gold, labels);
    }

    @Test
    void linearBaselineLearnsAnEasyTaskDeterministically() {
        TextDataset train = topics("train", 300, 1);
        TextDataset test = topics("test", 90, 2);
        List<String> labels = List.of("food", "sports", "tech");
        TransferCheck a = TransferCheck.measure(train, test, "test", perfect(test, labels), 42);
        TransferCheck b = TransferCheck.measure(train, test, "test", perfect(test, labels), 42);
        assertTrue(a.linear().accuracy() > 0.9, () -> "accuracy " + a.linear().accuracy());
        assertTrue(a.linear().macroF1() > 0.9);
        assertEquals(a.toMap(), b.toMap(), "same seed, same data, same figures");
        assertEquals(a.linear().confusionMatrix(), b.linear().confusionMatrix());
        assertTrue(a.summary(null).get(0).startsWith("Baselines on test (90 examples): majority 0.33, bag-of-words logistic regression"),
                a.summary(null)::toString);
    }

    @Test
    void classifierWeightsDoNotDependOnAnythingButDataAndSeed() {
        TextDataset train = topics("train", 120, 3);
        List<String> texts = train.examples().stream().map(TextExample::text).toList();
        int[] y = train.examples().stream().mapToInt(e -> List.of(LABELS).indexOf(e.label())).toArray();
        BagOfWordsClassifier one = BagOfWordsClassifier.train(texts, y, 3, 7);
        BagOfWordsClassifier two = BagOfWordsClassifier.train(texts, y, 3, 7);
        int[] p1 = texts.stream().mapToInt(one::predict).toArray();
        int[] p2 = texts.stream().mapToInt(two::predict).toArray();
        assertArrayEquals(p1, p2);
        assertThrows(IllegalArgumentException.class, () -> BagOfWordsClassifier.train(texts, new int[] {0}, 3, 7));
    }

    @Test
    void majorityBaselineIsExact() {
        List<TextExample> train = new ArrayList<>();
        for (String l : List.of("a", "a", "a", "b", "b", "b", "b", "b", "c", "c")) {
            train.add(TextExample.of("text " + train.size(), l));
        }
        TextDataset val = TextDataset.of("val", List.of(TextExample.of("x", "a"), TextExample.of("y", "b"),
                TextExample.of("z", "b"), TextExample.of("w", "c")));
        DatasetSplits splits = new DatasetSplits(TextDataset.of("train", train), val, Optional.empty());
        ClassificationMetrics model = perfect(val, List.of("a", "b", "c"));
        TransferCheck check = TransferCheck.of(splits, model, Optional.empty(), 1).orElseThrow();
        assertEquals("validation", check.split());
        assertEquals("b", check.majorityLabel());
        assertEquals(0.5, check.majority().accuracy(), 1e-12);
        assertEquals((0 + 2.0 * 2 / (2 + 4) + 0) / 3, check.majority().macroF1(), 1e-12);
        assertEquals(4, check.majority().n());
    }

    @Test
    void noCheckWithoutEvaluationExamplesAndTestWins() {
        TextDataset train = topics("train", 30, 1);
        DatasetSplits noVal = new DatasetSplits(train, TextDataset.of("val", List.of()), Optional.empty());
        ClassificationMetrics any = perfect(topics("t", 3, 2), List.of("food", "sports", "tech"));
        assertTrue(TransferCheck.of(noVal, any, Optional.empty(), 1).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> TransferCheck.of(noVal, any, Optional.of(any), 1));
        TextDataset test = topics("test", 3, 2);
        DatasetSplits withTest = new DatasetSplits(train, TextDataset.of("val", List.of()), Optional.of(test));
        assertEquals("test", TransferCheck.of(withTest, any, Optional.of(any), 1).orElseThrow().split());
    }

    /** Two-class scores on n examples with {@code wrong} mistakes. */
    private static ClassificationMetrics scores(int n, int wrong) {
        int[] gold = new int[n];
        int[] pred = new int[n];
        for (int i = 0; i < n; i++) {
            gold[i] = i % 2;
            pred[i] = i < wrong ? 1 - gold[i] : gold[i];
        }
        return ClassificationMetrics.of(gold, pred, List.of("a", "b"));
    }

    @Test
    void verdictFollowsTheGapRuleOfRecommendation() {
        ClassificationMetrics majority = scores(100, 50);
        // model 0.90 vs bag of words 0.80: +10 points, threshold 2·√(2·0.9·0.1/100) = 8.5 points
        TransferCheck helps = TransferCheck.judge("test", "a", majority, TransferCheck.Linear.BAG_OF_WORDS,
                scores(100, 20), scores(100, 10));
        assertEquals(TransferVerdict.HELPS, helps.verdict());
        assertEquals(Recommendation.threshold(0.9, 100, Recommendation.DEFAULT_MARGIN), helps.threshold(), 1e-12);
        assertEquals(0.0849, helps.threshold(), 1e-4);
        assertEquals(TransferCheck.Linear.BAG_OF_WORDS.displayName(), helps.bestName());
        assertTrue(helps.summary(null).get(0).contains("→ transfer helps by +10.0 points"), helps.summary(null)::toString);
        // 0.85 vs 0.80: +5 points within 10.1
        TransferCheck unclear = TransferCheck.judge("test", "a", majority, TransferCheck.Linear.BAG_OF_WORDS,
                scores(100, 20), scores(100, 15));
        assertEquals(TransferVerdict.UNCLEAR, unclear.verdict());
        assertTrue(unclear.summary(null).get(0).contains("does not clearly help"), unclear.summary(null)::toString);
        // the advice suggests fine-tuning only to a run that did not fine-tune
        assertTrue(unclear.summary("feature-extraction").get(1).contains("try fine-tuning instead of feature extraction"),
                unclear.summary("feature-extraction")::toString);
        for (String tuned : List.of("fine-tune", "lora", "adapter")) {
            String advice = unclear.summary(tuned).get(1);
            assertFalse(advice.contains("fine-tuning"), advice);
            assertTrue(advice.contains("a backbone made for this language and domain") && advice.contains("bag-of-words model"), advice);
        }
        // 0.60 vs 0.80: −20 points beyond 13.9
        TransferCheck negative = TransferCheck.judge("validation", "a", majority, TransferCheck.Linear.BAG_OF_WORDS,
                scores(100, 20), scores(100, 40));
        assertEquals(TransferVerdict.NEGATIVE, negative.verdict());
        assertTrue(String.join("\n", negative.summary(null)).contains("NEGATIVE TRANSFER"), negative.summary(null)::toString);
        assertEquals(-0.2, negative.gain(), 1e-12);
        Map<String, Object> m = negative.toMap();
        assertEquals("negative", m.get("verdict"));
        assertEquals(TransferCheck.Linear.BAG_OF_WORDS.key(), m.get("best_baseline"));
        // the majority baseline can be the best one
        TransferCheck byMajority = TransferCheck.judge("test", "a", scores(100, 5), TransferCheck.Linear.BAG_OF_WORDS, scores(100, 30),
                scores(100, 40));
        assertEquals(TransferCheck.MAJORITY, byMajority.bestName());
        assertEquals(TransferVerdict.NEGATIVE, byMajority.verdict());
        // edges
        assertEquals(TransferVerdict.HELPS, TransferVerdict.of(0.02, 0.02));
        assertEquals(TransferVerdict.UNCLEAR, TransferVerdict.of(-0.019, 0.02));
        assertEquals(TransferVerdict.NEGATIVE, TransferVerdict.of(-0.02, 0.02));
    }

    @Test
    void featuresAreCaseInsensitiveUnicodeWordsAndUnitLength() {
        HashedBagOfWords f = new HashedBagOfWords(HashedBagOfWords.DEFAULT_BITS);
        SparseVector a = f.vectorize("Ça VA, naïve café!");
        SparseVector b = f.vectorize("ça va naïve   CAFÉ");
        assertArrayEquals(a.indices(), b.indices());
        assertArrayEquals(a.values(), b.values());
        assertEquals(7, a.indices().length, "4 unigrams and 3 bigrams");
        double norm = 0;
        for (float v : a.values()) {
            norm += v * v;
        }
        assertEquals(1, norm, 1e-6);
        assertEquals(3, f.vectorize("नमस्ते दुनिया").indices().length, "two Devanagari words stay whole, plus their bigram");
        assertEquals(0, f.vectorize("... !!!").indices().length);
    }

    @Test
    void fiveThousandShortTextsTakeWellUnderTwoSeconds() {
        TextDataset train = topics("train", 5000, 5);
        TextDataset test = topics("test", 500, 6);
        List<String> labels = List.of("food", "sports", "tech");
        TransferCheck.measure(train, test, "test", perfect(test, labels), 1); // warm-up
        long t0 = System.nanoTime();
        TransferCheck.measure(train, test, "test", perfect(test, labels), 1);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("transfer check on 5000 + 500 texts: %.3f s%n", seconds);
        assertTrue(seconds < 5, "took " + seconds + " s"); // 2 s is the aim; slack for a loaded build machine
    }
}

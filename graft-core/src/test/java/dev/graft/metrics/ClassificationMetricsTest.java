package dev.graft.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

    private static final double EPS = 1e-9;

    @Test
    void classNeverPredictedScoresZeroPrecision() {
        // matrix rows (true) a:[2,0,0] b:[1,1,0] c:[1,0,0]; c is never predicted
        ClassificationMetrics m = ClassificationMetrics.of(
                new int[] {0, 0, 1, 1, 2}, new int[] {0, 0, 0, 1, 0}, List.of("a", "b", "c"));
        assertEquals(5, m.n());
        assertEquals(0.6, m.accuracy(), EPS);
        ClassMetrics a = m.perClass().get(0);
        ClassMetrics b = m.perClass().get(1);
        ClassMetrics c = m.perClass().get(2);
        assertClass(a, "a", 0.5, 1.0, 2.0 / 3, 2);
        assertClass(b, "b", 1.0, 0.5, 2.0 / 3, 2);
        assertEquals(new ClassMetrics("c", 0.0, 0.0, 0.0, 1), c);
        assertEquals(0.5, m.macroPrecision(), EPS);
        assertEquals(0.5, m.macroRecall(), EPS);
        assertEquals(4.0 / 9, m.macroF1(), EPS); // sklearn f1_score(average='macro', zero_division=0) = 0.4444
        assertEquals(8.0 / 15, m.weightedF1(), EPS);
        assertEquals(0.6, m.weightedPrecision(), EPS);
        assertEquals(m.accuracy(), m.weightedRecall(), EPS);
        assertFalse(m.logLoss().isPresent());
    }

    @Test
    void threeClassHandComputation() {
        // true 0: predicted 0,1,1   true 1: 1,1,2   true 2: 2,2,0,2
        ClassificationMetrics m = ClassificationMetrics.of(
                new int[] {0, 0, 0, 1, 1, 1, 2, 2, 2, 2},
                new int[] {0, 1, 1, 1, 1, 2, 2, 2, 0, 2}, List.of("neg", "neu", "pos"));
        assertArrayEquals(new int[][] {{1, 2, 0}, {0, 2, 1}, {1, 0, 3}}, m.confusionMatrix().counts());
        // neg: tp 1, predicted 2, support 3 -> P 1/2, R 1/3, F1 2/5
        // neu: tp 2, predicted 4, support 3 -> P 1/2, R 2/3, F1 4/7
        // pos: tp 3, predicted 4, support 4 -> P 3/4, R 3/4, F1 3/4
        double[][] expected = {{0.5, 1.0 / 3, 0.4}, {0.5, 2.0 / 3, 4.0 / 7}, {0.75, 0.75, 0.75}};
        for (int i = 0; i < 3; i++) {
            ClassMetrics c = m.perClass().get(i);
            assertEquals(expected[i][0], c.precision(), EPS, c.label());
            assertEquals(expected[i][1], c.recall(), EPS, c.label());
            assertEquals(expected[i][2], c.f1(), EPS, c.label());
        }
        assertEquals(0.6, m.accuracy(), EPS);
        assertEquals(1.75 / 3, m.macroPrecision(), EPS);
        assertEquals(1.75 / 3, m.macroRecall(), EPS);
        assertEquals((0.4 + 4.0 / 7 + 0.75) / 3, m.macroF1(), EPS); // 0.5738095
        assertEquals((3 * 0.4 + 3 * 4.0 / 7 + 4 * 0.75) / 10, m.weightedF1(), EPS); // 0.5914286
        assertEquals(0.6, m.weightedPrecision(), EPS);
    }

    @Test
    void probabilitiesGiveArgmaxPredictionsAndLogLoss() {
        ClassificationMetrics m = ClassificationMetrics.of(new int[] {0, 1, 0},
                new double[][] {{0.8, 0.2}, {0.4, 0.6}, {0.5, 0.5}}, List.of("no", "yes"));
        assertEquals(1.0, m.accuracy(), EPS); // tie -> lowest index, like numpy.argmax
        assertEquals(-(Math.log(0.8) + Math.log(0.6) + Math.log(0.5)) / 3, m.logLoss().getAsDouble(), EPS);

        ClassificationMetrics clipped = ClassificationMetrics.of(new int[] {1},
                new double[][] {{1.0, 0.0}}, List.of("no", "yes"));
        assertEquals(-Math.log(1e-15), clipped.logLoss().getAsDouble(), 1e-9);
        assertEquals(0.0, clipped.accuracy());
    }

    @Test
    void clearErrors() {
        List<String> ab = List.of("a", "b");
        assertMessage(() -> ClassificationMetrics.of(new int[] {0, 1, 1}, new int[] {0, 1}, ab),
                "gold has 3 labels but predicted has 2");
        assertMessage(() -> ClassificationMetrics.of(new int[] {0, 2}, new int[] {0, 1}, ab), "gold[1] is 2", "[0, 2)");
        assertMessage(() -> ClassificationMetrics.of(new int[] {0}, new int[] {-1}, ab), "predicted[0] is -1");
        assertMessage(() -> ClassificationMetrics.of(new int[0], new int[0], ab), "no examples");
        assertMessage(() -> ClassificationMetrics.of(new int[] {0}, new int[] {0}, List.of("a", "a")), "duplicate");
        assertMessage(() -> ClassificationMetrics.of(new int[] {0}, new int[] {0}, List.of()), "at least one");
        assertMessage(() -> ClassificationMetrics.of(new int[] {0}, new double[][] {{2.0, -1.0}}, ab),
                "probabilities[0][1] is -1.0");
        assertMessage(() -> ClassificationMetrics.of(new int[] {0}, new double[][] {{3.0, 1.0}}, ab), "softmax");
        assertMessage(() -> ClassificationMetrics.of(new int[] {0}, new double[][] {{1.0}}, ab), "probabilities[0]");
        assertMessage(() -> ClassificationMetrics.of(new int[] {5}, new double[][] {{1.0, 0}}, ab), "gold[0] is 5");
    }

    @Test
    void snakeCaseMapSerialisesWithJackson() throws Exception {
        ClassificationMetrics m = ClassificationMetrics.of(
                new int[] {0, 0, 1, 1, 2}, new int[] {0, 0, 0, 1, 0}, List.of("a", "b", "c"));
        Map<String, Object> map = m.toMap();
        assertEquals(List.of("n", "labels", "accuracy", "macro_precision", "macro_recall", "macro_f1",
                "weighted_precision", "weighted_recall", "weighted_f1", "per_class", "confusion_matrix"),
                List.copyOf(map.keySet()));
        JsonNode json = new ObjectMapper().readTree(m.toJson());
        assertEquals(0.6, json.get("accuracy").asDouble(), EPS);
        assertEquals(5, json.get("n").asInt());
        assertEquals("[[2,0,0],[1,1,0],[1,0,0]]", json.get("confusion_matrix").toString());
        JsonNode c = json.get("per_class").get(2);
        assertEquals("c", c.get("label").asText());
        assertEquals(0.0, c.get("precision").asDouble());
        assertEquals(1, c.get("support").asInt());
        assertTrue(c.has("recall") && c.has("f1"));

        Map<String, Object> withLoss = ClassificationMetrics.of(new int[] {0},
                new double[][] {{0.9, 0.1}}, List.of("x", "y")).toMap();
        assertEquals(-Math.log(0.9), (Double) withLoss.get("log_loss"), EPS);
    }

    @Test
    void tableShowsClassesAveragesAndMatrix() {
        String t = ClassificationMetrics.of(new int[] {0, 0, 1, 1, 2}, new int[] {0, 0, 0, 1, 0},
                List.of("cat", "dog", "bird")).toTable();
        assertTrue(t.contains("precision") && t.contains("f1-score") && t.contains("support"), t);
        assertTrue(t.lines().anyMatch(l -> l.trim().startsWith("cat") && l.contains("0.5000") && l.contains("1.0000")), t);
        assertTrue(t.lines().anyMatch(l -> l.trim().startsWith("macro avg") && l.contains("0.4444")), t);
        assertTrue(t.lines().anyMatch(l -> l.trim().startsWith("accuracy") && l.contains("0.6000")), t);
        assertTrue(t.contains("Confusion matrix (rows = true, columns = predicted)"), t);
        assertTrue(t.lines().anyMatch(l -> l.trim().matches("bird\\s+1\\s+0\\s+0")), t);
    }

    @Test
    void recordIsImmutable() {
        ClassificationMetrics m = ClassificationMetrics.of(new int[] {0, 1}, new int[] {0, 1}, List.of("a", "b"));
        m.confusionMatrix().add(0, 1);
        assertEquals(2, m.confusionMatrix().total());
        assertThrows(UnsupportedOperationException.class, () -> m.labels().add("c"));
    }

    private static void assertClass(ClassMetrics c, String label, double p, double r, double f1, long support) {
        assertEquals(label, c.label());
        assertEquals(p, c.precision(), EPS, label);
        assertEquals(r, c.recall(), EPS, label);
        assertEquals(f1, c.f1(), EPS, label);
        assertEquals(support, c.support(), label);
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
        }
    }
}

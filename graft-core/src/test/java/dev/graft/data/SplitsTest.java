package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SplitsTest {

    /** 100 of "a", 30 of "b", 3 of "c", 1 of "d". */
    private static TextDataset data() {
        List<TextExample> ex = new ArrayList<>();
        int line = 2;
        for (Map.Entry<String, Integer> e : Map.of("a", 100, "b", 30, "c", 3, "d", 1).entrySet()) {
            for (int i = 0; i < e.getValue(); i++) {
                ex.add(new TextExample(e.getKey() + " text " + i, e.getKey(), line++));
            }
        }
        return TextDataset.of("data.csv", ex);
    }

    @Test
    void stratifiedProportionsPerClass() {
        DatasetSplits s = Splits.stratified(data(), 0.1, 0.2, 42);
        TextDataset test = s.test().orElseThrow();
        assertEquals(Map.of("a", 10, "b", 3, "c", 1), LabelMap.classCounts(s.val()));
        assertEquals(Map.of("a", 20, "b", 6, "c", 1), LabelMap.classCounts(test));
        assertEquals(Map.of("a", 70, "b", 21, "c", 1, "d", 1), LabelMap.classCounts(s.train()));
        assertEquals(134, s.train().size() + s.val().size() + test.size());
        Set<TextExample> all = new HashSet<>(s.train().examples());
        all.addAll(s.val().examples());
        all.addAll(test.examples());
        assertEquals(134, all.size()); // disjoint and complete
    }

    @Test
    void everyClassWithThreeExamplesIsInEverySplit() {
        for (long seed = 0; seed < 20; seed++) {
            DatasetSplits s = Splits.stratified(data(), 0.01, 0.01, seed);
            for (TextDataset part : List.of(s.train(), s.val(), s.test().orElseThrow())) {
                assertTrue(LabelMap.classCounts(part).keySet().containsAll(List.of("a", "b", "c")), part.toString());
            }
        }
    }

    @Test
    void deterministicForSeedAndDifferentAcrossSeeds() {
        DatasetSplits a = Splits.stratified(data(), 0.1, 0.1, 7);
        DatasetSplits b = Splits.stratified(data(), 0.1, 0.1, 7);
        DatasetSplits c = Splits.stratified(data(), 0.1, 0.1, 8);
        assertEquals(a.train().examples(), b.train().examples());
        assertEquals(a.val().examples(), b.val().examples());
        assertEquals(a.train().sha256(), b.train().sha256());
        assertNotEquals(a.val().examples(), c.val().examples());
        assertNotEquals(a.train().sha256(), c.train().sha256());
    }

    @Test
    void splitsKeepFileOrder() {
        DatasetSplits s = Splits.stratified(data(), 0.2, 0.0, 3);
        assertTrue(s.test().isEmpty());
        List<Integer> lines = s.train().examples().stream().map(TextExample::line).toList();
        assertEquals(lines.stream().sorted().toList(), lines);
    }

    @Test
    void withDatasetsSplitsValidationOffTrainWhenAbsent() {
        TextDataset train = data();
        TextDataset test = TextDataset.of("test.csv", List.of(TextExample.of("x", "a")));
        DatasetSplits s = Splits.withDatasets(train, null, test, 1);
        assertEquals(Map.of("a", 10, "b", 3, "c", 1), LabelMap.classCounts(s.val()));
        assertEquals(test, s.test().orElseThrow());
        assertEquals(List.of("a", "b", "c", "d"), s.labelMap().labels());
        DatasetSplits given = Splits.withDatasets(train, test, null, 1);
        assertEquals(train, given.train());
        assertTrue(given.test().isEmpty());
    }

    @Test
    void rejectsBadFractionsAndSingleClass() {
        assertThrows(IllegalArgumentException.class, () -> Splits.stratified(data(), 0.6, 0.4, 1));
        assertThrows(IllegalArgumentException.class, () -> Splits.stratified(data(), -0.1, 0.1, 1));
        TextDataset one = TextDataset.of("one.csv", List.of(TextExample.of("a", "x"), TextExample.of("b", "x")));
        assertThrows(DataException.class, () -> Splits.stratified(one, 0.1, 0.1, 1));
    }
}

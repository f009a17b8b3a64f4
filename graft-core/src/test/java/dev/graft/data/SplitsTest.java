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

    /** {@code perClass} examples of each of {@code classes} classes named c0, c1, ... */
    private static TextDataset classes(int classes, int perClass) {
        List<TextExample> ex = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < perClass; i++) {
                ex.add(new TextExample("text " + i + " of " + c, "c" + c, ex.size() + 2));
            }
        }
        return TextDataset.of("many.csv", ex);
    }

    @Test
    void subsampleWithMoreClassesThanMaxTrainIsRefusedNamingBothCounts() {
        DataException e = assertThrows(DataException.class, () -> Splits.subsample(classes(31, 4), 10, 42));
        assertTrue(e.getMessage().contains("many.csv has 31 classes, more than the 10 examples allowed (maxTrain")
                && e.getMessage().contains("at least 31"), e.getMessage());
    }

    @Test
    void subsampleNeverExceedsMaxTrainWhenRoundingAddsUp() {
        // One large class and nine of one example each: per-class rounding (each keeps at least one) gave 108 of 100.
        List<TextExample> ex = new ArrayList<>(classes(1, 1000).examples());
        for (int c = 1; c < 10; c++) {
            ex.add(new TextExample("lonely " + c, "c" + c, ex.size() + 2));
        }
        TextDataset data = TextDataset.of("skewed.csv", ex);
        for (long seed = 0; seed < 5; seed++) {
            TextDataset sample = Splits.subsample(data, 100, seed);
            assertEquals(100, sample.size());
            assertEquals(10, LabelMap.classCounts(sample).size(), "every class keeps an example");
            assertEquals(91, LabelMap.classCounts(sample).get("c0"));
        }
        TextDataset exact = Splits.subsample(classes(31, 4), 31, 1);
        assertEquals(31, exact.size());
    }

    @Test
    void subsampleWithinTheCapIsUnchanged() {
        // Shares that round to no more than the cap are kept as they were: 45 + 13 + 1 + 1 = 60.
        TextDataset sample = Splits.subsample(data(), 60, 3);
        assertEquals(Map.of("a", 45, "b", 13, "c", 1, "d", 1), LabelMap.classCounts(sample));
        assertEquals(Splits.subsample(data(), 60, 3).examples(), sample.examples());
    }

    @Test
    void validationShareThatRoundsToNoExampleIsRefusedBeforeTraining() {
        TextDataset tiny = classes(2, 2);
        DataException e = assertThrows(DataException.class, () -> Splits.stratified(tiny, 0.1, 0.0, 42));
        assertTrue(e.getMessage().contains("validation share of 0.1 (valFraction") && e.getMessage().contains("the largest has 2")
                && e.getMessage().contains("valFile"), e.getMessage());
        DataException withFile = assertThrows(DataException.class, () -> Splits.withDatasets(tiny, null, null, 42));
        assertTrue(withFile.getMessage().contains("gives the validation split no examples"), withFile.getMessage());
        assertEquals(0, Splits.stratified(tiny, 0.0, 0.0, 42).val().size(), "a share of 0 asks for no validation data");
    }

    @Test
    void testShareThatRoundsToNoExampleIsRefused() {
        DataException e = assertThrows(DataException.class, () -> Splits.stratified(classes(2, 2), 0.5, 0.1, 42));
        assertTrue(e.getMessage().contains("test share of 0.1 (testFraction"), e.getMessage());
    }

    @Test
    void singleClassIsReportedBeforeEmptySplits() {
        TextDataset one = TextDataset.of("one.csv", List.of(TextExample.of("a", "x"), TextExample.of("b", "x")));
        DataException e = assertThrows(DataException.class, () -> Splits.stratified(one, 0.1, 0.1, 1));
        assertTrue(e.getMessage().contains("at least two classes"), e.getMessage());
    }
}

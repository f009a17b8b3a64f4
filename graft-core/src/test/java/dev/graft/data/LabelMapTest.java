package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelMapTest {

    @TempDir
    Path dir;

    private static TextDataset dataset(String... labels) {
        List<TextExample> ex = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            ex.add(new TextExample("text " + i, labels[i], i + 2));
        }
        return TextDataset.of("mem", ex);
    }

    @Test
    void numericLabelsSortNumerically() {
        LabelMap m = LabelMap.fromTraining(dataset("10", "2", "1", "2", "-3"));
        assertEquals(List.of("-3", "1", "2", "10"), m.labels());
        assertEquals(2, m.indexOf("2"));
        assertEquals("10", m.label(3));
        assertEquals(4, m.size());
    }

    @Test
    void otherLabelsSortLexicographically() {
        LabelMap m = LabelMap.fromTraining(dataset("spam", "ham", "10", "2"));
        assertEquals(List.of("10", "2", "ham", "spam"), m.labels());
        assertEquals(m, LabelMap.of(List.of("spam", "ham", "2", "10")));
    }

    @Test
    void unknownLabelAndBadIndex() {
        LabelMap m = LabelMap.of(List.of("a", "b"));
        DataException e = assertThrows(DataException.class, () -> m.indexOf("c"));
        assertTrue(e.getMessage().contains("'c'") && e.getMessage().contains("[a, b]"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> m.label(2));
    }

    @Test
    void singleClassTrainingSetFails() throws IOException {
        Path f = Files.writeString(dir.resolve("one.csv"), "text,label\na,x\nb,x\n");
        DataException e = assertThrows(DataException.class, () -> LabelMap.fromTraining(TextDataReader.read(f)));
        assertTrue(e.getMessage().contains("at least two classes") && e.getMessage().contains("only 'x'")
                && e.getMessage().contains("one.csv"), e.getMessage());
    }

    @Test
    void labelOnlyInTestFailsWithFileAndLine() throws IOException {
        Path train = Files.writeString(dir.resolve("train.csv"), "text,label\na,x\nb,y\n");
        Path test = Files.writeString(dir.resolve("test.csv"), "text,label\nc,x\nd,z\ne,z\n");
        DataException e = assertThrows(DataException.class,
                () -> Splits.withFiles(train, train, test, DataOptions.defaults(), 1));
        assertTrue(e.getMessage().contains("'z'") && e.getMessage().contains("test.csv")
                && e.getMessage().contains("line 3") && e.getMessage().contains("Add training examples"), e.getMessage());
    }

    @Test
    void classCountsAndImbalance() {
        TextDataset balanced = dataset("a", "a", "b");
        assertEquals(Map.of("a", 2, "b", 1), LabelMap.classCounts(balanced));
        assertEquals(List.of("a", "b"), List.copyOf(LabelMap.classCounts(balanced).keySet()));
        assertTrue(LabelMap.imbalanceWarning(balanced).isEmpty());
        String[] labels = new String[11];
        java.util.Arrays.fill(labels, "big");
        labels[10] = "small";
        labels[9] = "small";
        assertTrue(LabelMap.imbalanceWarning(dataset(labels)).isEmpty()); // 9:2 = 4.5, below 5
    }

    @Test
    void imbalanceWarningNamesBothClasses() {
        String[] labels = new String[12];
        java.util.Arrays.fill(labels, "big");
        labels[11] = "small";
        labels[10] = "small"; // 10:2 = 5
        String warning = LabelMap.imbalanceWarning(dataset(labels)).orElseThrow();
        assertTrue(warning.contains("'big' has 10") && warning.contains("'small' only 2"), warning);
    }

    @Test
    void labelsDifferingOnlyInCaseOrSpacingAreNamedInAWarning() {
        TextDataset d = dataset("Spam", "spam", "spam", "ham", " ham ", "very good", "Very  Good", "other");
        String w = LabelMap.similarLabelsWarning(d).orElseThrow();
        assertTrue(w.contains("'Spam' (1), 'spam' (2)") && w.contains("'Very  Good' (1), 'very good' (1)")
                && w.contains("separate classes"), w);
        assertTrue(!w.contains("ham"), "surrounding spaces are trimmed, so 'ham' is one class: " + w);
        assertEquals(6, LabelMap.fromTraining(d).size());
        assertTrue(LabelMap.similarLabelsWarning(dataset("a", "b", "A b")).isEmpty());
    }

    @Test
    void unknownLabelThatDiffersOnlyInCaseNamesTheTrainingLabel() {
        LabelMap m = LabelMap.fromTraining(dataset("spam", "ham"));
        DataException e = assertThrows(DataException.class, () -> m.requireKnownLabels(dataset("Spam")));
        assertTrue(e.getMessage().contains("'Spam'") && e.getMessage().contains("The training data has 'spam'"), e.getMessage());
    }

    @Test
    void hugeLabelIsCutInMessages() {
        String huge = "x".repeat(1_000_000);
        LabelMap m = LabelMap.fromTraining(dataset("spam", "ham"));
        DataException e = assertThrows(DataException.class, () -> m.requireKnownLabels(dataset(huge)));
        assertTrue(e.getMessage().length() < 1000, () -> e.getMessage().length() + " characters");
    }
}

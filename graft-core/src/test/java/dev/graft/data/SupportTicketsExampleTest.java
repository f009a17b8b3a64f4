package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The sample data set shipped in {@code examples/support-tickets} reads cleanly and is balanced. */
class SupportTicketsExampleTest {

    @Test
    void readsBalancedDisjointTrainAndTest() {
        Path dir = Path.of(System.getProperty("graft.repo.root", "..")).resolve("examples/support-tickets");
        Assumptions.assumeTrue(Files.isDirectory(dir), dir + " not present");
        DatasetSplits splits = Splits.withFiles(dir.resolve("train.csv"), null, dir.resolve("test.csv"),
                DataOptions.defaults(), 42);
        TextDataset train = TextDataReader.read(dir.resolve("train.csv"));
        TextDataset test = splits.test().orElseThrow();
        Map<String, Integer> expectedTrain = Map.of("account", 60, "billing", 60, "bug", 60, "feature_request", 60);
        assertEquals(expectedTrain, LabelMap.classCounts(train));
        assertEquals(Map.of("account", 15, "billing", 15, "bug", 15, "feature_request", 15), LabelMap.classCounts(test));
        assertEquals(java.util.List.of("account", "billing", "bug", "feature_request"), splits.labelMap().labels());
        assertEquals(Map.of("account", 6, "billing", 6, "bug", 6, "feature_request", 6), LabelMap.classCounts(splits.val()));
        Set<String> trainTexts = new HashSet<>();
        train.forEach(e -> trainTexts.add(e.text()));
        assertEquals(240, trainTexts.size());
        test.forEach(e -> assertTrue(!trainTexts.contains(e.text()), e.text()));
        assertTrue(train.examples().stream().anyMatch(e -> e.text().contains("\n")));
        assertTrue(train.examples().stream().anyMatch(e -> e.text().contains("€")));
    }
}

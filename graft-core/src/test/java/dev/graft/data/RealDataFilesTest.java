package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Reads the shared public data sets; skipped when {@code ../shared} is not present. */
class RealDataFilesTest {

    static Optional<Path> sharedText() {
        String root = System.getProperty("graft.repo.root", ".");
        return Stream.of(Path.of(root).resolve("../shared"), Path.of("../shared"), Path.of("../../shared"))
                .map(p -> p.resolve("data/text").normalize())
                .filter(Files::isDirectory)
                .findFirst();
    }

    private static Path shared(String relative) {
        Optional<Path> dir = sharedText();
        Assumptions.assumeTrue(dir.isPresent(), "../shared/data/text not present");
        Path file = dir.get().resolve(relative);
        Assumptions.assumeTrue(Files.exists(file), file + " not present");
        return file;
    }

    @Test
    void smsSpamCollectionHas5574Rows() {
        Path file = shared("sms_spam/SMSSpamCollection");
        TextDataset ds = TextDataReader.read(file); // no extension: sniffed as TSV
        assertEquals(DataFormat.TSV, ds.source().format());
        assertEquals(5574, ds.size());
        assertEquals(Map.of("ham", 4827, "spam", 747), LabelMap.classCounts(ds));
        assertEquals("SMS", ds.source().textColumn());
        assertEquals("Label", ds.source().labelColumn());
        // A message that starts with a quote and continues after the closing quote stays verbatim.
        assertTrue(ds.examples().stream().anyMatch(e -> e.text().equals(
                "\"Wen u miss someone, the person is definitely special for u..... But if the person is so special,"
                        + " why to miss them, just Keep-in-touch\" gdeve..")));
        // Line 5083 opens a quote it never closes; it and the next lines stay separate messages.
        TextExample broken = ds.examples().stream().filter(e -> e.line() == 5083).findFirst().orElseThrow();
        assertTrue(broken.text().startsWith("\"Keep ur problems in ur heart") && !broken.text().contains("\n"));
        assertTrue(ds.examples().stream().anyMatch(e -> e.line() == 5084
                && e.text().equals("Yeah, give me a call if you've got a minute")));
        TextExample first = ds.get(0);
        assertEquals("ham", first.label());
        assertEquals(2, first.line());
        assertTrue(first.text().startsWith("Go until jurong point"));
        assertEquals(5575, ds.get(ds.size() - 1).line());
        assertTrue(LabelMap.imbalanceWarning(ds).isPresent());
    }

    @Test
    void amazonBooksTrainAndDev() {
        Path train = shared("amazon_multidomain/books/train.tsv");
        Path dev = shared("amazon_multidomain/books/dev.tsv");
        TextDataset ds = TextDataReader.read(train);
        assertEquals(1700, ds.size());
        assertEquals(2, LabelMap.classCounts(ds).size());
        assertEquals(java.util.List.of("0", "1"), LabelMap.fromTraining(ds).labels());
        assertTrue(ds.get(0).text().startsWith("Horrible book, horrible.\n\tTHis book"), ds.get(0).text());
        assertEquals(2, ds.get(0).line());
        assertEquals(300, TextDataReader.read(dev).size());
        DatasetSplits splits = Splits.withFiles(train, dev, null, DataOptions.defaults(), 1);
        assertEquals(1700, splits.train().size());
    }
}

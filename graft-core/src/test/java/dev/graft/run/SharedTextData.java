package dev.graft.run;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.data.DataOptions;
import dev.graft.data.QuoteMode;
import dev.graft.data.TargetFormat;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shared multi-label and regression text sets (skipped when {@code ../shared} is absent), read as the README reads them. */
final class SharedTextData {

    private SharedTextData() {
    }

    private static Path shared(String relative) {
        Path root = Path.of(System.getProperty("graft.repo.root", "..")).toAbsolutePath().normalize();
        Path p = root.resolve("../shared/data/text").resolve(relative).normalize();
        assumeTrue(Files.exists(p), "shared data absent: " + p);
        return p;
    }

    /** GoEmotions (Ekman's 7 labels) training comments. */
    static Path goEmotionsTrain() {
        return shared("goemotions_ekman/train.tsv");
    }

    /** How GoEmotions is read: headerless text, comma-separated label ids named by labels.txt. */
    static DataOptions goEmotions() throws java.io.IOException {
        return DataOptions.defaults().withTextColumn("0").withLabelColumn("1")
                .withTargets(TargetFormat.multiLabel(",", TargetFormat.readLabelNames(shared("goemotions_ekman/labels.txt"))));
    }

    /** STS-B training pairs. */
    static Path stsbTrain() {
        return shared("stsb/train.tsv");
    }

    /** How STS-B is read: sentence pairs in columns 7 and 8, the 0–5 score in column 9. */
    static DataOptions stsb() {
        return DataOptions.defaults().withTextColumn("7").withTextPairColumn("8").withLabelColumn("9")
                .withQuote(QuoteMode.NONE).withTargets(TargetFormat.regression());
    }
}

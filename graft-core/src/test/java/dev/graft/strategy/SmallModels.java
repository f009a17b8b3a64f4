package dev.graft.strategy;

import dev.graft.data.Splits;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.model.text.TextModels;
import dev.graft.util.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small models trained in tests (on generated data) and saved, for tests of loading, predicting and serving. */
public final class SmallModels {

    /** The classes of {@link #supportTickets}. */
    public static final List<String> CLASSES = List.of("billing", "bug", "feature");
    private static final String[][] PHRASES = {
            {"I was charged twice for my subscription", "please refund my last payment", "my invoice shows the wrong amount",
                    "the card payment failed but money was taken", "cancel my plan and refund me", "why is my bill so high"},
            {"the app crashes when I open settings", "login fails with an error", "the page freezes after upload",
                    "export produces an empty file", "search returns nothing and shows an exception", "the screen goes black on start"},
            {"please add a dark mode", "it would be great to export to PDF", "can you support two factor login",
                    "add keyboard shortcuts please", "I would like a calendar view", "support for multiple languages would help"}};

    private SmallModels() {
    }

    /**
     * A three-class support-ticket classifier (frozen MiniLM + a trained head) saved to {@code dir}; it learns the
     * generated training texts well enough that {@link #probe} texts go to their classes.
     */
    public static Path supportTickets(Path dir, Path cache) throws IOException {
        List<TextExample> train = new ArrayList<>();
        List<TextExample> val = new ArrayList<>();
        for (int c = 0; c < PHRASES.length; c++) {
            for (int i = 0; i < PHRASES[c].length; i++) {
                for (String suffix : new String[] {"", " today", " again", " now"}) {
                    (i == 0 && suffix.isEmpty() ? val : train).add(new TextExample(PHRASES[c][i] + suffix, CLASSES.get(c), train.size() + 1));
                }
            }
        }
        FeatureExtractionConfig config = FeatureExtractionConfig.defaults().withCacheDir(cache);
        try (TrainingOutcome o = new FeatureExtraction(config).fit(TextModels.resolve("minilm"),
                Splits.withDatasets(TextDataset.of("train", train), TextDataset.of("val", val), null, 7), Progress.NONE, List.of())) {
            o.save(dir);
        }
        return dir;
    }

    /** Texts not in the training data, one per class of {@link #CLASSES}, in that order. */
    public static List<String> probe() {
        return List.of("I need a refund for a double charge", "the app crashes with an error when I log in",
                "please add an option for a dark theme");
    }
}

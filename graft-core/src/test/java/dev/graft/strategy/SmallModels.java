package dev.graft.strategy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.graft.data.Splits;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.model.bert.BertBackbone;
import dev.graft.model.bert.BertConfig;
import dev.graft.model.bert.BertModel;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.training.Learner;
import dev.graft.util.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
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
        return supportTickets(dir, cache, dev.graft.model.Precision.FP32);
    }

    /** {@link #supportTickets(Path, Path)} with the head trained on features the frozen encoder computed in {@code frozen}. */
    public static Path supportTickets(Path dir, Path cache, dev.graft.model.Precision frozen) throws IOException {
        List<TextExample> train = new ArrayList<>();
        List<TextExample> val = new ArrayList<>();
        for (int c = 0; c < PHRASES.length; c++) {
            for (int i = 0; i < PHRASES[c].length; i++) {
                for (String suffix : new String[] {"", " today", " again", " now"}) {
                    (i == 0 && suffix.isEmpty() ? val : train).add(new TextExample(PHRASES[c][i] + suffix, CLASSES.get(c), train.size() + 1));
                }
            }
        }
        FeatureExtractionConfig config = FeatureExtractionConfig.defaults().withCacheDir(cache).withFrozenPrecision(frozen);
        try (TrainingOutcome o = new FeatureExtraction(config).fit(TextModels.resolve("minilm"),
                Splits.withDatasets(TextDataset.of("train", train), TextDataset.of("val", val), null, 7), Progress.NONE, List.of())) {
            o.save(dir);
        }
        return dir;
    }

    /**
     * A tiny random BERT (hidden size 8, one layer, two heads; seeded) with MiniLM's tokenizer, saved under {@code dir}
     * as a Hugging Face model folder: fine-tuning tests run on it in seconds.
     */
    public static TextModelSpec tinyBert(Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Learner.seed(seed);
            BertModel model = new BertModel(new BertConfig(30522, 8, 1, 2, 16, 512, 2, 1e-12), 0f);
            model.initialize(m);
            BertBackbone.save(model, dir);
        }
        try (InputStream tok = SmallModels.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(tok, dir.resolve(TextModelSpec.TOKENIZER_FILE));
        }
        return TextModels.fromDirectory(dir);
    }

    /** {@code n} texts alternating "refund my payment K" (billing) and "the app crashes K" (bug), K from {@code offset}. */
    public static TextDataset refundsAndCrashes(String name, int n, int offset) {
        List<TextExample> ex = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ex.add(i % 2 == 0 ? TextExample.of("refund my payment " + (i + offset), "billing")
                    : TextExample.of("the app crashes " + (i + offset), "bug"));
        }
        return TextDataset.of(name, ex);
    }

    /** Texts not in the training data, one per class of {@link #CLASSES}, in that order. */
    public static List<String> probe() {
        return List.of("I need a refund for a double charge", "the app crashes with an error when I log in",
                "please add an option for a dark theme");
    }
}

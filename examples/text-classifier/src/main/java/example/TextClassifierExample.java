package example;

import dev.graft.api.Graft;
import dev.graft.artifact.Prediction;
import dev.graft.artifact.TextClassifier;
import dev.graft.data.DatasetSplits;
import dev.graft.data.Splits;
import dev.graft.data.TextDataReader;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.TrainingOutcome;
import java.nio.file.Path;
import java.util.List;

/**
 * Trains a text classifier on the sample support tickets (frozen MiniLM + a new head), saves it, loads it back and
 * labels new messages.
 *
 * <p>Arguments: the data folder (with {@code train.csv} and {@code test.csv}, columns {@code text,label}; default
 * {@code ../support-tickets}) and the model folder to write (default {@code target/support-tickets-model}).
 */
public final class TextClassifierExample {

    private static final List<String> NEW_MESSAGES = List.of(
            "I was charged twice for the same invoice this month",
            "The board view freezes when I drag a card to another column",
            "Please let me add a second admin to our workspace",
            "It would be great to have a calendar export");

    private TextClassifierExample() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "../support-tickets");
        Path modelDir = Path.of(args.length > 1 ? args[1] : "target/support-tickets-model");

        // 10% of train.csv is held out for validation (stratified); test.csv is only scored.
        DatasetSplits splits = Splits.withDatasets(TextDataReader.read(data.resolve("train.csv")), null,
                TextDataReader.read(data.resolve("test.csv")), Graft.DEFAULT_SEED);
        try (TrainingOutcome run = Graft.featureExtraction("minilm", splits, FeatureExtractionConfig.defaults())) {
            ClassificationMetrics test = run.test().orElseThrow();
            System.out.println("Test set (" + test.n() + " messages):");
            System.out.println(test.toTable());
            run.save(modelDir);
            System.out.println("Saved the model to " + modelDir);
        }

        try (TextClassifier model = Graft.load(modelDir)) {
            for (String text : NEW_MESSAGES) {
                Prediction p = model.predict(text);
                System.out.printf("%s\t%.3f\t%s%n", p.label(), p.probability(), text);
            }
        }
    }
}

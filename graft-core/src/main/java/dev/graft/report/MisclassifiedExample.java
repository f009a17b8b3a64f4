package dev.graft.report;

import dev.graft.strategy.SplitPredictions;
import dev.graft.data.TextExample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An example the model got wrong.
 *
 * @param text           the input text
 * @param trueLabel      its gold label
 * @param predictedLabel the model's label
 * @param confidence     the probability the model gave its (wrong) label
 */
public record MisclassifiedExample(String text, String trueLabel, String predictedLabel, double confidence) {

    /**
     * The mistakes in {@code predictions}, most confident first (ties keep data order).
     *
     * @param labels the model's labels, index = class id of the probability columns
     * @param limit  at most this many
     */
    public static List<MisclassifiedExample> worst(SplitPredictions predictions, List<String> labels, int limit) {
        List<MisclassifiedExample> wrong = new ArrayList<>();
        List<TextExample> examples = predictions.data().examples();
        float[][] probs = predictions.probabilities();
        for (int i = 0; i < probs.length; i++) {
            int best = 0;
            for (int c = 1; c < probs[i].length; c++) {
                if (probs[i][c] > probs[i][best]) {
                    best = c;
                }
            }
            String predicted = labels.get(best);
            TextExample e = examples.get(i);
            if (!predicted.equals(e.label())) {
                wrong.add(new MisclassifiedExample(e.text(), e.label(), predicted, probs[i][best]));
            }
        }
        wrong.sort(Comparator.comparingDouble(MisclassifiedExample::confidence).reversed());
        return List.copyOf(wrong.subList(0, Math.min(limit, wrong.size())));
    }
}

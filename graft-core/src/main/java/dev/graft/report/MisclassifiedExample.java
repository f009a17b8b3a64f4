package dev.graft.report;

import dev.graft.data.TextExample;
import dev.graft.data.image.ImageExample;
import dev.graft.strategy.ImagePredictions;
import dev.graft.strategy.SplitPredictions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * An example the model got wrong.
 *
 * @param text           the input text (for an image: its file name)
 * @param trueLabel      its gold label
 * @param predictedLabel the model's label
 * @param confidence     the probability the model gave its (wrong) label
 * @param image          for an image, a thumbnail as a {@code data:image/png;base64,...} URI; {@code null} for text
 *                       or when the file could not be read
 */
public record MisclassifiedExample(String text, String trueLabel, String predictedLabel, double confidence, String image) {

    /** A text example's mistake. */
    public MisclassifiedExample(String text, String trueLabel, String predictedLabel, double confidence) {
        this(text, trueLabel, predictedLabel, confidence, null);
    }

    /**
     * The mistakes in {@code predictions}, most confident first (ties keep data order).
     *
     * @param labels the model's labels, index = class id of the probability columns
     * @param limit  at most this many
     */
    public static List<MisclassifiedExample> worst(SplitPredictions predictions, List<String> labels, int limit) {
        return worst(predictions, labels, MisclassifiedExample::argmax, limit);
    }

    /**
     * The mistakes in {@code predictions} when each row's class is {@code decide}d (e.g. by a decision threshold), most
     * confident first.
     *
     * @param labels the model's labels, index = class id of the probability columns
     * @param decide the predicted class id of a probability row
     * @param limit  at most this many
     */
    public static List<MisclassifiedExample> worst(SplitPredictions predictions, List<String> labels, ToIntFunction<float[]> decide,
                                                   int limit) {
        List<TextExample> examples = predictions.data().examples();
        return worst(predictions.probabilities(), i -> examples.get(i).label(), labels, decide, limit,
                (i, predicted, p) -> new MisclassifiedExample(examples.get(i).joinedText(), examples.get(i).label(), predicted, p));
    }

    /**
     * The mistakes on images, most confident first, each with a {@value ImageThumbnails#SIZE}-pixel thumbnail
     * (only the kept ones are decoded).
     */
    public static List<MisclassifiedExample> worstImages(ImagePredictions predictions, List<String> labels, int limit) {
        List<ImageExample> examples = predictions.data().examples();
        return worst(predictions.probabilities(), i -> examples.get(i).label(), labels, MisclassifiedExample::argmax, limit, (i, predicted, p) -> {
            ImageExample e = examples.get(i);
            return new MisclassifiedExample(e.file().toString(), e.label(), predicted, p,
                    ImageThumbnails.dataUri(e.file(), ImageThumbnails.SIZE).orElse(null));
        });
    }

    /** Builds the example for row {@code i}, predicted {@code predicted} with probability {@code p}. */
    @FunctionalInterface
    private interface Maker {
        MisclassifiedExample make(int i, String predicted, double p);
    }

    private static int argmax(float[] p) {
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }

    private static List<MisclassifiedExample> worst(float[][] probs, IntFunction<String> gold, List<String> labels,
                                                    ToIntFunction<float[]> decide, int limit, Maker maker) {
        record Wrong(int row, int predicted, double p) {
        }
        List<Wrong> wrong = new ArrayList<>();
        for (int i = 0; i < probs.length; i++) {
            int best = decide.applyAsInt(probs[i]);
            if (!labels.get(best).equals(gold.apply(i))) {
                wrong.add(new Wrong(i, best, probs[i][best]));
            }
        }
        wrong.sort(Comparator.comparingDouble(Wrong::p).reversed());
        List<MisclassifiedExample> out = new ArrayList<>();
        for (Wrong w : wrong.subList(0, Math.min(limit, wrong.size()))) {
            out.add(maker.make(w.row(), labels.get(w.predicted()), w.p()));
        }
        return List.copyOf(out);
    }
}

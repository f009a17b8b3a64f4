package dev.graft.artifact;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.data.TaskKind;
import dev.graft.task.TaskPrediction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link GraftModel} predicts for one input, with a JSON view ({@link #toJson}): a class with its score and every
 * class's probability; the labels at or above their thresholds; a value; the entities of a text; the answer to a
 * question; or an image's segmentation mask.
 */
public sealed interface ModelOutput permits ModelOutput.Classification, ModelOutput.MultiLabel, ModelOutput.Value,
        ModelOutput.Entities, ModelOutput.Answer, ModelOutput.Mask {

    /**
     * The JSON view: {@code label}, {@code score}, {@code probabilities} (and {@code top_k} when {@code topK > 0});
     * {@code labels}, {@code probabilities}; {@code value}; {@code entities} with their character offsets;
     * {@code answer}, {@code score}, {@code start}, {@code end}; or {@code width}, {@code height}, {@code pixels} (per
     * class) and {@code mask_png} (base64).
     */
    ObjectNode toJson(int topK);

    /**
     * This output decided at {@code threshold} instead of the model's own: the labels of a multi-label output at or
     * above it, the second class of a two-class output when its probability is at or above it.
     *
     * @throws IllegalArgumentException for outputs that have no threshold (regression, entities, more than two classes)
     */
    ModelOutput withThreshold(double threshold);

    /**
     * A class.
     *
     * @param label         the predicted class
     * @param score         its probability
     * @param probabilities every class's probability, in label order
     */
    record Classification(String label, double score, Map<String, Double> probabilities) implements ModelOutput {
        /** Copies the map, keeping its order. */
        public Classification {
            probabilities = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(probabilities));
        }

        @Override
        public ObjectNode toJson(int topK) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("label", label);
            o.put("score", score);
            if (topK > 0) {
                ArrayNode top = o.putArray("top_k");
                probabilities.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                        .limit(topK).forEach(e -> top.addObject().put("label", e.getKey()).put("score", e.getValue()));
            }
            probabilities.forEach(o.putObject("probabilities")::put);
            return o;
        }

        @Override
        public ModelOutput withThreshold(double threshold) {
            if (probabilities.size() != 2) {
                throw new IllegalArgumentException("a decision threshold needs a two-class model; this one has "
                        + probabilities.size() + " classes");
            }
            List<String> names = new ArrayList<>(probabilities.keySet());
            String chosen = probabilities.get(names.get(1)) >= threshold ? names.get(1) : names.get(0);
            return new Classification(chosen, probabilities.get(chosen), probabilities);
        }
    }

    /**
     * Labels of a multi-label model.
     *
     * @param labels        the labels at or above their thresholds, most probable first
     * @param probabilities every label's probability, in label order
     */
    record MultiLabel(List<String> labels, Map<String, Double> probabilities) implements ModelOutput {
        /** Copies the collections. */
        public MultiLabel {
            labels = List.copyOf(labels);
            probabilities = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(probabilities));
        }

        @Override
        public ObjectNode toJson(int topK) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            labels.forEach(o.putArray("labels")::add);
            probabilities.forEach(o.putObject("probabilities")::put);
            return o;
        }

        @Override
        public ModelOutput withThreshold(double threshold) {
            List<String> above = probabilities.entrySet().stream().filter(e -> e.getValue() >= threshold)
                    .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())).map(Map.Entry::getKey).toList();
            return new MultiLabel(above, probabilities);
        }
    }

    /**
     * A number (regression), in the training data's units.
     *
     * @param value the predicted value
     */
    record Value(double value) implements ModelOutput {
        @Override
        public ObjectNode toJson(int topK) {
            return Json.MAPPER.createObjectNode().put("value", value);
        }

        @Override
        public ModelOutput withThreshold(double threshold) {
            throw new IllegalArgumentException("a regression model has no threshold");
        }
    }

    /**
     * The entities of a text.
     *
     * @param entities each entity with its character offsets into the text
     */
    record Entities(List<TokenClassifier.Entity> entities) implements ModelOutput {
        /** Copies the list. */
        public Entities {
            entities = List.copyOf(entities);
        }

        @Override
        public ObjectNode toJson(int topK) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            ArrayNode a = o.putArray("entities");
            for (TokenClassifier.Entity e : entities) {
                a.addObject().put("text", e.text()).put("type", e.type()).put("start", e.start()).put("end", e.end())
                        .put("score", e.score());
            }
            return o;
        }

        @Override
        public ModelOutput withThreshold(double threshold) {
            throw new IllegalArgumentException("a token-classification model has no threshold");
        }
    }

    /**
     * The answer to a question, with character offsets into its context.
     *
     * @param answer the answer's text, empty when the model answers that the context holds none
     * @param score  the answer's probability among the model's candidate answers
     * @param start  its first character in the context, or -1 for no answer
     * @param end    its end character (exclusive), or -1 for no answer
     */
    record Answer(String answer, double score, int start, int end) implements ModelOutput {
        /** Requires an answer text (empty for none). */
        public Answer {
            if (answer == null) {
                throw new IllegalArgumentException("an answer needs a text (empty for no answer)");
            }
        }

        @Override
        public ObjectNode toJson(int topK) {
            return Json.MAPPER.createObjectNode().put("answer", answer).put("score", score).put("start", start).put("end", end);
        }

        @Override
        public ModelOutput withThreshold(double threshold) {
            throw new IllegalArgumentException("a question-answering model has no decision threshold to set here");
        }
    }

    /**
     * An image's segmentation: the number of pixels of each class and the mask as a PNG.
     *
     * @param width  the image's width
     * @param height the image's height
     * @param pixels each class's number of pixels, in class order
     * @param png    the mask as an 8-bit gray PNG whose values are the classes' mask values
     */
    record Mask(int width, int height, Map<String, Long> pixels, byte[] png) implements ModelOutput {
        /** Copies the map, keeping its order. */
        public Mask {
            pixels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pixels));
        }

        /**
         * The output of a predicted mask.
         *
         * @param classes each pixel's class, row-major
         * @param names   the classes' names
         * @param values  each class's mask value (0..255)
         */
        public static Mask of(int width, int height, int[] classes, List<String> names, int[] values) {
            if (classes.length != (long) width * height) {
                throw new IllegalArgumentException(classes.length + " pixel classes for a " + width + "x" + height + " image");
            }
            long[] counts = new long[names.size()];
            int[] gray = new int[classes.length];
            for (int p = 0; p < classes.length; p++) {
                counts[classes[p]]++;
                gray[p] = values[classes[p]];
            }
            Map<String, Long> pixels = new LinkedHashMap<>();
            for (int c = 0; c < names.size(); c++) {
                pixels.put(names.get(c), counts[c]);
            }
            java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(width, height,
                    java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
            image.getRaster().setSamples(0, 0, width, height, 0, gray);
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            try {
                javax.imageio.ImageIO.write(image, "png", b);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("Cannot encode the mask as PNG: " + e.getMessage(), e);
            }
            return new Mask(width, height, pixels, b.toByteArray());
        }

        @Override
        public ObjectNode toJson(int topK) {
            ObjectNode o = Json.MAPPER.createObjectNode().put("width", width).put("height", height);
            pixels.forEach(o.putObject("pixels")::put);
            o.put("mask_png", java.util.Base64.getEncoder().encodeToString(png));
            return o;
        }

        @Override
        public ModelOutput withThreshold(double threshold) {
            throw new IllegalArgumentException("a segmentation model has no decision threshold");
        }
    }

    /** The output of a task's prediction: a class, labels, or a value. */
    public static ModelOutput of(TaskPrediction p, TaskKind kind) {
        switch (kind) {
            case CLASSIFICATION:
                return new Classification(p.labels().get(0), p.score(), p.scores());
            case MULTI_LABEL:
                return new MultiLabel(p.labels(), p.scores());
            case REGRESSION:
                return new Value(p.value());
            default:
                throw new IllegalArgumentException("a " + kind.key() + " prediction is not one output per input");
        }
    }

    /** {@link #of} for each prediction. */
    public static List<ModelOutput> of(List<TaskPrediction> predictions, TaskKind kind) {
        return predictions.stream().map(p -> of(p, kind)).toList();
    }
}

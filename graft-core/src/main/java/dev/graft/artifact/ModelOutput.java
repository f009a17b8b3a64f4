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
 * class's probability; the labels at or above their thresholds; a value; or the entities of a text.
 */
public sealed interface ModelOutput
        permits ModelOutput.Classification, ModelOutput.MultiLabel, ModelOutput.Value, ModelOutput.Entities {

    /**
     * The JSON view: {@code label}, {@code score}, {@code probabilities} (and {@code top_k} when {@code topK > 0});
     * {@code labels}, {@code probabilities}; {@code value}; or {@code entities} with their character offsets.
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

package dev.graft.run.auto;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One step of an auto run and how it ended: a backbone ranked by LogME, a feature-extraction model, a fine-tuning
 * trial or the soup of the trials.
 *
 * @param id               a stable name within the run ({@code rank:minilm}, {@code fe:minilm}, {@code ft:minilm:2},
 *                         {@code fe:minilm-random})
 * @param stage            which step of the plan
 * @param backbone         the backbone's name
 * @param settings         the settings that differ from the defaults (the sample size, a trial's learning rates)
 * @param estimatedSeconds the cost the plan estimated before it started (or would have started)
 * @param seconds          the wall time it took (0 when it did not run)
 * @param status           how it ended
 * @param score            LogME for a ranking; for a model, the task's compared figure on validation (accuracy,
 *                         multi-label macro-F1, regression RMSE); null when none
 * @param testAccuracy     the same figure on the test split of a model, when there was one (accuracy for classification)
 * @param note             why it was skipped, pruned or failed, or what it showed
 * @param modelDir         the saved model of a model candidate (relative to the output folder), or null
 */
public record Candidate(String id, Stage stage, String backbone, Map<String, Object> settings, double estimatedSeconds,
                        double seconds, Status status, Double score, Double testAccuracy, String note, String modelDir) {

    /** The steps of the plan, in order. */
    public enum Stage {
        /** LogME of a backbone's frozen features of a training sample. */
        RANK,
        /** A head solved in closed form on frozen features. */
        FEATURE_EXTRACTION,
        /** A fine-tuning trial proposed by TPE. */
        FINE_TUNE,
        /** The greedy soup (weight average) of the finished fine-tuning trials ({@code selection.GreedySoup}). */
        SOUP
    }

    /** How a candidate ended. */
    public enum Status {
        /** It ran to the end. */
        DONE,
        /** The plan left it out (its estimated cost did not fit, or a rule ruled it out). */
        SKIPPED,
        /** The pruner stopped it (a fine-tuning trial below the median). */
        PRUNED,
        /** It failed; the note says why. */
        FAILED,
        /**
         * The wall clock stopped it or kept it from starting (the machine was slower than the estimates); not recorded
         * as finished, so a rerun tries it again.
         */
        INTERRUPTED
    }

    /** Copies the settings. */
    public Candidate {
        settings = Map.copyOf(settings);
    }

    /** Whether a rerun keeps this result (everything but an interruption). */
    public boolean finished() {
        return status != Status.INTERRUPTED;
    }

    /** Whether it is a saved model with a validation score. */
    public boolean isModel() {
        return status == Status.DONE && stage != Stage.RANK && score != null && modelDir != null;
    }

    /** The JSON view (journal and summary). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("stage", stage.name());
        m.put("backbone", backbone);
        m.put("settings", new java.util.TreeMap<>(settings));
        m.put("estimated_seconds", estimatedSeconds);
        m.put("seconds", seconds);
        m.put("status", status.name());
        m.put("score", score);
        m.put("test_accuracy", testAccuracy);
        m.put("note", note);
        m.put("model_dir", modelDir);
        return m;
    }

    /** Reads {@link #toMap()}'s view back. */
    @SuppressWarnings("unchecked")
    static Candidate fromMap(Map<String, Object> m) {
        return new Candidate((String) m.get("id"), Stage.valueOf((String) m.get("stage")), (String) m.get("backbone"),
                (Map<String, Object>) m.getOrDefault("settings", Map.of()), number(m.get("estimated_seconds")),
                number(m.get("seconds")), Status.valueOf((String) m.get("status")), boxed(m.get("score")),
                boxed(m.get("test_accuracy")), (String) m.get("note"), (String) m.get("model_dir"));
    }

    private static double number(Object o) {
        return o == null ? 0 : ((Number) o).doubleValue();
    }

    private static Double boxed(Object o) {
        return o == null ? null : ((Number) o).doubleValue();
    }
}

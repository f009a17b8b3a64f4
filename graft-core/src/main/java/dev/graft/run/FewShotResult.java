package dev.graft.run;

import dev.graft.strategy.fewshot.Distance;
import dev.graft.strategy.fewshot.EpisodicResult;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a few-shot run produced: {@link Episodic} accuracies over episodes, or the {@link Plain} classification of every
 * query.
 */
public sealed interface FewShotResult permits FewShotResult.Episodic, FewShotResult.Plain {

    /**
     * An episodic evaluation.
     *
     * @param poolExamples examples in the pool
     * @param classCounts  examples of each pool class, classes in sorted order
     * @param distance     the query-prototype comparison
     * @param seed         the episodes' seed
     * @param frozen       the frozen encoder's accuracy, one per shot asked for
     * @param training     the episodic fine-tuning, when the request had {@code metaTrain} files
     * @param fineTuned    the fine-tuned encoder's accuracy on the same episodes (empty without fine-tuning)
     */
    record Episodic(int poolExamples, Map<String, Integer> classCounts, Distance distance, long seed, List<EpisodicResult> frozen,
                    Optional<EpisodicTraining> training, List<EpisodicResult> fineTuned) implements FewShotResult {

        /** Copies the lists and keeps the classes' order. */
        public Episodic {
            classCounts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(classCounts));
            frozen = List.copyOf(frozen);
            fineTuned = List.copyOf(fineTuned);
        }
    }

    /**
     * Episodic fine-tuning of the text encoder on classes other than the pool's.
     *
     * @param episodes  training episodes
     * @param way       classes per episode
     * @param shot      support examples per class
     * @param queries   query examples per class
     * @param classes   the training classes
     * @param texts     training texts
     * @param tail      episodes averaged for {@link #firstLoss} and {@link #lastLoss} (a tenth, at least 1)
     * @param firstLoss mean query loss of the first {@code tail} episodes
     * @param lastLoss  mean query loss of the last {@code tail} episodes
     * @param seconds   wall time of the training
     */
    record EpisodicTraining(int episodes, int way, int shot, int queries, List<String> classes, int texts, int tail, double firstLoss,
                            double lastLoss, double seconds) {

        /** Copies the classes. */
        public EpisodicTraining {
            classes = List.copyOf(classes);
        }

        /** e.g. {@code 300 episodes (5-way 5-shot, 5 queries) on 8 classes [...], 4000 texts; query loss 1.2 (first 30) → 0.4 (last 30); 95 s}. */
        public String summary() {
            return String.format(Locale.ROOT, "%d episodes (%d-way %d-shot, %d queries) on %d classes %s, %d texts; query loss"
                    + " %.4f (first %d) → %.4f (last %d); %.0f s", episodes, way, shot, queries, classes.size(), classes, texts, firstLoss,
                    tail, lastLoss, tail, seconds);
        }
    }

    /**
     * A plain classification.
     *
     * @param classes         the support classes
     * @param supportExamples examples in the support set
     * @param predictions     every query's class, in the query file's order
     * @param correct         labelled queries classified correctly
     * @param labelled        queries whose label is one of the support classes
     */
    record Plain(List<String> classes, int supportExamples, List<QueryPrediction> predictions, int correct, int labelled)
            implements FewShotResult {

        /** Copies the lists. */
        public Plain {
            classes = List.copyOf(classes);
            predictions = List.copyOf(predictions);
        }

        /** Accuracy on the labelled queries; empty when none has a support class as its label. */
        public OptionalDouble accuracy() {
            return labelled == 0 ? OptionalDouble.empty() : OptionalDouble.of(correct / (double) labelled);
        }
    }

    /**
     * One query's class.
     *
     * @param input       the text or image file
     * @param label       the nearest prototype's class
     * @param probability its probability (softmax over the similarities)
     * @param gold        the query's own label ({@link FrozenData#UNLABELLED} when it has none)
     */
    record QueryPrediction(String input, String label, float probability, String gold) {
    }
}

package dev.graft.report;

import dev.graft.data.tokens.Chunks;
import dev.graft.data.tokens.EntitySpan;
import dev.graft.data.tokens.TaggedPredictions;
import dev.graft.metrics.EntityConfusion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The error analysis of a named-entity tagger that a report shows: which types it confuses and the sentences it got
 * most wrong, with their gold and predicted entities.
 *
 * @param split     the sentences' split ({@code "test"} or {@code "validation"})
 * @param confusion gold type against predicted type ({@link EntityConfusion})
 * @param worst     the sentences with the most entity errors, most first (sentence order among equals)
 * @param sentences how many sentences were analysed
 */
public record EntityAnalysis(String split, EntityConfusion confusion, List<Sentence> worst, int sentences) {

    /** How many sentences {@link #of(TaggedPredictions)} keeps. */
    public static final int DEFAULT_WORST = 20;

    /** Copies the list. */
    public EntityAnalysis {
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(confusion, "confusion");
        worst = List.copyOf(worst);
    }

    /**
     * One sentence with its entities, read as {@link dev.graft.metrics.EntityMetrics#score} reads them.
     *
     * @param index     the sentence's position in its split (0-based)
     * @param words     its words
     * @param gold      the gold entities
     * @param predicted the predicted entities
     * @param errors    gold entities not predicted exactly plus predicted entities not in the gold ones
     */
    public record Sentence(int index, List<String> words, List<EntitySpan> gold, List<EntitySpan> predicted, int errors) {

        /** Copies the lists. */
        public Sentence {
            words = List.copyOf(words);
            gold = List.copyOf(gold);
            predicted = List.copyOf(predicted);
        }

        /** Whether {@code span} (a gold or predicted entity) is in both lists: found exactly, with its type. */
        public boolean matched(EntitySpan span) {
            return gold.contains(span) && predicted.contains(span);
        }
    }

    /** The analysis of {@code predictions}, keeping the {@value #DEFAULT_WORST} worst sentences. */
    public static EntityAnalysis of(TaggedPredictions predictions) {
        return of(predictions, DEFAULT_WORST);
    }

    /** The analysis of {@code predictions}, keeping at most {@code maxWorst} sentences that have an error. */
    public static EntityAnalysis of(TaggedPredictions predictions, int maxWorst) {
        List<Sentence> wrong = new ArrayList<>();
        for (int s = 0; s < predictions.words().size(); s++) {
            List<EntitySpan> gold = Chunks.lenient(predictions.gold().get(s));
            List<EntitySpan> predicted = Chunks.lenient(predictions.predicted().get(s));
            Set<EntitySpan> g = new HashSet<>(gold);
            Set<EntitySpan> p = new HashSet<>(predicted);
            int errors = (int) (gold.stream().filter(e -> !p.contains(e)).count() + predicted.stream().filter(e -> !g.contains(e)).count());
            if (errors > 0) {
                wrong.add(new Sentence(s, predictions.words().get(s), gold, predicted, errors));
            }
        }
        wrong.sort(Comparator.comparingInt(Sentence::errors).reversed().thenComparingInt(Sentence::index));
        return new EntityAnalysis(predictions.split(), EntityConfusion.of(predictions.gold(), predictions.predicted()),
                wrong.subList(0, Math.min(maxWorst, wrong.size())), predictions.words().size());
    }
}

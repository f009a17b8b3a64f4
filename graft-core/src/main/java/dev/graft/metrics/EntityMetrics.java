package dev.graft.metrics;

import dev.graft.data.tokens.Chunks;
import dev.graft.data.tokens.EntitySpan;
import dev.graft.data.tokens.Tag;
import dev.graft.data.tokens.TagScheme;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Entity-level precision, recall and F1 for named-entity recognition, as seqeval computes them: an entity counts as
 * found only when a predicted entity has the same type and exactly the same tokens. Two readings of the tags:
 * {@link #score} is seqeval's default mode (the CoNLL {@code conlleval} rules, {@link Chunks#lenient}), {@link #strict}
 * its {@code mode='strict'} for IOB2 or BIOES ({@link Chunks#strict}). Precision is 0 for a type never predicted,
 * recall 0 for a type never in the gold tags, F1 {@code 2PR/(P+R)} and 0 when both are 0 (seqeval with
 * {@code zero_division=0}, its default's values); micro averages pool the counts of all types, macro averages are the
 * unweighted means of the per-type figures. Token accuracy is the share of tokens whose predicted tag equals the gold
 * tag.
 */
public final class EntityMetrics {

    /**
     * One entity type's counts and scores.
     *
     * @param type       the entity type
     * @param correct    predicted entities that match a gold entity
     * @param predicted  predicted entities
     * @param gold       gold entities (seqeval's support)
     * @param precision  correct / predicted, 0 when nothing was predicted
     * @param recall     correct / gold, 0 when there is no gold entity
     * @param f1         2PR / (P + R), 0 when both are 0
     */
    public record TypeScores(String type, int correct, int predicted, int gold, double precision, double recall,
                             double f1) {

        static TypeScores of(String type, int correct, int predicted, int gold) {
            double p = predicted > 0 ? (double) correct / predicted : 0;
            double r = gold > 0 ? (double) correct / gold : 0;
            return new TypeScores(type, correct, predicted, gold, p, r, p + r > 0 ? 2 * p * r / (p + r) : 0);
        }
    }

    /**
     * Scores over a whole set of sentences.
     *
     * @param micro          all types pooled (type {@code "micro"}): the usual headline precision/recall/F1
     * @param macroPrecision unweighted mean of the per-type precisions (0 without types)
     * @param macroRecall    unweighted mean of the per-type recalls
     * @param macroF1        unweighted mean of the per-type F1s
     * @param perType        each type found in the gold or predicted tags, sorted by name
     * @param tokenAccuracy  tokens whose predicted tag equals the gold tag, over all tokens
     * @param tokens         number of tokens
     */
    public record Scores(TypeScores micro, double macroPrecision, double macroRecall, double macroF1,
                         List<TypeScores> perType, double tokenAccuracy, long tokens) implements TaskMetrics {

        /** Copies the list. */
        public Scores {
            perType = List.copyOf(perType);
        }

        /**
         * {@code micro_f1} (the headline entity F1), {@code precision}, {@code recall}, {@code macro_f1},
         * {@code token_accuracy}, then {@code f1_TYPE} for each type.
         */
        @Override
        public Map<String, Double> values() {
            Map<String, Double> m = new java.util.LinkedHashMap<>();
            m.put("micro_f1", f1());
            m.put("precision", precision());
            m.put("recall", recall());
            m.put("macro_f1", macroF1);
            m.put("token_accuracy", tokenAccuracy);
            for (TypeScores t : perType) {
                m.put("f1_" + t.type(), t.f1());
            }
            return m;
        }

        /** {@link #values()}, the entity counts and every type's precision, recall, F1 and support. */
        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> m = new java.util.LinkedHashMap<>(values());
            m.put("entities_gold", micro.gold());
            m.put("entities_predicted", micro.predicted());
            m.put("entities_correct", micro.correct());
            m.put("tokens", tokens);
            Map<String, Object> types = new java.util.LinkedHashMap<>();
            for (TypeScores t : perType) {
                types.put(t.type(), Map.of("precision", t.precision(), "recall", t.recall(), "f1", t.f1(),
                        "support", t.gold(), "predicted", t.predicted()));
            }
            m.put("per_type", types);
            return m;
        }

        /** The number of tokens (words) scored. */
        @Override
        public long n() {
            return tokens;
        }

        /** Micro-averaged precision. */
        public double precision() {
            return micro.precision();
        }

        /** Micro-averaged recall. */
        public double recall() {
            return micro.recall();
        }

        /** Micro-averaged F1, the usual headline figure. */
        public double f1() {
            return micro.f1();
        }
    }

    private EntityMetrics() {
    }

    /**
     * Scores in seqeval's default (conlleval-compatible) mode.
     *
     * @param gold      the gold tags, one list per sentence
     * @param predicted the predicted tags, the same shape
     * @throws IllegalArgumentException when the shapes differ
     */
    public static Scores score(List<List<Tag>> gold, List<List<Tag>> predicted) {
        return compute(gold, predicted, Chunks::lenient);
    }

    /**
     * Scores in seqeval's strict mode for {@code scheme} (IOB2 or BIOES): malformed entities count for nothing.
     *
     * @throws IllegalArgumentException when the shapes differ, the scheme is IOB1 or a tag is not of the scheme
     */
    public static Scores strict(List<List<Tag>> gold, List<List<Tag>> predicted, TagScheme scheme) {
        return compute(gold, predicted, tags -> Chunks.strict(tags, scheme));
    }

    private record Located(int sentence, EntitySpan span) {
    }

    private static Scores compute(List<List<Tag>> gold, List<List<Tag>> predicted,
                                  Function<List<Tag>, List<EntitySpan>> reader) {
        if (gold.size() != predicted.size()) {
            throw new IllegalArgumentException("gold and predicted tags must hold the same sentences, got " + gold.size()
                    + " and " + predicted.size() + " sentences");
        }
        Set<Located> goldEntities = new HashSet<>();
        Set<Located> predictedEntities = new HashSet<>();
        long tokens = 0;
        long sameTags = 0;
        for (int s = 0; s < gold.size(); s++) {
            List<Tag> g = gold.get(s);
            List<Tag> p = predicted.get(s);
            if (g.size() != p.size()) {
                throw new IllegalArgumentException("sentence " + s + " has " + g.size() + " gold tags but " + p.size()
                        + " predicted tags");
            }
            for (int i = 0; i < g.size(); i++) {
                sameTags += g.get(i).equals(p.get(i)) ? 1 : 0;
            }
            tokens += g.size();
            for (EntitySpan e : reader.apply(g)) {
                goldEntities.add(new Located(s, e));
            }
            for (EntitySpan e : reader.apply(p)) {
                predictedEntities.add(new Located(s, e));
            }
        }
        Map<String, int[]> counts = new TreeMap<>(); // type -> {correct, predicted, gold}
        for (Located e : goldEntities) {
            counts.computeIfAbsent(e.span().type(), t -> new int[3])[2]++;
        }
        for (Located e : predictedEntities) {
            int[] c = counts.computeIfAbsent(e.span().type(), t -> new int[3]);
            c[1]++;
            if (goldEntities.contains(e)) {
                c[0]++;
            }
        }
        List<TypeScores> perType = new ArrayList<>();
        int[] total = new int[3];
        double sumP = 0;
        double sumR = 0;
        double sumF = 0;
        for (Map.Entry<String, int[]> en : counts.entrySet()) {
            int[] c = en.getValue();
            TypeScores t = TypeScores.of(en.getKey(), c[0], c[1], c[2]);
            perType.add(t);
            sumP += t.precision();
            sumR += t.recall();
            sumF += t.f1();
            for (int k = 0; k < 3; k++) {
                total[k] += c[k];
            }
        }
        int n = perType.size();
        return new Scores(TypeScores.of("micro", total[0], total[1], total[2]), n == 0 ? 0 : sumP / n,
                n == 0 ? 0 : sumR / n, n == 0 ? 0 : sumF / n, perType, tokens == 0 ? 0 : (double) sameTags / tokens, tokens);
    }
}

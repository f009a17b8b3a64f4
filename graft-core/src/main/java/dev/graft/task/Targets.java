package dev.graft.task;

import dev.graft.data.tokens.EncodedSentence;
import dev.graft.data.tokens.Tag;
import dev.graft.data.tokens.TokenFeature;
import java.util.ArrayList;
import java.util.List;

/**
 * The gold targets of a data set, encoded for training and scoring: one of {@link Classes}, {@link LabelSets},
 * {@link Values}, {@link Tokens} or {@link Masks}, matching the task that encoded them.
 */
public sealed interface Targets permits Targets.Classes, Targets.LabelSets, Targets.Values, Targets.Tokens, Targets.Masks {

    /** Number of examples. */
    int size();

    /**
     * The class index of every example (single-label classification).
     *
     * @param classes one index per example, in {@code [0, classes)}
     */
    record Classes(int[] classes) implements Targets {
        @Override
        public int size() {
            return classes.length;
        }
    }

    /**
     * The labels of every example as an indicator row (multi-label classification).
     *
     * @param labels {@code labels[i][j]} is true when example {@code i} has label {@code j}
     */
    record LabelSets(boolean[][] labels) implements Targets {
        @Override
        public int size() {
            return labels.length;
        }
    }

    /**
     * The number of every example (regression), in the data's own units.
     *
     * @param values one value per example
     */
    record Values(double[] values) implements Targets {
        @Override
        public int size() {
            return values.length;
        }
    }

    /**
     * The tags of tokenized sentences (token classification): the examples are the sentences' windows, in sentence
     * order, each with a label per position ({@link TokenFeature#IGNORE} where the loss ignores it); the sentences
     * themselves map window predictions back to one tag per word and are scored on their word tags.
     *
     * @param windows   every window of every sentence, sentence by sentence, in window order
     * @param sentences the encoded sentences the windows were cut from
     * @param gold      the gold tags of each sentence's words, or {@code null} when unknown (prediction)
     */
    record Tokens(List<TokenFeature> windows, List<EncodedSentence> sentences, List<List<Tag>> gold) implements Targets {

        /** Copies the lists and checks that the windows are the sentences' and the gold tags one per word. */
        public Tokens {
            windows = List.copyOf(windows);
            sentences = List.copyOf(sentences);
            gold = gold == null ? null : List.copyOf(gold);
            int expected = sentences.stream().mapToInt(s -> s.features().size()).sum();
            if (expected != windows.size()) {
                throw new IllegalArgumentException(sentences.size() + " sentences have " + expected + " windows, got " + windows.size());
            }
            if (gold != null) {
                if (gold.size() != sentences.size()) {
                    throw new IllegalArgumentException(sentences.size() + " sentences but " + gold.size() + " gold tag lists");
                }
                for (int s = 0; s < gold.size(); s++) {
                    if (gold.get(s).size() != sentences.get(s).words().size()) {
                        throw new IllegalArgumentException("sentence " + s + " has " + sentences.get(s).words().size()
                                + " words but " + gold.get(s).size() + " gold tags");
                    }
                }
            }
        }

        /** The windows of {@code sentences} as examples, with their words' gold tags ({@code null}: unknown). */
        public static Tokens of(List<EncodedSentence> sentences, List<List<Tag>> gold) {
            List<TokenFeature> windows = new ArrayList<>();
            sentences.forEach(s -> windows.addAll(s.features()));
            return new Tokens(windows, sentences, gold);
        }

        @Override
        public int size() {
            return windows.size();
        }
    }

    /**
     * A class per pixel of every example (semantic segmentation): whole images, or the augmented training crops of an
     * epoch.
     *
     * @param masks the masks by example
     */
    record Masks(dev.graft.data.image.masks.MaskTargets masks) implements Targets {
        @Override
        public int size() {
            return masks.size();
        }
    }
}

package dev.graft.task;

import dev.graft.data.qa.QaFeature;
import dev.graft.data.qa.SquadQuestion;
import dev.graft.data.tokens.EncodedSentence;
import dev.graft.data.tokens.Tag;
import dev.graft.data.tokens.TokenFeature;
import java.util.ArrayList;
import java.util.List;

/**
 * The gold targets of a data set, encoded for training and scoring: one of {@link Classes}, {@link LabelSets},
 * {@link Values}, {@link Tokens}, {@link Spans} or {@link Masks}, matching the task that encoded them.
 */
public sealed interface Targets permits Targets.Classes, Targets.LabelSets, Targets.Values, Targets.Tokens,
        Targets.Spans, Targets.Masks {

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
     * Answer spans of questions (extractive question answering): the examples are the questions' windows, question by
     * question, each with the positions of its answer's first and last token (the first special token when the window
     * does not hold the answer); the questions map window scores back to one answer each and are scored on their gold
     * answers.
     *
     * @param windows   every window of every question, question by question, in window order
     * @param questions the questions the windows were cut from (their answers are empty when unknown or unanswerable)
     * @param first     for each question, the index in {@code windows} of its first window
     */
    record Spans(List<QaFeature> windows, List<SquadQuestion> questions, int[] first) implements Targets {

        /** Copies the lists and checks that the windows are the questions', in order. */
        public Spans {
            windows = List.copyOf(windows);
            questions = List.copyOf(questions);
            first = first.clone();
            if (first.length != questions.size()) {
                throw new IllegalArgumentException(questions.size() + " questions but " + first.length + " first windows");
            }
            for (int q = 0; q < questions.size(); q++) {
                int end = q + 1 < first.length ? first[q + 1] : windows.size();
                if (end <= first[q]) {
                    throw new IllegalArgumentException("question " + q + " has no window");
                }
                for (int w = first[q]; w < end; w++) {
                    if (windows.get(w).question() != q) {
                        throw new IllegalArgumentException("window " + w + " belongs to question " + windows.get(w).question()
                                + ", not " + q);
                    }
                }
            }
        }

        /** The windows of each question, in question order ({@link QaFeature#question()} indexes {@code questions}). */
        public static Spans of(List<SquadQuestion> questions, List<List<QaFeature>> windowsPerQuestion) {
            List<QaFeature> windows = new ArrayList<>();
            int[] first = new int[questions.size()];
            for (int q = 0; q < questions.size(); q++) {
                first[q] = windows.size();
                windows.addAll(windowsPerQuestion.get(q));
            }
            return new Spans(windows, questions, first);
        }

        /** The windows of question {@code q}. */
        public List<QaFeature> windowsOf(int q) {
            return windows.subList(first[q], q + 1 < first.length ? first[q + 1] : windows.size());
        }

        /** The index in {@code windows} of question {@code q}'s first window. */
        public int firstWindow(int q) {
            return first[q];
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

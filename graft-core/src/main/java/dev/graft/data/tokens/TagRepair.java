package dev.graft.data.tokens;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes every sentence a well-formed sequence of one scheme: each sentence is read as seqeval's default mode reads
 * it ({@link Chunks#lenient}) and written again ({@link TagScheme#encode}). So in IOB2 an {@code I-X} after
 * {@code O} becomes {@code B-X} (it starts an entity), and {@code B-X I-Y} becomes {@code B-X B-Y} (a change of type
 * starts a new entity). The entities, and so the default-mode scores, do not change; every changed tag is recorded
 * with its line.
 */
public final class TagRepair {

    /**
     * One changed tag.
     *
     * @param sentence index of the sentence
     * @param token    index of the token in its sentence
     * @param line     the line it was read from
     * @param from     the tag as read
     * @param to       the tag written instead
     */
    public record Change(int sentence, int token, int line, Tag from, Tag to) {

        /** {@code line 12: I-PER -> B-PER}. */
        @Override
        public String toString() {
            return "line " + line + ": " + from + " -> " + to;
        }
    }

    /**
     * The repaired sentences and what changed.
     *
     * @param scheme    the scheme written
     * @param sentences the sentences, in order, with repaired tags
     * @param changes   every changed tag, in order
     * @param sentencesChanged how many sentences had at least one change
     */
    public record Result(TagScheme scheme, List<TaggedSentence> sentences, List<Change> changes, int sentencesChanged) {

        /** Copies the lists. */
        public Result {
            sentences = List.copyOf(sentences);
            changes = List.copyOf(changes);
        }

        /** A one-line summary with the first few changes, for a report or a warning. */
        public String summary() {
            if (changes.isEmpty()) {
                return "all tags are consistent " + scheme;
            }
            List<Change> first = changes.subList(0, Math.min(5, changes.size()));
            return changes.size() + " tag(s) in " + sentencesChanged + " sentence(s) were not consistent " + scheme
                    + " and were repaired as seqeval's default mode reads them, e.g. " + first
                    + (changes.size() > first.size() ? " and " + (changes.size() - first.size()) + " more" : "");
        }
    }

    private TagRepair() {
    }

    /** Rewrites {@code sentences} in {@code scheme}, recording each changed tag. */
    public static Result repair(List<TaggedSentence> sentences, TagScheme scheme) {
        List<TaggedSentence> out = new ArrayList<>(sentences.size());
        List<Change> changes = new ArrayList<>();
        int changedSentences = 0;
        for (int s = 0; s < sentences.size(); s++) {
            TaggedSentence sentence = sentences.get(s);
            List<Tag> fixed = scheme.convert(sentence.tags());
            int before = changes.size();
            for (int i = 0; i < fixed.size(); i++) {
                if (!fixed.get(i).equals(sentence.tags().get(i))) {
                    changes.add(new Change(s, i, sentence.line(i), sentence.tags().get(i), fixed.get(i)));
                }
            }
            if (changes.size() > before) {
                changedSentences++;
                out.add(sentence.withTags(fixed));
            } else {
                out.add(sentence);
            }
        }
        return new Result(scheme, out, changes, changedSentences);
    }
}

package dev.graft.data.tokens;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sentences of one token-tagged file ({@link TaggedCorpusReader}).
 *
 * @param path            the file
 * @param sha256          lower-case hex SHA-256 of its bytes
 * @param format          how it was written
 * @param sentences       the sentences, in file order
 * @param documentStarts  the {@code -DOCSTART-} lines skipped
 * @param emptySentences  JSON Lines objects with no tokens, skipped
 */
public record TaggedCorpus(Path path, String sha256, Format format, List<TaggedSentence> sentences,
                           int documentStarts, int emptySentences) {

    /** The layouts {@link TaggedCorpusReader} reads. */
    public enum Format {
        /** One token per line, the tag in the last column, a blank line between sentences (CoNLL-2003). */
        CONLL,
        /** One JSON object per line with {@code tokens} and {@code tags} arrays. */
        JSONL
    }

    /** Copies the list. */
    public TaggedCorpus {
        sentences = List.copyOf(sentences);
    }

    /** The number of tokens in all sentences. */
    public long tokenCount() {
        long n = 0;
        for (TaggedSentence s : sentences) {
            n += s.size();
        }
        return n;
    }

    /** How many entities of each type the sentences hold (seqeval's default reading), by type name. */
    public Map<String, Integer> entityCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        for (TaggedSentence s : sentences) {
            for (EntitySpan e : s.entities()) {
                counts.merge(e.type(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** The tags of every sentence, in order. */
    public List<List<Tag>> tags() {
        List<List<Tag>> out = new ArrayList<>(sentences.size());
        for (TaggedSentence s : sentences) {
            out.add(s.tags());
        }
        return out;
    }

    /** The scheme the tags are written in ({@link TagScheme#detect}). */
    public TagScheme scheme() {
        return TagScheme.detect(tags());
    }

    /** The same corpus with other sentences (e.g. repaired or converted tags). */
    public TaggedCorpus withSentences(List<TaggedSentence> newSentences) {
        return new TaggedCorpus(path, sha256, format, newSentences, documentStarts, emptySentences);
    }
}

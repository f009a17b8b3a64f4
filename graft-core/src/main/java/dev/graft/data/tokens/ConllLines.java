package dev.graft.data.tokens;

import dev.graft.data.DataException;
import dev.graft.util.Excerpt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * CoNLL columns: one token per line, columns separated by spaces or tabs, the token in the first column and its tag
 * in the last ({@code EU NNP B-NP B-ORG}); a blank line ends a sentence; {@code -DOCSTART-} lines are skipped.
 */
final class ConllLines implements TaggedCorpusReader.LineParser {

    private static final Pattern COLUMNS = Pattern.compile("[ \t]+");
    private static final String DOCSTART = "-DOCSTART-";

    private final Path file;
    private final List<TaggedSentence> sentences = new ArrayList<>();
    private final List<String> tokens = new ArrayList<>();
    private final List<Tag> tags = new ArrayList<>();
    private final List<Integer> lines = new ArrayList<>();
    private int documentStarts;

    ConllLines(Path file) {
        this.file = file;
    }

    @Override
    public void line(String text, int number) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            endSentence();
            return;
        }
        String[] cols = COLUMNS.split(trimmed);
        if (cols[0].equals(DOCSTART)) {
            documentStarts++;
            endSentence();
            return;
        }
        if (cols.length < 2) {
            throw new DataException(file + ": line " + number + " has one column ('" + Excerpt.of(trimmed) + "') but"
                    + " needs a token and its tag: one token per line, the token first and its tag in the last column,"
                    + " separated by spaces or tabs (EU B-ORG), and a blank line between sentences.");
        }
        tokens.add(cols[0]);
        tags.add(TaggedCorpusReader.tag(file, number, cols[cols.length - 1], "in the last column"));
        lines.add(number);
    }

    private void endSentence() {
        if (!tokens.isEmpty()) {
            sentences.add(new TaggedSentence(tokens, tags, lines.stream().mapToInt(Integer::intValue).toArray()));
            tokens.clear();
            tags.clear();
            lines.clear();
        }
    }

    @Override
    public List<TaggedSentence> finish() {
        endSentence();
        return sentences;
    }

    @Override
    public int documentStarts() {
        return documentStarts;
    }
}

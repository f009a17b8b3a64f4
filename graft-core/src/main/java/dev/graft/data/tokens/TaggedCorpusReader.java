package dev.graft.data.tokens;

import dev.graft.data.BoundedLineReader;
import dev.graft.data.DataException;
import dev.graft.data.LineSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a token-tagged file for named-entity recognition: CoNLL columns ({@link ConllLines}) or JSON Lines with
 * {@code tokens} and {@code tags} arrays ({@link TaggedJsonLines}). The format follows the extension
 * ({@code .jsonl}, {@code .ndjson}, {@code .json} are JSON Lines), otherwise the first non-blank line (a <code>{</code>
 * starts JSON Lines). Every line is read through {@link LineSource} (bounded lines, strict UTF-8).
 */
public final class TaggedCorpusReader {

    /** Receives the lines of one file and builds its sentences. */
    interface LineParser {
        /** One line (without its break) and its 1-based number. */
        void line(String text, int number);

        /** The sentences, after the last line. */
        List<TaggedSentence> finish();

        /** The {@code -DOCSTART-} lines skipped. */
        default int documentStarts() {
            return 0;
        }

        /** The empty sentences skipped. */
        default int emptySentences() {
            return 0;
        }
    }

    private TaggedCorpusReader() {
    }

    /** Reads {@code file} with the default line limit ({@link BoundedLineReader#DEFAULT_MAX_LINE_BYTES}). */
    public static TaggedCorpus read(Path file) {
        return read(file, BoundedLineReader.DEFAULT_MAX_LINE_BYTES);
    }

    /**
     * Reads {@code file}.
     *
     * @param maxLineBytes the longest line accepted, in bytes
     * @throws DataException naming the file and line for a line without a tag column, a tag that is not an entity
     *                       tag, tokens and tags of different lengths, a file without sentences, or unreadable input
     */
    public static TaggedCorpus read(Path file, int maxLineBytes) {
        try (LineSource source = LineSource.open(file, maxLineBytes)) {
            LineParser parser = null;
            TaggedCorpus.Format format = null;
            String line;
            while ((line = source.readLine()) != null) {
                if (parser == null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    format = formatOf(file, line);
                    parser = format == TaggedCorpus.Format.JSONL ? new TaggedJsonLines(file) : new ConllLines(file);
                }
                parser.line(line, source.lineNumber());
            }
            List<TaggedSentence> sentences = parser == null ? List.of() : parser.finish();
            if (sentences.isEmpty()) {
                throw new DataException(file + " holds no sentences. A CoNLL file has one token per line with its tag"
                        + " in the last column (EU B-ORG) and a blank line between sentences; a JSON Lines file has"
                        + " one object per line, {\"tokens\": [...], \"tags\": [...]}.");
            }
            return new TaggedCorpus(file, source.sha256(), format, new ArrayList<>(sentences), parser.documentStarts(),
                    parser.emptySentences());
        } catch (IOException e) {
            throw new DataException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static TaggedCorpus.Format formatOf(Path file, String firstLine) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
            return TaggedCorpus.Format.JSONL;
        }
        return firstLine.strip().startsWith("{") ? TaggedCorpus.Format.JSONL : TaggedCorpus.Format.CONLL;
    }

    /** The tag written {@code text} on {@code line} of {@code file}, or a message that says what a tag is. */
    static Tag tag(Path file, int line, String text, String where) {
        Tag t = Tag.tryParse(text);
        if (t == null) {
            throw new DataException(file + ": line " + line + ": '" + dev.graft.util.Excerpt.of(text) + "' " + where
                    + " is not an entity tag. Tags are O, or B-, I-, E- or S- followed by the entity type (B-PER,"
                    + " I-ORG, S-LOC).");
        }
        return t;
    }
}

package dev.graft.data.tokens;

import dev.graft.data.DataException;
import dev.graft.util.JsonProblems;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON Lines of tagged sentences: each non-blank line an object with a {@code tokens} array of strings and a
 * {@code tags} array of tag strings of the same length ({@code words} and {@code ner_tags} are read too). An object
 * with empty arrays is skipped and counted.
 */
final class TaggedJsonLines implements TaggedCorpusReader.LineParser {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final List<String> TOKEN_FIELDS = List.of("tokens", "words");
    private static final List<String> TAG_FIELDS = List.of("tags", "ner_tags");
    private static final String EXAMPLE = "{\"tokens\": [\"EU\", \"rejects\"], \"tags\": [\"B-ORG\", \"O\"]}";

    private final Path file;
    private final List<TaggedSentence> sentences = new ArrayList<>();
    private int empty;

    TaggedJsonLines(Path file) {
        this.file = file;
    }

    @Override
    public void line(String text, int number) {
        if (text.isBlank()) {
            return;
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new DataException(file + ": line " + number + " is not valid JSON ("
                    + JsonProblems.describe(e).replaceFirst(" \\(line 1, ", " (") + "). Each line needs one object such"
                    + " as " + EXAMPLE + ".", e);
        }
        if (node == null || !node.isObject()) {
            throw new DataException(file + ": line " + number + " is not a JSON object. Each line needs one object such"
                    + " as " + EXAMPLE + ".");
        }
        List<String> tokens = strings(node, TOKEN_FIELDS, number);
        List<String> tagTexts = strings(node, TAG_FIELDS, number);
        if (tokens.size() != tagTexts.size()) {
            throw new DataException(file + ": line " + number + " has " + tokens.size() + " tokens but " + tagTexts.size()
                    + " tags. Give exactly one tag per token.");
        }
        if (tokens.isEmpty()) {
            empty++;
            return;
        }
        List<Tag> tags = new ArrayList<>(tagTexts.size());
        for (int i = 0; i < tagTexts.size(); i++) {
            tags.add(TaggedCorpusReader.tag(file, number, tagTexts.get(i), "(tag " + (i + 1) + ")"));
        }
        sentences.add(TaggedSentence.onOneLine(tokens, tags, number));
    }

    private List<String> strings(JsonNode node, List<String> names, int number) {
        JsonNode array = null;
        String field = names.get(0);
        for (String name : names) {
            if (node.has(name)) {
                array = node.get(name);
                field = name;
                break;
            }
        }
        if (array == null) {
            throw new DataException(file + ": line " + number + " has no field " + names.get(0) + " (or " + names.get(1)
                    + "). Each line needs one object such as " + EXAMPLE + ".");
        }
        if (!array.isArray()) {
            throw new DataException(file + ": line " + number + ": field " + field + " must be an array of"
                    + " strings, e.g. " + EXAMPLE + ".");
        }
        List<String> out = new ArrayList<>(array.size());
        for (JsonNode v : array) {
            if (!v.isTextual()) {
                throw new DataException(file + ": line " + number + ": field " + field + " holds " + v.getNodeType()
                        .toString().toLowerCase(java.util.Locale.ROOT) + " value " + dev.graft.util.Excerpt.of(v.toString())
                        + ", but every value must be a string" + (names == TAG_FIELDS
                        ? " tag such as \"B-PER\" (tag numbers need their names: write the names instead)" : "") + ".");
            }
            out.add(v.asText());
        }
        return out;
    }

    @Override
    public List<TaggedSentence> finish() {
        return sentences;
    }

    @Override
    public int emptySentences() {
        return empty;
    }
}

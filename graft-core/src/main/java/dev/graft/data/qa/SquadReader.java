package dev.graft.data.qa;

import dev.graft.data.DataException;
import dev.graft.data.LineSource;
import dev.graft.util.Excerpt;
import dev.graft.util.JsonProblems;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads extractive question answering data: SQuAD v1.1 / v2.0 JSON ({@code data[].paragraphs[].{context,
 * qas[].{id, question, answers[].{text, answer_start}, is_impossible}}}) or JSON Lines, one question per line with
 * {@code question}, {@code context} and {@code answers} (Hugging Face's {@code {"text": [...], "answer_start": [...]}}
 * or a list of {@code {text, answer_start}} objects), optional {@code id}, {@code title} and {@code is_impossible}.
 *
 * <p>What cannot be used is left out and listed ({@link SquadDataset#skipped()}), by question id: a gold answer whose
 * {@code answer_start} does not point at its text (or lies outside the context), and a question that is empty or
 * whose every answer was left out. A question without answers is one without an answer in its context (v2.0), also
 * when {@code is_impossible} is absent. A file that is not of this form, or that repeats a question id, is an error
 * ({@link DataException}) naming the file and the place.
 */
public final class SquadReader {

    /** The longest line of a SQuAD JSON file, which is usually a single line: 1 GiB. */
    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 30;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path file;
    private final List<SquadQuestion> questions = new ArrayList<>();
    private final List<SquadDataset.Skip> skipped = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();

    private SquadReader(Path file) {
        this.file = file;
    }

    /** Reads {@code file} with lines of up to {@link #DEFAULT_MAX_LINE_BYTES}. */
    public static SquadDataset read(Path file) {
        return read(file, DEFAULT_MAX_LINE_BYTES);
    }

    /**
     * Reads {@code file}: JSON Lines when its first non-blank line is a whole JSON object with a {@code question}
     * field, SQuAD JSON otherwise.
     *
     * @throws DataException when the file cannot be read or is not of either form
     */
    public static SquadDataset read(Path file, int maxLineBytes) {
        List<String> lines = new ArrayList<>();
        String sha;
        try (LineSource source = LineSource.open(file, maxLineBytes)) {
            String line;
            while ((line = source.readLine()) != null) {
                lines.add(line);
            }
            sha = source.sha256();
        } catch (IOException e) {
            throw new DataException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        SquadReader reader = new SquadReader(file);
        SquadDataset.Format format = reader.isJsonLines(lines) ? SquadDataset.Format.JSONL : SquadDataset.Format.SQUAD_JSON;
        if (format == SquadDataset.Format.JSONL) {
            reader.readJsonLines(lines);
        } else {
            reader.readSquadJson(String.join("\n", lines));
        }
        if (reader.questions.isEmpty()) {
            throw new DataException(file + " holds no usable question" + (reader.skipped.isEmpty() ? ""
                    : " (" + reader.skipped.size() + " left out, e.g. " + reader.skipped.get(0) + ")")
                    + ". Give SQuAD JSON ({\"data\": [{\"paragraphs\": [{\"context\": ..., \"qas\": [...]}]}]}) or JSON"
                    + " Lines with question, context and answers.");
        }
        return new SquadDataset(file, sha, format, reader.questions, reader.skipped);
    }

    private boolean isJsonLines(List<String> lines) {
        for (String l : lines) {
            if (!l.isBlank()) {
                try {
                    JsonNode n = MAPPER.readTree(l);
                    return n != null && n.isObject() && n.has("question");
                } catch (JsonProcessingException e) {
                    return false;
                }
            }
        }
        return false;
    }

    private void readJsonLines(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String where = "line " + (i + 1);
            JsonNode n;
            try {
                n = MAPPER.readTree(lines.get(i));
            } catch (JsonProcessingException e) {
                throw new DataException(file + ": " + where + " is not valid JSON (" + JsonProblems.describe(e)
                        .replaceFirst(" \\(line 1, ", " (") + "). Each line needs one object with question, context and"
                        + " answers.", e);
            }
            if (n == null || !n.isObject()) {
                throw new DataException(file + ": " + where + " is not a JSON object. Each line needs one object with"
                        + " question, context and answers.");
            }
            String id = n.has("id") ? text(n, "id", where) : "line-" + (i + 1);
            add(id, n.has("title") ? text(n, "title", where) : "", text(n, "context", where), n, where);
        }
    }

    private void readSquadJson(String content) {
        try (JsonParser p = MAPPER.getFactory().createParser(content)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw notSquad("it does not start with a JSON object");
            }
            boolean sawData = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!name.equals("data")) {
                    p.skipChildren();
                    continue;
                }
                if (value != JsonToken.START_ARRAY) {
                    throw notSquad("its field data is not an array");
                }
                sawData = true;
                int article = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    String where = "data[" + article + "] (line " + p.currentTokenLocation().getLineNr() + ", column "
                            + p.currentTokenLocation().getColumnNr() + ")";
                    readArticle(p.readValueAsTree(), where);
                    article++;
                }
            }
            if (!sawData) {
                throw notSquad("it has no field data");
            }
        } catch (JsonProcessingException e) {
            throw new DataException(file + " is not valid JSON (" + JsonProblems.describe(e) + ").", e);
        } catch (IOException e) {
            throw new DataException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private DataException notSquad(String why) {
        return new DataException(file + " is not SQuAD JSON: " + why + ". SQuAD files look like {\"data\": [{\"title\":"
                + " ..., \"paragraphs\": [{\"context\": ..., \"qas\": [{\"id\": ..., \"question\": ..., \"answers\":"
                + " [{\"text\": ..., \"answer_start\": ...}]}]}]}]}; JSON Lines need question, context and answers on"
                + " each line.");
    }

    private void readArticle(JsonNode article, String where) {
        if (article == null || !article.isObject()) {
            throw new DataException(file + ": " + where + " is not an object with title and paragraphs.");
        }
        String title = article.has("title") ? text(article, "title", where) : "";
        JsonNode paragraphs = array(article, "paragraphs", where);
        for (int i = 0; i < paragraphs.size(); i++) {
            JsonNode paragraph = paragraphs.get(i);
            String pw = where + ".paragraphs[" + i + "]";
            if (!paragraph.isObject()) {
                throw new DataException(file + ": " + pw + " is not an object with context and qas.");
            }
            String context = text(paragraph, "context", pw);
            JsonNode qas = array(paragraph, "qas", pw);
            for (int q = 0; q < qas.size(); q++) {
                String qw = pw + ".qas[" + q + "]";
                JsonNode qa = qas.get(q);
                if (!qa.isObject()) {
                    throw new DataException(file + ": " + qw + " is not an object with id, question and answers.");
                }
                add(text(qa, "id", qw), title, context, qa, qw);
            }
        }
    }

    /** Checks one question and keeps it, or records why not. */
    private void add(String id, String title, String context, JsonNode qa, String where) {
        if (!ids.add(id)) {
            throw new DataException(file + ": " + where + ": the question id '" + Excerpt.of(id) + "' was used before."
                    + " Every question needs its own id.");
        }
        String question = text(qa, "question", where);
        if (question.isBlank()) {
            skipped.add(new SquadDataset.Skip(id, SquadDataset.What.QUESTION, "the question is empty"));
            return;
        }
        List<SquadAnswer> answers = new ArrayList<>();
        int given = 0;
        for (JsonNode[] a : answerPairs(qa, where)) {
            given++;
            String text = a[0].asText();
            int start = a[1].asInt();
            if (start >= 0 && start + text.length() <= context.length() && context.startsWith(text, start)
                    && !text.isEmpty()) {
                answers.add(new SquadAnswer(text, start));
            } else {
                skipped.add(new SquadDataset.Skip(id, SquadDataset.What.ANSWER, "answer '" + Excerpt.of(text)
                        + "' does not stand at answer_start " + start + (start >= 0 && start < context.length()
                        ? " (the context there reads '" + Excerpt.of(context.substring(start,
                        Math.min(context.length(), start + Math.max(1, text.length())))) + "')"
                        : " (the context has " + context.length() + " characters)")));
            }
        }
        boolean impossible = qa.path("is_impossible").asBoolean(false);
        if (impossible) {
            answers.clear(); // v2.0 unanswerable: answers is empty, plausible_answers are not gold
        } else if (given > 0 && answers.isEmpty()) {
            skipped.add(new SquadDataset.Skip(id, SquadDataset.What.QUESTION, "none of its " + given
                    + " answer(s) matches the context"));
            return;
        }
        questions.add(new SquadQuestion(id, title, context, question, answers, impossible || given == 0));
    }

    /** The {text, answer_start} pairs of {@code answers}, in either layout. */
    private List<JsonNode[]> answerPairs(JsonNode qa, String where) {
        JsonNode answers = qa.get("answers");
        List<JsonNode[]> out = new ArrayList<>();
        if (answers == null || answers.isNull()) {
            return out;
        }
        if (answers.isObject()) {
            JsonNode texts = answers.path("text");
            JsonNode starts = answers.path("answer_start");
            if (!texts.isArray() || !starts.isArray() || texts.size() != starts.size()) {
                throw new DataException(file + ": " + where + ": answers must hold arrays text and answer_start of one"
                        + " length, e.g. {\"text\": [\"Denver Broncos\"], \"answer_start\": [177]}.");
            }
            for (int i = 0; i < texts.size(); i++) {
                out.add(checked(texts.get(i), starts.get(i), where + ".answers"));
            }
            return out;
        }
        if (!answers.isArray()) {
            throw new DataException(file + ": " + where + ": answers must be a list of {\"text\": ..., \"answer_start\":"
                    + " ...} objects or an object of two arrays text and answer_start.");
        }
        for (int i = 0; i < answers.size(); i++) {
            JsonNode a = answers.get(i);
            out.add(checked(a.get("text"), a.get("answer_start"), where + ".answers[" + i + "]"));
        }
        return out;
    }

    private JsonNode[] checked(JsonNode text, JsonNode start, String where) {
        if (text == null || !text.isTextual() || start == null || !start.canConvertToInt() || !start.isIntegralNumber()) {
            throw new DataException(file + ": " + where + " needs a text string and an integer answer_start.");
        }
        return new JsonNode[] {text, start};
    }

    private String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new DataException(file + ": " + where + (v == null ? " has no field " + field : ": field " + field
                    + " is not a string") + ". Each question needs a string id, question and context.");
        }
        return v.asText();
    }

    private JsonNode array(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray()) {
            throw new DataException(file + ": " + where + (v == null ? " has no field " : ": field ") + field
                    + (v == null ? "" : " is not an array") + ". SQuAD articles hold paragraphs[], paragraphs hold qas[].");
        }
        return v;
    }
}

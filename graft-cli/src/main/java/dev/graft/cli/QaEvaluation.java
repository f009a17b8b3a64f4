package dev.graft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.artifact.Json;
import dev.graft.artifact.QuestionAnswerer;
import dev.graft.data.BoundedLineReader;
import dev.graft.data.DataException;
import dev.graft.data.qa.SquadQuestion;
import dev.graft.task.SpanTask;
import dev.graft.util.Excerpt;
import dev.graft.util.Progress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code graft predict} for a question-answering model: {@code {question, context}} JSON lines in, answers out. */
final class QaEvaluation {

    private static final int CHUNK = 64;
    private static final ObjectWriter LINE = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    private QaEvaluation() {
    }

    /**
     * Answers every non-blank input line, a JSON object with {@code question} and {@code context} (and optionally
     * {@code id}), printing {@code {answer, score, start, end}} as JSON lines; {@code start} and {@code end} slice the
     * context (null for no answer).
     */
    static int predict(Path model, BoundedLineReader in, String inputName, PrintWriter out) throws Exception {
        try (QuestionAnswerer answerer = QuestionAnswerer.load(model)) {
            List<SquadQuestion> questions = new ArrayList<>(CHUNK);
            List<String> ids = new ArrayList<>(CHUNK);
            int seen = 0;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String where = inputName + ": line " + in.lineNumber();
                JsonNode n;
                try {
                    n = Json.MAPPER.readTree(line);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new DataException(where + " is not valid JSON (" + Excerpt.of(line) + "). Give one object per line:"
                            + " {\"question\": ..., \"context\": ...}.", e);
                }
                String question = text(n, "question", where);
                String context = text(n, "context", where);
                if (question.isBlank() || context.isBlank()) {
                    throw new DataException(where + ": the " + (question.isBlank() ? "question" : "context") + " is empty."
                            + " Give a question and the context to find its answer in.");
                }
                ids.add(n.has("id") ? n.get("id").asText() : null);
                questions.add(new SquadQuestion("line-" + in.lineNumber(), "", context, question, List.of(), false));
                seen++;
                if (questions.size() == CHUNK) {
                    emit(answerer, questions, ids, out);
                }
            }
            emit(answerer, questions, ids, out);
            out.flush();
            if (seen == 0) {
                System.err.println("warning: " + inputName + " has no non-blank lines; nothing to predict.");
            }
        }
        return 0;
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n == null || !n.isObject() ? null : n.get(field);
        if (v == null || !v.isTextual()) {
            throw new DataException(where + (v == null ? " has no string field " : ": field " + field + " is not a string")
                    + (v == null ? field : "") + ". Give one object per line: {\"question\": ..., \"context\": ...}.");
        }
        return v.asText();
    }

    private static void emit(QuestionAnswerer answerer, List<SquadQuestion> questions, List<String> ids, PrintWriter out)
            throws Exception {
        if (questions.isEmpty()) {
            return;
        }
        List<SpanTask.Answer> answers = answerer.answers(questions, Progress.NONE);
        for (int i = 0; i < questions.size(); i++) {
            SpanTask.Answer a = answers.get(i);
            ObjectNode o = Json.MAPPER.createObjectNode();
            if (ids.get(i) != null) {
                o.put("id", ids.get(i));
            }
            o.put("answer", a.text());
            if (Double.isNaN(a.score())) {
                o.putNull("score"); // no valid span and a model that never answers "no answer"
            } else {
                o.put("score", a.score());
            }
            if (a.none()) {
                o.putNull("start");
                o.putNull("end");
            } else {
                o.put("start", a.start());
                o.put("end", a.end());
            }
            out.println(LINE.writeValueAsString(o));
        }
        questions.clear();
        ids.clear();
    }
}

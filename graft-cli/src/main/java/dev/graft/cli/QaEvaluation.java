package dev.graft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.artifact.Json;
import dev.graft.artifact.QuestionAnswerer;
import dev.graft.data.BoundedLineReader;
import dev.graft.data.DataException;
import dev.graft.data.qa.SquadDataset;
import dev.graft.data.qa.SquadQuestion;
import dev.graft.metrics.SquadMetrics;
import dev.graft.selection.OverlapSentenceBaseline;
import dev.graft.task.SpanTask;
import dev.graft.util.Excerpt;
import dev.graft.util.Progress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code graft evaluate} and {@code graft predict} for a question-answering model. */
final class QaEvaluation {

    private static final int CHUNK = 64;
    private static final ObjectWriter LINE = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    private QaEvaluation() {
    }

    /** Scores the model on questions with gold answers: exact match and F1 (HasAns / NoAns for v2.0 data), and the baseline. */
    static int evaluate(Path model, Path data, String format, boolean json, boolean quiet, PrintWriter out) throws Exception {
        SquadDataset d = QaTraining.read(data, QaTraining.format(format), System.err);
        try (QuestionAnswerer answerer = QuestionAnswerer.load(model)) {
            SquadMetrics.Scores s = answerer.score(d.questions(), new BarProgress(System.err, quiet || json));
            SquadMetrics.Scores baseline = OverlapSentenceBaseline.trimmed().score(d.questions());
            if (json) {
                out.println(LINE.writeValueAsString(s.toMap()));
            } else {
                out.println("Evaluation of " + model + " (question answering) on " + data + " (" + d.questions().size()
                        + " questions" + (d.skipped().isEmpty() ? "" : ", " + d.skipped().size() + " answer(s) or question(s) left out")
                        + "):");
                print(out, s);
                out.println("Baseline " + OverlapSentenceBaseline.trimmed().name() + ":");
                print(out, baseline);
            }
            out.flush();
        }
        return 0;
    }

    private static void print(PrintWriter out, SquadMetrics.Scores s) {
        out.printf(Locale.ROOT, "  exact %.2f   f1 %.2f   (%d questions)%n", s.exact(), s.f1(), s.total());
        if (s.noAnsTotal() > 0) {
            out.printf(Locale.ROOT, "  HasAns exact %.2f   f1 %.2f   (%d)%n", s.hasAnsExact(), s.hasAnsF1(), s.hasAnsTotal());
            out.printf(Locale.ROOT, "  NoAns  exact %.2f   (%d)%n", s.noAnsExact(), s.noAnsTotal());
        }
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

package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.artifact.Json;
import dev.graft.artifact.TokenClassifier;
import dev.graft.data.BoundedLineReader;
import dev.graft.data.tokens.TaggedCorpus;
import dev.graft.metrics.EntityMetrics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code graft evaluate} and {@code graft predict} for a token-classification (NER) model. */
final class TokenEvaluation {

    private static final int CHUNK = 256;

    private TokenEvaluation() {
    }

    /** Scores the model on tagged sentences: entity precision, recall and F1 overall and per type, token accuracy. */
    static int evaluate(Path model, Path data, String format, boolean json, boolean quiet, PrintWriter out) throws Exception {
        TaggedCorpus corpus = TokenTraining.read(data, TokenTraining.format(format));
        try (TokenClassifier classifier = TokenClassifier.load(model)) {
            EntityMetrics.Scores s = classifier.score(corpus.sentences(), new BarProgress(System.err, quiet || json));
            if (json) {
                out.println(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(s.toMap()));
            } else {
                out.println("Evaluation of " + model + " (token classification) on " + data + " (" + corpus.sentences().size()
                        + " sentences, " + s.tokens() + " tokens):");
                out.printf(Locale.ROOT, "  %-10s %9s %9s %9s %8s%n", "type", "precision", "recall", "f1", "support");
                for (EntityMetrics.TypeScores t : s.perType()) {
                    out.printf(Locale.ROOT, "  %-10s %9.4f %9.4f %9.4f %8d%n", t.type(), t.precision(), t.recall(), t.f1(), t.gold());
                }
                out.printf(Locale.ROOT, "  %-10s %9.4f %9.4f %9.4f %8d%n", "overall", s.precision(), s.recall(), s.f1(),
                        s.micro().gold());
                out.printf(Locale.ROOT, "  token accuracy %.4f%n", s.tokenAccuracy());
            }
            out.flush();
        }
        return 0;
    }

    /** Prints the entities of every non-blank input line as JSON lines with character offsets into that line. */
    static int predict(Path model, BoundedLineReader in, String inputName, PrintWriter out) throws Exception {
        try (TokenClassifier classifier = TokenClassifier.load(model)) {
            List<String> texts = new ArrayList<>(CHUNK);
            List<Integer> lines = new ArrayList<>(CHUNK);
            int seen = 0;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                texts.add(line);
                lines.add(in.lineNumber());
                seen++;
                if (texts.size() == CHUNK) {
                    emit(classifier, texts, lines, out);
                }
            }
            emit(classifier, texts, lines, out);
            out.flush();
            if (seen == 0) {
                System.err.println("warning: " + inputName + " has no non-blank lines; nothing to predict.");
            }
        }
        return 0;
    }

    private static void emit(TokenClassifier classifier, List<String> texts, List<Integer> lines, PrintWriter out) throws Exception {
        if (texts.isEmpty()) {
            return;
        }
        List<List<TokenClassifier.Entity>> found = classifier.entities(texts, dev.graft.util.Progress.NONE);
        for (int i = 0; i < texts.size(); i++) {
            for (TokenClassifier.Entity e : found.get(i)) {
                ObjectNode o = Json.MAPPER.createObjectNode();
                o.put("line", lines.get(i));
                o.put("text", e.text());
                o.put("type", e.type());
                o.put("start", e.start());
                o.put("end", e.end());
                o.put("score", e.score());
                out.println(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(o));
            }
        }
        texts.clear();
        lines.clear();
    }
}

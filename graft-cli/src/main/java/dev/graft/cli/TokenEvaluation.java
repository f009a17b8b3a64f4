package dev.graft.cli;

import dev.graft.artifact.Json;
import dev.graft.artifact.TokenClassifier;
import dev.graft.data.tokens.TaggedCorpus;
import dev.graft.metrics.EntityMetrics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/** {@code graft evaluate} and {@code graft predict} for a token-classification (NER) model. */
final class TokenEvaluation {


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

}

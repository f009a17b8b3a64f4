package dev.graft.cli;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.artifact.Json;
import dev.graft.artifact.ModelInput;
import dev.graft.artifact.ModelOutput;
import dev.graft.artifact.TokenClassifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How {@code graft predict} prints one prediction of line input, for every kind of model: {@code label<TAB>probability<TAB>input}
 * (classification), {@code label:probability,...<TAB>input} (multi-label), {@code value<TAB>input} (regression), or
 * with {@code --json} one JSON line with the input's fields; a token classifier prints one JSON line per entity.
 */
final class PredictionLines {

    private static final ObjectWriter COMPACT = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    private PredictionLines() {
    }

    /** Prints {@code output}, the prediction of {@code input} read from line {@code line}. */
    static void print(ModelInput input, int line, ModelOutput output, boolean json, PrintWriter out) throws IOException {
        if (output instanceof ModelOutput.Entities e) {
            for (TokenClassifier.Entity entity : e.entities()) {
                out.println(COMPACT.writeValueAsString(Json.MAPPER.createObjectNode().put("line", line).put("text", entity.text())
                        .put("type", entity.type()).put("start", entity.start()).put("end", entity.end()).put("score", entity.score())));
            }
            return;
        }
        if (output instanceof ModelOutput.Answer || output instanceof ModelOutput.Mask) {
            ObjectNode o = Json.MAPPER.createObjectNode().put("line", line);
            if (input instanceof ModelInput.Question q) {
                o.put("question", q.question());
            } else {
                o.put("image", shown(input));
            }
            o.setAll(output.toJson(0));
            out.println(COMPACT.writeValueAsString(o));
            return;
        }
        if (json) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            if (input instanceof ModelInput.ImageFile || input instanceof ModelInput.ImageBytes) {
                o.put("image", shown(input));
            } else if (input instanceof ModelInput.TextPair p) {
                o.put("text", p.text()).put("text_pair", p.textPair());
            } else {
                o.put("text", shown(input));
            }
            if (output instanceof ModelOutput.Classification c) {
                o.put("label", c.label()).put("probability", c.score());
                c.probabilities().forEach(o.putObject("probabilities")::put);
            } else if (output instanceof ModelOutput.MultiLabel m) {
                m.labels().forEach(o.putArray("labels")::add);
                m.probabilities().forEach(o.putObject("probabilities")::put);
            } else {
                o.put("value", ((ModelOutput.Value) output).value());
            }
            out.println(COMPACT.writeValueAsString(o));
            return;
        }
        String predicted;
        if (output instanceof ModelOutput.Classification c) {
            predicted = String.format(Locale.ROOT, "%s\t%.4f", c.label(), c.score());
        } else if (output instanceof ModelOutput.MultiLabel m) {
            predicted = labels(m.labels(), m.probabilities());
        } else {
            predicted = String.format(Locale.ROOT, "%.4f", ((ModelOutput.Value) output).value());
        }
        out.println(predicted + "\t" + shown(input));
    }

    /** The input as a plain line shows it: the text, both texts tab-separated, or the image's path. */
    private static String shown(ModelInput input) {
        if (input instanceof ModelInput.Text t) {
            return t.text();
        }
        if (input instanceof ModelInput.TextPair p) {
            return p.text() + "\t" + p.textPair();
        }
        if (input instanceof ModelInput.ImageFile f) {
            return f.file().toString();
        }
        if (input instanceof ModelInput.Question q) {
            return q.question() + "\t" + q.context();
        }
        return ((ModelInput.ImageBytes) input).name();
    }

    /** Each label at or above its threshold as {@code label:probability}, comma-separated, most probable first; {@code -} for none. */
    private static String labels(java.util.List<String> labels, Map<String, Double> probabilities) {
        String s = labels.stream().map(l -> String.format(Locale.ROOT, "%s:%.3f", l, probabilities.get(l)))
                .collect(Collectors.joining(","));
        return s.isEmpty() ? "-" : s;
    }
}

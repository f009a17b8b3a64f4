package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.artifact.Json;
import dev.graft.artifact.Prediction;
import dev.graft.artifact.TextClassifier;
import dev.graft.data.DataException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graft predict}: label new texts with a saved model. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Label texts with a trained model: one text per input line; prints one line per text:",
                "label<TAB>probability<TAB>text (or JSON Lines with --json)."})
final class PredictCommand implements Callable<Integer> {

    private static final int CHUNK = 256;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory written by `graft train`.")
    java.nio.file.Path model;

    @Option(names = "--input", required = true, paramLabel = "PATH|-", description = "UTF-8 text file with one text per line, or - for standard input.")
    String input;

    @Option(names = "--json", description = "Print JSON Lines: {\"text\", \"label\", \"probability\", \"probabilities\"}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (TextClassifier classifier = TextClassifier.load(model); BufferedReader in = open()) {
            PrintWriter out = spec.commandLine().getOut();
            List<String> chunk = new ArrayList<>(CHUNK);
            String line;
            int lineNo = 0;
            while (true) {
                try {
                    line = in.readLine();
                } catch (java.nio.charset.CharacterCodingException e) {
                    throw new DataException(inputName() + " line " + (lineNo + 1) + " is not valid UTF-8. Re-save the file as UTF-8.");
                }
                if (line == null) {
                    break;
                }
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                chunk.add(line);
                if (chunk.size() == CHUNK) {
                    emit(classifier, chunk, out);
                }
            }
            emit(classifier, chunk, out);
            out.flush();
        }
        return 0;
    }

    private void emit(TextClassifier classifier, List<String> texts, PrintWriter out) throws IOException {
        if (texts.isEmpty()) {
            return;
        }
        List<Prediction> predictions = classifier.predict(texts);
        for (int i = 0; i < texts.size(); i++) {
            Prediction p = predictions.get(i);
            if (json) {
                ObjectNode o = Json.MAPPER.createObjectNode();
                o.put("text", texts.get(i));
                o.put("label", p.label());
                o.put("probability", p.probability());
                ObjectNode all = o.putObject("probabilities");
                List<String> labels = classifier.labels().labels();
                for (int k = 0; k < labels.size(); k++) {
                    all.put(labels.get(k), p.probabilities()[k]);
                }
                out.println(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
            } else {
                out.printf(Locale.ROOT, "%s\t%.4f\t%s%n", p.label(), p.probability(), texts.get(i));
            }
        }
        texts.clear();
    }

    private BufferedReader open() throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        if ("-".equals(input)) {
            return new BufferedReader(new InputStreamReader(System.in, decoder));
        }
        try {
            return new BufferedReader(new InputStreamReader(Files.newInputStream(java.nio.file.Path.of(input)), decoder));
        } catch (NoSuchFileException e) {
            throw new DataException("Input file " + input + " does not exist. Pass a text file with one text per line, or - for standard input.");
        }
    }

    private String inputName() {
        return "-".equals(input) ? "standard input" : input;
    }
}

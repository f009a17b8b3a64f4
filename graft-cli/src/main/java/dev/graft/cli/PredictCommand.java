package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.artifact.Json;
import dev.graft.artifact.Prediction;
import dev.graft.artifact.TextClassifier;
import dev.graft.data.DataException;
import dev.graft.data.BoundedLineReader;
import dev.graft.data.StandardInput;
import java.io.IOException;
import java.io.PrintWriter;
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
        description = {"Label new texts with a trained model, one text per input line.",
                "",
                "Prints one line per non-blank input line, in input order: label<TAB>probability<TAB>text"
                        + " (or JSON Lines with --json). Blank lines are skipped. A line ends at LF, CRLF or a lone CR.",
                ""})
final class PredictCommand implements Callable<Integer> {

    private static final int CHUNK = 256;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory written by `graft train`.")
    java.nio.file.Path model;

    @Option(names = "--input", required = true, paramLabel = "PATH|-", description = "UTF-8 text file with one text per line (image models: one image path per line), or - for standard input.")
    String input;

    @Option(names = "--json", description = "Print JSON Lines: {\"text\", \"label\", \"probability\", \"probabilities\"}.")
    boolean json;

    @Option(names = "--max-line-bytes", paramLabel = "N",
            description = "Longest input line accepted, in bytes (default: " + BoundedLineReader.DEFAULT_MAX_LINE_BYTES + " = 8 MiB)."
                    + " Longer input is refused, naming the line.")
    int maxLineBytes = BoundedLineReader.DEFAULT_MAX_LINE_BYTES;

    @Override
    public Integer call() throws Exception {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("--max-line-bytes must be at least 1, got " + maxLineBytes + ".");
        }
        if (dev.graft.artifact.ImageClassifier.isImageModel(model)) {
            try (BoundedLineReader in = open()) {
                return ImageEvaluation.predict(model, in, inputName(), json, spec.commandLine().getOut());
            }
        }
        // The input is opened first so that a wrong path fails before the model is loaded.
        try (BoundedLineReader in = open(); TextClassifier classifier = TextClassifier.load(model)) {
            PrintWriter out = spec.commandLine().getOut();
            List<String> chunk = new ArrayList<>(CHUNK);
            int texts = 0;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                chunk.add(line);
                texts++;
                if (chunk.size() == CHUNK) {
                    emit(classifier, chunk, out);
                }
            }
            emit(classifier, chunk, out);
            out.flush();
            if (texts == 0) {
                System.err.println("warning: " + inputName() + " has no non-blank lines; nothing to predict.");
            }
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

    /** The input as bounded lines: a file, or standard input for {@code -} (refused when it is closed). */
    private BoundedLineReader open() throws IOException {
        if ("-".equals(input)) {
            return new BoundedLineReader(StandardInput.open(), inputName(), maxLineBytes);
        }
        java.nio.file.Path file = java.nio.file.Path.of(input);
        if (Files.isDirectory(file)) {
            throw new DataException("Input " + input + " is a directory. Pass a text file with one text per line, or - for standard input.");
        }
        if (StandardInput.isAlias(file)) {
            StandardInput.requireOpen();
        }
        try {
            return new BoundedLineReader(Files.newInputStream(file), input, maxLineBytes);
        } catch (NoSuchFileException e) {
            throw new DataException("Input file " + input + " does not exist (absolute: " + file.toAbsolutePath()
                    + "). Pass a text file with one text per line, or - for standard input.");
        }
    }

    private String inputName() {
        return "-".equals(input) ? "standard input" : input;
    }
}

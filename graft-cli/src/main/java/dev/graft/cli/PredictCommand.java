package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.artifact.Json;
import dev.graft.artifact.Prediction;
import dev.graft.data.TaskKind;
import dev.graft.task.TaskPrediction;
import dev.graft.artifact.TextClassifier;
import dev.graft.data.DataException;
import dev.graft.data.BoundedLineReader;
import dev.graft.data.StandardInput;
import dev.graft.util.Excerpt;
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
                "A model trained on text pairs (--text-pair-column) reads one pair per line, sentence1<TAB>sentence2, and"
                        + " prints label<TAB>probability<TAB>sentence1<TAB>sentence2.",
                "A token-classification (NER) model prints one JSON line per entity found: {\"line\", \"text\", \"type\","
                        + " \"start\", \"end\", \"score\"}, start and end being character offsets into the input line.",
                ""})
final class PredictCommand implements Callable<Integer> {

    private static final int CHUNK = 256;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory written by `graft train`.")
    java.nio.file.Path model;

    @Option(names = "--input", required = true, paramLabel = "PATH|-", description = "UTF-8 text file with one text per line (image models: one image path per line), or - for standard input.")
    String input;

    @Option(names = "--json", description = "Print JSON Lines: {\"text\", \"label\", \"probability\", \"probabilities\"}"
            + " (and \"text_pair\" for a text-pair model).")
    boolean json;

    @Option(names = "--max-line-bytes", paramLabel = "N",
            description = "Longest input line accepted, in bytes (default: " + BoundedLineReader.DEFAULT_MAX_LINE_BYTES + " = 8 MiB)."
                    + " Longer input is refused, naming the line.")
    int maxLineBytes = BoundedLineReader.DEFAULT_MAX_LINE_BYTES;

    @Option(names = "--out", paramLabel = "DIR", description = "Segmentation models: folder for the predicted mask PNGs and summary.json.")
    java.nio.file.Path out;

    @Option(names = "--overlays", description = "Segmentation models: also write each image with its predicted classes tinted.")
    boolean overlays;

    @Override
    public Integer call() throws Exception {
        if (dev.graft.artifact.ImageSegmenter.isSegmentationModel(model)) {
            return SegmentationCli.predict(model, java.nio.file.Path.of(input), out, overlays, spec.commandLine().getOut());
        }
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("--max-line-bytes must be at least 1, got " + maxLineBytes + ".");
        }
        if (dev.graft.artifact.ImageClassifier.isImageModel(model)) {
            try (BoundedLineReader in = open()) {
                return ImageEvaluation.predict(model, in, inputName(), json, spec.commandLine().getOut());
            }
        }
        if (dev.graft.artifact.TokenClassifier.isTokenModel(model)) {
            try (BoundedLineReader in = open()) {
                return TokenEvaluation.predict(model, in, inputName(), spec.commandLine().getOut());
            }
        }
        // The input is opened first so that a wrong path fails before the model is loaded.
        try (BoundedLineReader in = open(); TextClassifier classifier = TextClassifier.load(model)) {
            PrintWriter out = spec.commandLine().getOut();
            boolean pairs = classifier.pairEncoding() != null;
            List<String> chunk = new ArrayList<>(CHUNK);
            List<String> second = new ArrayList<>(CHUNK);
            int texts = 0;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                if (pairs) {
                    String[] pair = splitPair(line, in.lineNumber());
                    chunk.add(pair[0]);
                    second.add(pair[1]);
                } else {
                    chunk.add(line);
                }
                texts++;
                if (chunk.size() == CHUNK) {
                    emit(classifier, chunk, pairs ? second : null, out);
                }
            }
            emit(classifier, chunk, pairs ? second : null, out);
            out.flush();
            if (texts == 0) {
                System.err.println("warning: " + inputName() + " has no non-blank lines; nothing to predict.");
            }
        }
        return 0;
    }

    /**
     * The two texts of a line for a text-pair model: {@code sentence1<TAB>sentence2}, both non-blank; anything else is
     * refused naming the line.
     */
    private String[] splitPair(String line, int number) {
        String[] parts = line.split("\t", -1);
        String where = inputName() + ": line " + number;
        if (parts.length == 1) {
            throw new DataException(where + " holds one text (" + Excerpt.of(line) + "), but " + model + " classifies text"
                    + " pairs: give both texts of each pair on one line, separated by a tab: sentence1<TAB>sentence2.");
        }
        if (parts.length > 2) {
            throw new DataException(where + " holds " + parts.length + " tab-separated fields, but a text pair is two:"
                    + " sentence1<TAB>sentence2. Remove the tabs inside the sentences.");
        }
        if (parts[0].isBlank() || parts[1].isBlank()) {
            throw new DataException(where + ": the " + (parts[0].isBlank() ? "first" : "second") + " text of the pair is"
                    + " empty; give sentence1<TAB>sentence2.");
        }
        return parts;
    }

    /** Predicts and prints one chunk, then empties it; {@code second} holds the second texts of pairs, or is {@code null}. */
    private void emit(TextClassifier classifier, List<String> texts, List<String> second, PrintWriter out) throws IOException {
        if (texts.isEmpty()) {
            return;
        }
        if (classifier.task().kind() != TaskKind.CLASSIFICATION) {
            emitTask(classifier, texts, second, out);
            return;
        }
        List<Prediction> predictions = second == null ? classifier.predict(texts) : classifier.predict(texts, second);
        for (int i = 0; i < texts.size(); i++) {
            Prediction p = predictions.get(i);
            if (json) {
                ObjectNode o = Json.MAPPER.createObjectNode();
                o.put("text", texts.get(i));
                if (second != null) {
                    o.put("text_pair", second.get(i));
                }
                o.put("label", p.label());
                o.put("probability", p.probability());
                ObjectNode all = o.putObject("probabilities");
                List<String> labels = classifier.labels().labels();
                for (int k = 0; k < labels.size(); k++) {
                    all.put(labels.get(k), p.probabilities()[k]);
                }
                out.println(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
            } else {
                out.printf(Locale.ROOT, "%s\t%.4f\t%s%s%n", p.label(), p.probability(), texts.get(i),
                        second == null ? "" : "\t" + second.get(i));
            }
        }
        texts.clear();
        if (second != null) {
            second.clear();
        }
    }

    /**
     * Prints the predictions of a multi-label model (every label at or above its threshold, with its probability) or a
     * regression model (the value), then empties the chunk.
     */
    private void emitTask(TextClassifier classifier, List<String> texts, List<String> second, PrintWriter out) throws IOException {
        float[][] outputs = second == null ? classifier.probabilities(texts) : classifier.probabilities(texts, second);
        List<TaskPrediction> predictions = classifier.decode(outputs);
        TaskKind kind = classifier.task().kind();
        for (int i = 0; i < texts.size(); i++) {
            TaskPrediction p = predictions.get(i);
            if (json) {
                ObjectNode o = Json.MAPPER.createObjectNode();
                o.put("text", texts.get(i));
                if (second != null) {
                    o.put("text_pair", second.get(i));
                }
                TaskPredictionOutput.addTo(o, p, kind);
                out.println(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
            } else {
                out.printf(Locale.ROOT, "%s\t%s%s%n", TaskPredictionOutput.column(p, kind), texts.get(i),
                        second == null ? "" : "\t" + second.get(i));
            }
        }
        texts.clear();
        if (second != null) {
            second.clear();
        }
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

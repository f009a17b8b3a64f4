package dev.graft.cli;

import dev.graft.artifact.GraftModel;
import dev.graft.run.EvaluationRun;
import dev.graft.artifact.InputKind;
import dev.graft.artifact.ModelInput;
import dev.graft.artifact.ModelOutput;
import dev.graft.serve.FilePrediction;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graft predict}: label new texts with a saved model. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Label new texts or images with a trained model: a CSV, TSV or JSON Lines file row by row into --output,"
                        + " or one text per input line.",
                "",
                "With a .csv, .tsv (with a header row) or .jsonl --input, every row is predicted and written to --output"
                        + " (.csv, .tsv or .jsonl) with all its columns and the model's outputs added: label, score and"
                        + " probability_<class> (classification); labels and probability_<label> (multi-label); value"
                        + " (regression); entities as JSON (token classification). An output column named like an input"
                        + " column is prefixed predicted_. The output is written atomically and never replaces an existing file.",
                "",
                "Otherwise (a text file or -):",
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

    @Option(names = "--input", required = true, paramLabel = "PATH|-", description = "A .csv, .tsv or .jsonl file to predict row by"
            + " row (with --output), or a UTF-8 text file with one text per line (image models: one image path per line), or - for"
            + " standard input.")
    String input;

    @Option(names = "--output", paramLabel = "FILE", description = "Where to write the rows with their predictions: .csv, .tsv or"
            + " .jsonl. Must not exist. Segmentation models: the folder for the predicted mask PNGs and summary.json (or, for a"
            + " .csv/.tsv/.jsonl input, such a file with each mask's pixel counts and PNG).")
    java.nio.file.Path output;

    @Option(names = "--text-column", paramLabel = "NAME", description = "Column holding the text (default: a column named text,"
            + " sentence, review, ... else the first).")
    String textColumn;

    @Option(names = "--text-pair-column", paramLabel = "NAME", description = "Column holding the second text of a pair (default:"
            + " text_pair or sentence2, else the second column).")
    String textPairColumn;

    @Option(names = "--image-column", paramLabel = "NAME", description = "Column holding image paths, relative to the input"
            + " file's folder (default: path, image, file, ... else the first).")
    String imageColumn;

    @Option(names = "--top-k", paramLabel = "K", description = "Also write the K most probable classes with their scores as"
            + " top_k (classifiers; with --output).")
    int topK;

    @Option(names = "--threshold", paramLabel = "P", description = "Decision threshold replacing the model's: the labels at or"
            + " above it (multi-label), or the second class when its probability reaches it (two classes); with --output.")
    Double threshold;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Mixin
    InferencePrecisionMixin inference;

    @Option(names = "--json", description = "Print JSON Lines: {\"text\", \"label\", \"probability\", \"probabilities\"}"
            + " (and \"text_pair\" for a text-pair model).")
    boolean json;

    @Option(names = "--max-line-bytes", paramLabel = "N",
            description = "Longest input line accepted, in bytes (default: " + BoundedLineReader.DEFAULT_MAX_LINE_BYTES + " = 8 MiB)."
                    + " Longer input is refused, naming the line.")
    int maxLineBytes = BoundedLineReader.DEFAULT_MAX_LINE_BYTES;

    @Option(names = "--overlays", description = "Segmentation models: also write each image with its predicted classes tinted.")
    boolean overlays;

    @Override
    public Integer call() throws Exception {
        // a segmentation model writes a folder of masks, unless a table of images is predicted into a table
        if (dev.graft.artifact.ImageSegmenter.isSegmentationModel(model)
                && !(isTable(input) && output != null && isTable(output.toString()))) {
            EvaluationRun.refuseBf16(inference.precision, model);
            return SegmentationCli.predict(model, java.nio.file.Path.of(input), output, overlays, spec.commandLine().getOut());
        }
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("--max-line-bytes must be at least 1, got " + maxLineBytes + ".");
        }
        // a QA model reads {question, context} JSON lines from stdin or a .jsonl file and prints answers
        if (output != null || (isTable(input) && !dev.graft.artifact.QuestionAnswerer.isQaModel(model))) {
            return predictFile();
        }
        if (topK != 0 || threshold != null || textColumn != null || textPairColumn != null || imageColumn != null) {
            throw new IllegalArgumentException("--top-k, --threshold and the column options apply to a .csv, .tsv or .jsonl"
                    + " --input predicted into --output.");
        }
        if (dev.graft.artifact.QuestionAnswerer.isQaModel(model)) {
            EvaluationRun.refuseBf16(inference.precision, model);
            try (BoundedLineReader in = open()) {
                return QaEvaluation.predict(model, in, inputName(), spec.commandLine().getOut()); // {question, context} lines
            }
        }
        // The input is opened first so that a wrong path fails before the model is loaded.
        try (BoundedLineReader in = open(); GraftModel m = GraftModel.load(model)) {
            inference.applyTo(m, System.err, quiet);
            PrintWriter out = spec.commandLine().getOut();
            List<ModelInput> chunk = new ArrayList<>(CHUNK);
            List<Integer> lines = new ArrayList<>(CHUNK);
            String line;
            int seen = 0;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                chunk.add(lineInput(m.inputKind(), line, in.lineNumber()));
                lines.add(in.lineNumber());
                seen++;
                if (chunk.size() == CHUNK) {
                    emit(m, chunk, lines, out);
                }
            }
            emit(m, chunk, lines, out);
            out.flush();
            if (seen == 0) {
                System.err.println("warning: " + inputName() + " has no " + (m.inputKind() == InputKind.IMAGE ? "image paths"
                        : "non-blank lines") + "; nothing to predict.");
            }
        }
        return 0;
    }

    /** One line as the model's input: a text, a pair {@code sentence1<TAB>sentence2}, or an image file's path. */
    private ModelInput lineInput(InputKind kind, String line, int number) {
        switch (kind) {
            case IMAGE: {
                String t = line.strip();
                java.nio.file.Path p = java.nio.file.Path.of(t);
                if (!Files.isRegularFile(p)) {
                    throw new DataException(inputName() + " line " + number + ": image " + Excerpt.of(t) + " does not exist"
                            + " (absolute: " + Excerpt.of(p.toAbsolutePath().toString()) + ").");
                }
                return new ModelInput.ImageFile(p);
            }
            case TEXT_PAIR: {
                String[] pair = splitPair(line, number);
                return new ModelInput.TextPair(pair[0], pair[1]);
            }
            default:
                return new ModelInput.Text(line);
        }
    }

    /** Predicts and prints one chunk of line inputs, then empties it. */
    private void emit(GraftModel m, List<ModelInput> chunk, List<Integer> lines, PrintWriter out) throws IOException {
        if (chunk.isEmpty()) {
            return;
        }
        List<ModelOutput> outputs = m.predictBatch(chunk);
        for (int i = 0; i < chunk.size(); i++) {
            PredictionLines.print(chunk.get(i), lines.get(i), outputs.get(i), json, out);
        }
        chunk.clear();
        lines.clear();
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

    /** Whether {@code name} is a table predicted row by row: {@code .csv}, {@code .tsv}, {@code .jsonl}, {@code .ndjson}. */
    private static boolean isTable(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".csv") || n.endsWith(".tsv") || n.endsWith(".jsonl") || n.endsWith(".ndjson");
    }

    /** Predicts every row of a data file into {@code --output} through {@link GraftModel}, whatever the model reads. */
    private int predictFile() throws IOException {
        if (output == null) {
            throw new IllegalArgumentException("--input " + input + " is a table: give --output FILE (.csv, .tsv or .jsonl) for"
                    + " its rows with their predictions, or pass a .txt file with one text per line.");
        }
        if (!isTable(input)) {
            throw new IllegalArgumentException("--output needs a .csv, .tsv or .jsonl --input (a table with a header);"
                    + " got " + input + ".");
        }
        if (json) {
            throw new IllegalArgumentException("--json prints line input's predictions; with --output the format follows its"
                    + " extension (.jsonl for JSON Lines).");
        }
        java.nio.file.Path in = java.nio.file.Path.of(input);
        if (!Files.isRegularFile(in)) {
            throw new DataException("Input file " + input + " does not exist or is not a file (absolute: " + in.toAbsolutePath() + ").");
        }
        if (Files.exists(output)) {
            throw new IllegalArgumentException("--output " + output + " exists; Graft does not replace a file it may not have"
                    + " written. Choose another --output or delete it.");
        }
        try (GraftModel m = GraftModel.load(model)) {
            inference.applyTo(m, System.err, quiet);
            FilePrediction.Summary s = FilePrediction.predict(m, in, output,
                    new FilePrediction.Columns(textColumn, textPairColumn, imageColumn), topK, threshold, maxLineBytes,
                    new BarProgress(System.err, quiet));
            System.err.println("Wrote " + s.rows() + " rows with the predictions of " + model + " (input: "
                    + String.join(", ", s.inputs()) + ") to " + output + ".");
        }
        return 0;
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

package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.artifact.Json;
import dev.graft.artifact.Prediction;
import dev.graft.artifact.TextClassifier;
import dev.graft.data.DataException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
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
        description = {"Label new texts with a trained model, one text per input line.",
                "",
                "Prints one line per non-blank input line, in input order: label<TAB>probability<TAB>text"
                        + " (or JSON Lines with --json). Blank lines are skipped.",
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

    @Override
    public Integer call() throws Exception {
        if (dev.graft.artifact.ImageClassifier.isImageModel(model)) {
            try (InputStream in = open()) {
                return ImageEvaluation.predict(model, in, inputName(), json, spec.commandLine().getOut());
            }
        }
        // The input is opened first so that a wrong path fails before the model is loaded.
        try (InputStream in = open(); TextClassifier classifier = TextClassifier.load(model)) {
            PrintWriter out = spec.commandLine().getOut();
            List<String> chunk = new ArrayList<>(CHUNK);
            CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            int lineNo = 0;
            int texts = 0;
            while (readLine(in, buffer)) {
                lineNo++;
                String line;
                try {
                    line = decoder.reset().decode(ByteBuffer.wrap(buffer.toByteArray())).toString();
                } catch (CharacterCodingException e) {
                    throw new DataException(inputName() + " line " + lineNo + " is not valid UTF-8. Re-save the input as UTF-8"
                            + " (e.g. with `iconv -f WINDOWS-1252 -t UTF-8`) and try again.");
                }
                if (lineNo == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1); // byte-order mark
                }
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

    /**
     * Reads the bytes of one line, without its line break ({@code \n} or {@code \r\n}), into {@code line};
     * lines are decoded one by one so that an invalid byte is reported with its own line number.
     *
     * @return false at the end of the input
     */
    private static boolean readLine(InputStream in, ByteArrayOutputStream line) throws IOException {
        line.reset();
        int b;
        boolean any = false;
        while ((b = in.read()) >= 0) {
            any = true;
            if (b == '\n') {
                break;
            }
            line.write(b);
        }
        if (!any) {
            return false;
        }
        byte[] bytes = line.toByteArray();
        if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
            line.reset();
            line.write(bytes, 0, bytes.length - 1);
        }
        return true;
    }

    private InputStream open() throws IOException {
        if ("-".equals(input)) {
            return new BufferedInputStream(System.in) {
                @Override
                public void close() {
                    // standard input stays open
                }
            };
        }
        java.nio.file.Path file = java.nio.file.Path.of(input);
        if (Files.isDirectory(file)) {
            throw new DataException("Input " + input + " is a directory. Pass a text file with one text per line, or - for standard input.");
        }
        try {
            return new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new DataException("Input file " + input + " does not exist (absolute: " + file.toAbsolutePath()
                    + "). Pass a text file with one text per line, or - for standard input.");
        }
    }

    private String inputName() {
        return "-".equals(input) ? "standard input" : input;
    }
}

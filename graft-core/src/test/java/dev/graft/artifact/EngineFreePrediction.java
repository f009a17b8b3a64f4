package dev.graft.artifact;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Run in a fresh JVM by {@link EngineFreePredictionTest}: loads a saved model, predicts its inputs and prints each
 * output row (floats as {@link Float#toString}, which round-trips), then whether libtorch is mapped into this process.
 * With {@code --touch-head} it asks for the DJL head after predicting: the control that shows the signals detect the
 * engine when it is loaded.
 *
 * <p>Arguments: {@code text|image|onnx MODEL_DIR_OR_ONNX_FILE INPUTS_FILE [--touch-head]}; inputs are one text or image path per line.
 */
public final class EngineFreePrediction {

    private EngineFreePrediction() {
    }

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        List<String> inputs = Files.readAllLines(Path.of(args[2]));
        boolean touch = args.length > 3 && args[3].equals("--touch-head");
        float[][] out;
        if (args[0].equals("onnx")) { // a .onnx file from graft export, through GraftModel.load
            try (GraftModel g = GraftModel.load(dir)) {
                out = ((dev.graft.artifact.export.ExportedModel) g).outputs(inputs.stream().<ModelInput>map(ModelInput.Text::new).toList());
            }
        } else if (args[0].equals("text")) {
            try (TextClassifier c = TextClassifier.load(dir)) {
                out = c.probabilities(inputs);
                if (touch) {
                    c.head();
                }
            }
        } else {
            try (ImageClassifier c = ImageClassifier.load(dir)) {
                out = c.probabilities(inputs.stream().map(Path::of).toList());
                if (touch) {
                    c.head();
                }
            }
        }
        for (float[] row : out) {
            StringBuilder b = new StringBuilder("row");
            for (float v : row) {
                b.append(' ').append(v);
            }
            System.out.println(b);
        }
        String maps = Files.readString(Path.of("/proc/self/maps"));
        System.out.println("libtorch-mapped " + (maps.contains("libtorch") || maps.contains("djl_torch")));
    }
}

package example;

import dev.graft.api.Graft;
import dev.graft.artifact.GraftModel;
import dev.graft.artifact.ModelInput;
import dev.graft.artifact.ModelOutput;
import dev.graft.artifact.Prediction;
import dev.graft.artifact.TextClassifier;
import dev.graft.artifact.export.OnnxExport;
import dev.graft.data.DatasetSplits;
import dev.graft.data.Splits;
import dev.graft.data.TextDataReader;
import dev.graft.metrics.TaskMetrics;
import dev.graft.serve.ModelServer;
import dev.graft.serve.ServeOptions;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.TrainingOutcome;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Trains a text classifier on the sample support tickets (frozen MiniLM + a new head), saves it, loads it back and
 * labels new messages; exports it to one ONNX graph, labels them again with that graph alone (ONNX Runtime, no
 * libtorch), and serves the graph over HTTP for one request.
 *
 * <p>Arguments: the data folder (with {@code train.csv} and {@code test.csv}, columns {@code text,label}; default
 * {@code ../support-tickets}), the model folder to write (default {@code target/support-tickets-model}) and the ONNX
 * file to write (default {@code target/support-tickets.onnx}, its tokenizer beside it).
 *
 * <p>Each prediction is printed as {@code source<TAB>label<TAB>probability<TAB>text}, source {@code saved} or {@code onnx};
 * the server's answer as {@code served<TAB>status<TAB>body}.
 */
public final class TextClassifierExample {

    private static final List<String> NEW_MESSAGES = List.of(
            "I was charged twice for the same invoice this month",
            "The board view freezes when I drag a card to another column",
            "Please let me add a second admin to our workspace",
            "It would be great to have a calendar export");

    private TextClassifierExample() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "../support-tickets");
        Path modelDir = Path.of(args.length > 1 ? args[1] : "target/support-tickets-model");
        Path onnx = Path.of(args.length > 2 ? args[2] : "target/support-tickets.onnx");

        // 10% of train.csv is held out for validation (stratified); test.csv is only scored.
        DatasetSplits splits = Splits.withDatasets(TextDataReader.read(data.resolve("train.csv")), null,
                TextDataReader.read(data.resolve("test.csv")), Graft.DEFAULT_SEED);
        try (TrainingOutcome run = Graft.featureExtraction("minilm", splits, FeatureExtractionConfig.defaults())) {
            TaskMetrics test = run.test().orElseThrow();
            System.out.println("Test set (" + test.n() + " messages):");
            System.out.println(test.toTable());
            run.save(modelDir);
            System.out.println("Saved the model to " + modelDir);
        }

        try (TextClassifier model = Graft.load(modelDir)) {
            for (String text : NEW_MESSAGES) {
                Prediction p = model.predict(text);
                System.out.printf("saved\t%s\t%.3f\t%s%n", p.label(), p.probability(), text);
            }
        }

        // One ONNX graph (encoder, pooling, head, softmax), checked against the model before it is written.
        OnnxExport.Result exported = OnnxExport.export(modelDir, onnx, OnnxExport.Options.fp32());
        System.out.printf("Exported %s (%s, %.1f MB; max |Δ| vs the model %.1e on %d probes)%n", exported.file(),
                exported.graphSource(), exported.bytes() / 1e6, exported.maxDifference(), exported.probes());

        // The .onnx file is a model of its own: labels, task and tokenizer come with it; it runs on ONNX Runtime only.
        List<ModelInput> inputs = NEW_MESSAGES.stream().<ModelInput>map(ModelInput.Text::new).toList();
        try (GraftModel model = GraftModel.load(onnx)) {
            List<ModelOutput> outputs = model.predictBatch(inputs);
            for (int i = 0; i < outputs.size(); i++) {
                ModelOutput.Classification c = (ModelOutput.Classification) outputs.get(i);
                System.out.printf("onnx\t%s\t%.3f\t%s%n", c.label(), c.score(), NEW_MESSAGES.get(i));
            }
        }

        // Served: any free port on loopback, one request, then a graceful stop.
        try (ModelServer server = ModelServer.start(GraftModel.load(onnx), ServeOptions.defaults().withAddress("127.0.0.1", 0))) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpRequest request = HttpRequest.newBuilder(server.uri().resolve("/v1/predict")).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"" + NEW_MESSAGES.get(0) + "\"}")).build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            System.out.println("served\t" + response.statusCode() + "\t" + response.body());
        }
    }
}

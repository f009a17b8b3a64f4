package dev.graft.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.artifact.GraftModel;
import dev.graft.model.Precision;
import dev.graft.strategy.SmallModels;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft serve}'s server over real HTTP on a loopback port, with a support-ticket classifier trained here. */
class ModelServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path tmp;
    private static Path modelDir;
    private static ModelServer server;

    @BeforeAll
    static void start() throws IOException {
        modelDir = SmallModels.supportTickets(tmp.resolve("model"), tmp.resolve("cache"));
        // a 50 ms window so that concurrent requests are batched together
        server = ModelServer.start(GraftModel.load(modelDir), ServeOptions.defaults().withAddress("127.0.0.1", 0)
                .withBatching(16, Duration.ofMillis(50)).withLimits(4096, 8));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static HttpResponse<String> post(ModelServer s, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(s.uri().resolve("/v1/predict")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return get(server, path);
    }

    private static HttpResponse<String> get(ModelServer s, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(s.uri().resolve(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String oneText(String text) {
        return JSON.createObjectNode().put("text", text).toString();
    }

    @Test
    void oneInputAndManyInputsAreAnsweredInOrder() throws Exception {
        List<String> probe = SmallModels.probe();
        HttpResponse<String> one = post(server, oneText(probe.get(0)));
        assertEquals(200, one.statusCode(), one.body());
        assertTrue(one.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        JsonNode out = JSON.readTree(one.body()).get("outputs");
        assertEquals(1, out.size());
        assertEquals("billing", out.get(0).get("label").asText());
        assertEquals(3, out.get(0).get("probabilities").size());

        ObjectNode many = JSON.createObjectNode().put("top_k", 2);
        ArrayNode inputs = many.putArray("inputs");
        probe.forEach(t -> inputs.addObject().put("text", t));
        HttpResponse<String> r = post(server, many.toString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode outputs = JSON.readTree(r.body()).get("outputs");
        assertEquals(SmallModels.CLASSES.size(), outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            assertEquals(SmallModels.CLASSES.get(i), outputs.get(i).get("label").asText(), probe.get(i));
            assertEquals(2, outputs.get(i).get("top_k").size());
            assertEquals(outputs.get(i).get("label"), outputs.get(i).get("top_k").get(0).get("label"));
        }
    }

    @Test
    void aHeadTrainedOnBf16FeaturesIsServedFromFp32FeaturesUnlessBf16IsAsked() throws Exception {
        // ONNX Runtime's fp32 pass answers a few texts sooner than libtorch's bf16 pass: the server's default, whatever
        // precision the head was trained in; outputs stay within bfloat16's precision of the bf16 ones
        Path bf16Model = SmallModels.supportTickets(tmp.resolve("bf16-model"), tmp.resolve("cache"), Precision.BF16);
        ObjectNode many = JSON.createObjectNode();
        ArrayNode inputs = many.putArray("inputs");
        SmallModels.probe().forEach(t -> inputs.addObject().put("text", t));
        JsonNode fromFp32;
        try (ModelServer s = ModelServer.start(GraftModel.load(bf16Model), ServeOptions.defaults().withAddress("127.0.0.1", 0))) {
            assertEquals(Precision.FP32, s.precision());
            assertEquals("fp32", JSON.readTree(get(s, "/v1/model").body()).get("precision").asText());
            fromFp32 = JSON.readTree(post(s, many.toString()).body()).get("outputs");
        }
        JsonNode fromBf16;
        try (ModelServer s = ModelServer.start(GraftModel.load(bf16Model), ServeOptions.defaults().withAddress("127.0.0.1", 0)
                .withPrecision("bf16"))) {
            assertEquals(Precision.BF16, s.precision());
            assertEquals("bf16", JSON.readTree(get(s, "/v1/model").body()).get("precision").asText());
            fromBf16 = JSON.readTree(post(s, many.toString()).body()).get("outputs");
        }
        double maxDiff = 0;
        for (int i = 0; i < inputs.size(); i++) {
            assertEquals(SmallModels.CLASSES.get(i), fromFp32.get(i).get("label").asText());
            assertEquals(fromBf16.get(i).get("label"), fromFp32.get(i).get("label"));
            for (int k = 0; k < SmallModels.CLASSES.size(); k++) {
                maxDiff = Math.max(maxDiff, Math.abs(fromFp32.get(i).get("probabilities").get(SmallModels.CLASSES.get(k)).asDouble()
                        - fromBf16.get(i).get("probabilities").get(SmallModels.CLASSES.get(k)).asDouble()));
            }
        }
        assertTrue(maxDiff > 0 && maxDiff < 0.02, "two precisions, within bfloat16's of each other: " + maxDiff);
    }

    /** A tiny BERT trained one epoch on refunds and crashes (LoRA when {@code peft} is given), saved to {@code dir}. */
    private static Path tinyModel(Path dir, dev.graft.model.peft.PeftSpec peft) throws IOException {
        dev.graft.model.text.TextModelSpec tiny = SmallModels.tinyBert(tmp.resolve("tiny-bert-" + dir.getFileName()), 3);
        dev.graft.strategy.FineTuneConfig c = dev.graft.strategy.FineTuneConfig.defaults();
        c = c.withTraining(c.training().withEpochs(1).withBatchSize(8).withLearningRate(1e-2));
        dev.graft.strategy.FineTuning ft = peft == null ? new dev.graft.strategy.FineTuning(c)
                : new dev.graft.strategy.FineTuning(c, peft);
        try (dev.graft.strategy.TrainingOutcome o = ft.fit(tiny, dev.graft.data.Splits.withDatasets(
                SmallModels.refundsAndCrashes("train", 16, 0), SmallModels.refundsAndCrashes("val", 8, 100), null, 1),
                dev.graft.util.Progress.NONE, List.of(), null, 1, false)) {
            o.save(dir);
        }
        return dir;
    }

    /** Serves {@code dir} as loaded by default and checks it answers from its graph what the loaded model predicts. */
    private static void servedAsAGraph(Path dir, String strategy) throws Exception {
        List<String> texts = List.of("refund my payment please", "the app crashes on start", "hello");
        float[][] expected;
        try (dev.graft.artifact.TextClassifier model = dev.graft.artifact.TextClassifier.load(dir)) {
            expected = model.probabilities(texts);
        }
        ObjectNode many = JSON.createObjectNode();
        ArrayNode inputs = many.putArray("inputs");
        texts.forEach(t -> inputs.addObject().put("text", t));
        try (ModelServer s = ModelServer.start(dir, ServeOptions.defaults().withAddress("127.0.0.1", 0))) {
            assertTrue(s.onnxGraph(), strategy + " in fp32: its graph on ONNX Runtime");
            JsonNode described = JSON.readTree(get(s, "/v1/model").body());
            assertTrue(described.get("runtime").asText().startsWith("onnxruntime"), described.toString());
            assertEquals(strategy, described.get("strategy").asText(), "the directory's manifest, not the graph's");
            JsonNode out = JSON.readTree(post(s, many.toString()).body()).get("outputs");
            List<String> labels = s.model().labelNames();
            for (int i = 0; i < texts.size(); i++) {
                for (int k = 0; k < labels.size(); k++) {
                    assertEquals(expected[i][k], out.get(i).get("probabilities").get(labels.get(k)).asDouble(), 1e-5,
                            texts.get(i) + " / " + labels.get(k));
                }
            }
        }
    }

    @Test
    void aLoraModelIsServedAsTheGraphOfItsMergedWeights() throws Exception {
        servedAsAGraph(tinyModel(tmp.resolve("lora"), dev.graft.model.peft.PeftSpec.lora()), "lora");
    }

    @Test
    void anAdapterModelWhichTheExportRefusesIsServedAsLoaded() throws Exception {
        Path dir = tinyModel(tmp.resolve("adapter"), dev.graft.model.peft.PeftSpec.adapter());
        float[] expected;
        try (dev.graft.artifact.TextClassifier model = dev.graft.artifact.TextClassifier.load(dir)) {
            expected = model.probabilities(List.of("refund my payment please"))[0];
        }
        try (ModelServer s = ModelServer.start(dir, ServeOptions.defaults().withAddress("127.0.0.1", 0))) {
            assertFalse(s.onnxGraph(), "adapters add layers the exported graph does not have");
            JsonNode out = JSON.readTree(post(s, oneText("refund my payment please")).body()).get("outputs").get(0);
            List<String> labels = s.model().labelNames();
            for (int k = 0; k < labels.size(); k++) {
                assertEquals(expected[k], out.get("probabilities").get(labels.get(k)).asDouble(), 1e-6, labels.get(k));
            }
        }
    }

    @Test
    void aFineTunedModelIsServedAsAnInMemoryGraphOnOnnxRuntimeThatPredictsAsTheModel() throws Exception {
        Path dir = tinyModel(tmp.resolve("fine-tuned"), null);
        servedAsAGraph(dir, "fine-tune");
        try (ModelServer s = ModelServer.start(dir, ServeOptions.defaults().withAddress("127.0.0.1", 0).withOnnxGraph(false))) {
            assertFalse(s.onnxGraph());
            assertEquals("model", JSON.readTree(get(s, "/v1/model").body()).get("runtime").asText());
        }
        try (ModelServer s = ModelServer.start(dir, ServeOptions.defaults().withAddress("127.0.0.1", 0).withPrecision("bf16"))) {
            assertFalse(s.onnxGraph(), "bf16 products run on libtorch");
            assertEquals(Precision.BF16, s.precision());
        }
        try (ModelServer s = ModelServer.start(modelDir, ServeOptions.defaults().withAddress("127.0.0.1", 0))) {
            assertFalse(s.onnxGraph(), "a head on an ONNX encoder already runs on ONNX Runtime");
        }
        Path exported = tmp.resolve("fine-tuned.onnx");
        dev.graft.artifact.export.OnnxExport.export(dir, exported, dev.graft.artifact.export.OnnxExport.Options.fp32());
        try (ModelServer s = ModelServer.start(exported, ServeOptions.defaults().withAddress("127.0.0.1", 0))) {
            assertFalse(s.onnxGraph(), "an exported file is served as it is, not as a graph built here");
            assertEquals("model", JSON.readTree(get(s, "/v1/model").body()).get("runtime").asText());
        }
    }

    @Test
    void javaCodeGetsTheServersRuntimeWithoutHttp() throws Exception {
        Path dir = tinyModel(tmp.resolve("in-process"), null);
        List<String> texts = List.of("refund my payment please", "the app crashes on start", "hello");
        float[][] expected;
        try (dev.graft.artifact.TextClassifier model = dev.graft.artifact.TextClassifier.load(dir)) {
            expected = model.probabilities(texts);
        }
        List<dev.graft.artifact.ModelInput> inputs = texts.stream().<dev.graft.artifact.ModelInput>map(dev.graft.artifact.ModelInput.Text::new).toList();
        try (ServingModel m = ServingModel.load(dir)) {
            assertTrue(m.onnxGraph(), "a fine-tuned text model in fp32: its graph on ONNX Runtime");
            assertTrue(m.model() instanceof dev.graft.artifact.export.ExportedModel, m.model().getClass().getName());
            assertEquals(Precision.FP32, m.precision());
            assertSamePredictions(expected, m.model().predictBatch(inputs), m.model().labelNames());
        }
        try (GraftModel m = dev.graft.api.Graft.loadForServing(dir)) {
            assertTrue(m instanceof dev.graft.artifact.export.ExportedModel, "the facade loads as the server does");
            assertSamePredictions(expected, m.predictBatch(inputs), m.labelNames());
        }
        try (ServingModel m = ServingModel.load(dir, "bf16", true)) {
            assertFalse(m.onnxGraph(), "bf16 products run on libtorch");
            assertEquals(Precision.BF16, m.precision());
            assertEquals(Precision.BF16, m.model().precision());
        }
        try (ServingModel m = ServingModel.load(dir, null, false)) {
            assertFalse(m.onnxGraph());
            assertTrue(m.model() instanceof dev.graft.artifact.TextClassifier, "the model as loaded");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServingModel.load(tmp.resolve("no-such-model")));
        assertTrue(e.getMessage().contains("no-such-model"), e.getMessage());
    }

    private static void assertSamePredictions(float[][] expected, List<dev.graft.artifact.ModelOutput> out, List<String> labels) {
        for (int i = 0; i < expected.length; i++) {
            for (int k = 0; k < labels.size(); k++) {
                assertEquals(expected[i][k], ((dev.graft.artifact.ModelOutput.Classification) out.get(i)).probabilities().get(labels.get(k)),
                        1e-5, i + " / " + labels.get(k));
            }
        }
    }

    @Test
    void badRequestsAreRefusedWithJsonErrors() throws Exception {
        assertError(post(server, "{\"text\": "), 400, "not JSON");
        assertError(post(server, "[1, 2]"), 400, "must be a JSON object");
        assertError(post(server, "{\"inputs\": []}"), 400, "non-empty array");
        assertError(post(server, "{\"inputs\": [{\"text\": \"fine\"}, {\"txt\": \"typo\"}]}"), 400,
                "inputs[1]: field 'text' (the text) is missing");
        assertError(post(server, "{\"text\": 42}"), 400, "the input.text must be a string");
        StringBuilder nine = new StringBuilder("{\"inputs\": [");
        for (int i = 0; i < 9; i++) {
            nine.append(i == 0 ? "" : ",").append("{\"text\": \"t").append(i).append("\"}");
        }
        assertError(post(server, nine + "]}"), 400, "holds 9 inputs; this server takes at most 8");
        assertError(post(server, oneText("x".repeat(5000))), 413, "at most 4096 bytes");
        assertError(get("/v2/nothing"), 404, "no such endpoint");
        assertEquals(200, post(server, oneText("still serving")).statusCode(), "errors leave the server serving");
    }

    private static void assertError(HttpResponse<String> r, int status, String message) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertEquals(status, error.get("status").asInt());
        assertTrue(error.get("message").asText().contains(message), error.toString());
    }

    @Test
    void healthModelAndMetricsDescribeTheServer() throws Exception {
        HttpResponse<String> health = get("/v1/health");
        assertEquals(200, health.statusCode());
        assertEquals("ok", JSON.readTree(health.body()).get("status").asText());
        JsonNode model = JSON.readTree(get("/v1/model").body());
        assertEquals("text-classification", model.get("task").asText());
        assertEquals("fp32", model.get("precision").asText());
        assertEquals("text", model.get("modality").asText());
        assertEquals("text", model.get("input").asText());
        assertEquals(SmallModels.CLASSES, JSON.convertValue(model.get("labels"), List.class));
        assertEquals("feature-extraction", model.get("provenance").get("strategy").asText());
        assertEquals(8, model.get("limits").get("max_inputs_per_request").asInt());

        long before = counter(get("/metrics").body(), "graft_requests_total\\{path=\"/v1/predict\",status=\"200\"}");
        assertEquals(200, post(server, oneText("count me")).statusCode());
        HttpResponse<String> metrics = get("/metrics");
        assertTrue(metrics.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        String text = metrics.body();
        assertEquals(before + 1, counter(text, "graft_requests_total\\{path=\"/v1/predict\",status=\"200\"}"));
        assertTrue(counter(text, "graft_request_duration_seconds_count") >= before + 1, text);
        assertTrue(counter(text, "graft_batch_size_count") >= 1, text);
        assertTrue(text.contains("# TYPE graft_request_duration_seconds histogram"), text);
        assertTrue(text.contains("graft_batch_size_bucket{le=\"+Inf\"}"), text);
        assertTrue(text.contains("graft_inflight_requests 0"), text);
    }

    @Test
    void concurrentRequestsAreBatchedAndEachGetsItsOwnAnswer() throws Exception {
        List<String> probe = SmallModels.probe();
        long batchesBefore = counter(get("/metrics").body(), "graft_batch_size_count");
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            HttpRequest req = HttpRequest.newBuilder(server.uri().resolve("/v1/predict")).timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString(oneText(probe.get(i % 3)))).build();
            sent.add(HTTP.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < sent.size(); i++) {
            HttpResponse<String> r = sent.get(i).get();
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(SmallModels.CLASSES.get(i % 3), JSON.readTree(r.body()).get("outputs").get(0).get("label").asText(),
                    "request " + i + " gets the answer to its own text");
        }
        long batches = counter(get("/metrics").body(), "graft_batch_size_count") - batchesBefore;
        assertTrue(batches < 24, "24 concurrent requests were predicted in fewer model calls: " + batches);
    }

    @Test
    void clientsThatDisconnectMidRequestLeaveTheServerServing() throws Exception {
        URI uri = server.uri();
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) { // promises 500 bytes, sends 12, hangs up
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n"
                    + "{\"text\": \"re").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) { // a whole request, gone before the answer
            byte[] body = oneText(SmallModels.probe().get(1)).getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
        }
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = post(server, oneText(SmallModels.probe().get(2)));
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("feature", JSON.readTree(r.body()).get("outputs").get(0).get("label").asText());
        }
    }

    @Test
    void closingAnswersRequestsInFlightThenStopsListening() throws Exception {
        ModelServer s = ModelServer.start(GraftModel.load(modelDir), ServeOptions.defaults().withAddress("127.0.0.1", 0)
                .withBatching(64, Duration.ofMillis(600)));
        CompletableFuture<HttpResponse<String>> inFlight = HTTP.sendAsync(HttpRequest.newBuilder(s.uri().resolve("/v1/predict"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(oneText(SmallModels.probe().get(0))))
                .build(), HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (s.metrics().inflight().get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5); // until the request waits in its batch window
        }
        assertEquals(1, s.metrics().inflight().get());
        s.close();
        HttpResponse<String> r = inFlight.get();
        assertEquals(200, r.statusCode(), "the request in flight is answered: " + r.body());
        assertEquals("billing", JSON.readTree(r.body()).get("outputs").get(0).get("label").asText());
        assertThrows(IOException.class, () -> post(s, oneText("too late")), "the port is closed after shutdown");
    }

    private static long counter(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " (\\d+)").matcher(metrics);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}

package dev.graft.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** REST logging against a loopback server that answers like MLflow and records every request. */
class RestRunTrackerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Request(String method, String path, String query, byte[] body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private HttpServer server;
    private URI uri;
    private boolean experimentExists;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        String path = ex.getRequestURI().getPath();
        requests.add(new Request(ex.getRequestMethod(), path, ex.getRequestURI().getRawQuery(), body));
        int code = 200;
        String answer;
        switch (path) {
            case "/api/2.0/mlflow/experiments/get-by-name" -> {
                if (experimentExists) {
                    answer = "{\"experiment\":{\"experiment_id\":\"7\",\"name\":\"sentiment\",\"lifecycle_stage\":\"active\"}}";
                } else {
                    code = 404;
                    answer = "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"Could not find experiment with name 'sentiment'\"}";
                }
            }
            case "/api/2.0/mlflow/experiments/create" -> answer = "{\"experiment_id\":\"42\"}";
            case "/api/2.0/mlflow/runs/create" -> answer = "{\"run\":{\"info\":{\"run_id\":\"abc123\",\"run_uuid\":\"abc123\","
                    + "\"experiment_id\":\"42\",\"status\":\"RUNNING\",\"artifact_uri\":\"mlflow-artifacts:/42/abc123/artifacts\","
                    + "\"lifecycle_stage\":\"active\"},\"data\":{}}}";
            case "/api/2.0/mlflow/runs/log-batch" -> answer = "{}";
            case "/api/2.0/mlflow/runs/update" -> answer = "{\"run_info\":{\"run_id\":\"abc123\",\"status\":\"FINISHED\"}}";
            default -> {
                if (path.startsWith("/api/2.0/mlflow-artifacts/artifacts/") && ex.getRequestMethod().equals("PUT")) {
                    answer = "{}";
                } else {
                    code = 404;
                    answer = "{\"error_code\":\"ENDPOINT_NOT_FOUND\"}";
                }
            }
        }
        byte[] out = answer.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(code, out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }

    private List<Request> to(String suffix) {
        return requests.stream().filter(r -> r.path().endsWith(suffix)).toList();
    }

    @Test
    void createsExperimentAndLogsARun() throws Exception {
        RunTracker tracker = RunTracker.server(URI.create(uri + "/"));
        Path plots = Files.createDirectories(dir.resolve("plots"));
        Files.writeString(plots.resolve("loss.png"), "png bytes");
        try (TrackedRun run = tracker.startRun("sentiment", "run one", Map.of("mlflow.source.name", "graft train"))) {
            assertEquals("abc123", run.runId());
            assertEquals("42", run.experimentId());
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("learning_rate", 0.01);
            params.put("epochs", 5);
            run.logParams(params);
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("train_loss", 0.7);
            metrics.put("val_loss", Double.NaN);
            run.logMetrics(metrics, 3);
            run.setTag("graft.model_license", "Apache-2.0");
            run.logArtifact(plots, "model");
            run.end(RunStatus.FINISHED);
        }

        List<String> calls = requests.stream().map(r -> r.method() + " " + r.path()).toList();
        assertEquals(List.of("GET /api/2.0/mlflow/experiments/get-by-name", "POST /api/2.0/mlflow/experiments/create",
                "POST /api/2.0/mlflow/runs/create", "POST /api/2.0/mlflow/runs/log-batch", "POST /api/2.0/mlflow/runs/log-batch",
                "POST /api/2.0/mlflow/runs/log-batch", "PUT /api/2.0/mlflow-artifacts/artifacts/42/abc123/artifacts/model/plots/loss.png",
                "POST /api/2.0/mlflow/runs/update"), calls);
        assertEquals("experiment_name=sentiment", requests.get(0).query());
        assertEquals("sentiment", to("experiments/create").get(0).json().get("name").asText());

        JsonNode create = to("runs/create").get(0).json();
        assertEquals("42", create.get("experiment_id").asText());
        assertEquals("run one", create.get("run_name").asText());
        assertTrue(create.get("start_time").asLong() > 1_600_000_000_000L);
        Map<String, String> tags = new LinkedHashMap<>();
        create.get("tags").forEach(t -> tags.put(t.get("key").asText(), t.get("value").asText()));
        assertEquals(Map.of("mlflow.runName", "run one", "mlflow.source.name", "graft train"), tags);

        List<Request> batches = to("runs/log-batch");
        JsonNode p = batches.get(0).json();
        assertEquals("abc123", p.get("run_id").asText());
        assertEquals("learning_rate", p.get("params").get(0).get("key").asText());
        assertEquals("0.01", p.get("params").get(0).get("value").asText());
        assertEquals("5", p.get("params").get(1).get("value").asText());
        JsonNode m = batches.get(1).json().get("metrics");
        assertEquals(2, m.size());
        assertEquals("train_loss", m.get(0).get("key").asText());
        assertEquals(0.7, m.get(0).get("value").asDouble());
        assertEquals(3, m.get(0).get("step").asLong());
        assertTrue(m.get(0).get("timestamp").asLong() > 1_600_000_000_000L);
        assertEquals("NaN", m.get(1).get("value").asText(), "non-finite values use protobuf's JSON spelling");
        assertEquals("Apache-2.0", batches.get(2).json().get("tags").get(0).get("value").asText());
        assertEquals("png bytes", new String(to("loss.png").get(0).body(), StandardCharsets.UTF_8));

        JsonNode update = to("runs/update").get(0).json();
        assertEquals("abc123", update.get("run_id").asText());
        assertEquals("FINISHED", update.get("status").asText());
        assertTrue(update.get("end_time").asLong() >= create.get("start_time").asLong());
    }

    @Test
    void existingExperimentIsReusedAndAnUnendedRunIsFailed() {
        experimentExists = true;
        try (TrackedRun run = RunTracker.server(uri).startRun("sentiment", "r", Map.of())) {
            run.logMetric("x", 1.0, 0);
        }
        assertTrue(to("experiments/create").isEmpty());
        assertEquals("7", to("runs/create").get(0).json().get("experiment_id").asText());
        assertEquals("FAILED", to("runs/update").get(0).json().get("status").asText());
    }

    @Test
    void serverErrorsNameTheCall() {
        server.removeContext("/");
        server.createContext("/", ex -> {
            byte[] out = "{\"error_code\":\"INTERNAL_ERROR\",\"message\":\"boom\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(500, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> RunTracker.server(uri).startRun("x", "y", Map.of()));
        assertTrue(e.getMessage().contains("get-by-name") && e.getMessage().contains("500") && e.getMessage().contains("boom"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RunTracker.server(URI.create("ftp://host")));
    }
}

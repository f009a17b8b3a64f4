package dev.graft.tracking;

import dev.graft.util.Arguments;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Records runs on an MLflow tracking server through its REST API ({@code /api/2.0/mlflow/...}):
 * {@code experiments/get-by-name} (GET) and {@code experiments/create} to find the experiment, {@code runs/create},
 * {@code runs/log-batch} for params, metrics and tags, and {@code runs/update} to end the run. Artefacts are uploaded
 * with the server's artifact proxy ({@code PUT /api/2.0/mlflow-artifacts/artifacts/...}) when the run's artifact URI
 * is {@code mlflow-artifacts:/...} (servers started with {@code --serve-artifacts}, the default since MLflow 2.0).
 *
 * <p>{@code MLFLOW_TRACKING_TOKEN} (bearer) or {@code MLFLOW_TRACKING_USERNAME}/{@code MLFLOW_TRACKING_PASSWORD}
 * (basic) authenticate, as with MLflow's own client.
 */
public final class RestRunTracker implements RunTracker {

    /** MLflow's per-request limits for {@code runs/log-batch}. */
    static final int MAX_PARAMS = 100;
    static final int MAX_TAGS = 100;
    static final int MAX_METRICS = 1000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;
    private final String authorization;

    /** A tracker for the server at {@code uri} (e.g. {@code http://localhost:5000}). */
    public RestRunTracker(URI uri) {
        String s = uri.toString();
        if (!(s.startsWith("http://") || s.startsWith("https://"))) {
            throw new IllegalArgumentException(Arguments.name("trackingUri") + " must be an http:// or https:// URL of an MLflow server, got '"
                    + uri + "'; use " + Arguments.name("trackingDir") + " for a local file store");
        }
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.authorization = authorization();
    }

    @Override
    public String location() {
        return base.toString();
    }

    @Override
    public TrackedRun startRun(String experimentName, String runName, Map<String, String> tags) {
        String experiment = experimentName == null || experimentName.isBlank() ? DEFAULT_EXPERIMENT : experimentName.strip();
        try {
            String experimentId = experimentId(experiment);
            String name = runName == null || runName.isBlank() ? MlflowFormat.randomRunName() : runName;
            ObjectNode req = JSON.createObjectNode();
            req.put("experiment_id", experimentId);
            req.put("user_id", System.getProperty("user.name", ""));
            req.put("start_time", System.currentTimeMillis());
            req.put("run_name", name);
            Map<String, String> all = new LinkedHashMap<>();
            all.put("mlflow.runName", name);
            all.putAll(tags);
            req.set("tags", keyValues(all));
            JsonNode info = post("runs/create", req).path("run").path("info");
            String runId = info.path("run_id").asText(info.path("run_uuid").asText(""));
            if (runId.isEmpty()) {
                throw new IOException("runs/create answered without a run id");
            }
            return new RestTrackedRun(runId, experimentId, info.path("artifact_uri").asText(""));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot record the run on the MLflow server " + base + ": " + e.getMessage(), e);
        }
    }

    private String experimentId(String name) throws IOException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(endpoint("experiments/get-by-name?experiment_name="
                + URLEncoder.encode(name, StandardCharsets.UTF_8))).GET());
        if (r.statusCode() / 100 == 2) {
            return JSON.readTree(r.body()).path("experiment").path("experiment_id").asText();
        }
        if (r.statusCode() != 404 && !r.body().contains("RESOURCE_DOES_NOT_EXIST")) {
            throw failure("experiments/get-by-name", r);
        }
        ObjectNode req = JSON.createObjectNode().put("name", name);
        HttpResponse<String> created = send(json(endpoint("experiments/create"), req));
        if (created.statusCode() / 100 == 2) {
            return JSON.readTree(created.body()).path("experiment_id").asText();
        }
        if (created.body().contains("RESOURCE_ALREADY_EXISTS")) { // created concurrently
            return experimentId(name);
        }
        throw failure("experiments/create", created);
    }

    private URI endpoint(String path) {
        return URI.create(base + "/api/2.0/mlflow/" + path);
    }

    private JsonNode post(String path, JsonNode body) throws IOException {
        HttpResponse<String> r = send(json(endpoint(path), body));
        if (r.statusCode() / 100 != 2) {
            throw failure(path, r);
        }
        return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    private HttpRequest.Builder json(URI uri, JsonNode body) throws IOException {
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        request.timeout(Duration.ofSeconds(60));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while talking to " + base, e);
        }
    }

    private static IOException failure(String what, HttpResponse<String> r) {
        String body = r.body() == null ? "" : r.body();
        return new IOException(what + " failed with HTTP " + r.statusCode() + (body.isBlank() ? ""
                : ": " + (body.length() > 500 ? body.substring(0, 500) + "..." : body)));
    }

    private static ArrayNode keyValues(Map<String, String> map) {
        ArrayNode a = JSON.createArrayNode();
        map.forEach((k, v) -> a.addObject().put("key", k).put("value", v == null ? "" : v));
        return a;
    }

    private static String authorization() {
        String token = System.getenv("MLFLOW_TRACKING_TOKEN");
        if (token != null && !token.isBlank()) {
            return "Bearer " + token;
        }
        String user = System.getenv("MLFLOW_TRACKING_USERNAME");
        String password = System.getenv("MLFLOW_TRACKING_PASSWORD");
        if (user != null && password != null) {
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }

    /** A run on the server; every log call is one {@code runs/log-batch} request (split at MLflow's limits). */
    final class RestTrackedRun implements TrackedRun {
        private final String runId;
        private final String experimentId;
        private final String artifactUri;
        private boolean ended;

        RestTrackedRun(String runId, String experimentId, String artifactUri) {
            this.runId = runId;
            this.experimentId = experimentId;
            this.artifactUri = artifactUri;
        }

        @Override
        public String runId() {
            return runId;
        }

        @Override
        public String experimentId() {
            return experimentId;
        }

        @Override
        public void logParam(String key, String value) {
            logParams(Map.of(key, value == null ? "" : value));
        }

        @Override
        public void logParams(Map<String, ?> params) {
            List<Map.Entry<String, ?>> entries = new ArrayList<>(params.entrySet());
            for (int i = 0; i < entries.size(); i += MAX_PARAMS) {
                Map<String, String> chunk = new LinkedHashMap<>();
                for (Map.Entry<String, ?> e : entries.subList(i, Math.min(entries.size(), i + MAX_PARAMS))) {
                    chunk.put(MlflowFormat.checkName("param", e.getKey()), String.valueOf(e.getValue()));
                }
                batch("params", keyValues(chunk));
            }
        }

        @Override
        public void logMetric(String key, double value, long step, long timestampMillis) {
            ArrayNode metrics = JSON.createArrayNode();
            addMetric(metrics, key, value, step, timestampMillis);
            batch("metrics", metrics);
        }

        @Override
        public void logMetrics(Map<String, Double> values, long step) {
            long now = System.currentTimeMillis();
            ArrayNode metrics = JSON.createArrayNode();
            for (Map.Entry<String, Double> e : values.entrySet()) {
                addMetric(metrics, e.getKey(), e.getValue(), step, now);
                if (metrics.size() == MAX_METRICS) {
                    batch("metrics", metrics);
                    metrics = JSON.createArrayNode();
                }
            }
            if (!metrics.isEmpty()) {
                batch("metrics", metrics);
            }
        }

        private void addMetric(ArrayNode metrics, String key, double value, long step, long timestamp) {
            ObjectNode m = metrics.addObject().put("key", MlflowFormat.checkName("metric", key));
            if (Double.isFinite(value)) {
                m.put("value", value);
            } else { // protobuf's JSON spelling of non-finite doubles
                m.put("value", Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
            }
            m.put("timestamp", timestamp).put("step", step);
        }

        @Override
        public void setTag(String key, String value) {
            setTags(Map.of(key, value == null ? "" : value));
        }

        @Override
        public void setTags(Map<String, String> tags) {
            List<Map.Entry<String, String>> entries = new ArrayList<>(tags.entrySet());
            for (int i = 0; i < entries.size(); i += MAX_TAGS) {
                Map<String, String> chunk = new LinkedHashMap<>();
                for (Map.Entry<String, String> e : entries.subList(i, Math.min(entries.size(), i + MAX_TAGS))) {
                    chunk.put(MlflowFormat.checkName("tag", e.getKey()), e.getValue());
                }
                batch("tags", keyValues(chunk));
            }
        }

        private void batch(String field, ArrayNode items) {
            ObjectNode req = JSON.createObjectNode().put("run_id", runId);
            req.set(field, items);
            try {
                post("runs/log-batch", req);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot log " + field + " to the MLflow server " + base + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void logArtifact(Path source, String artifactPath) throws IOException {
            String prefix = "mlflow-artifacts:";
            if (!artifactUri.startsWith(prefix)) {
                throw new IOException("the server stores this run's artefacts at '" + artifactUri + "', which Graft cannot "
                        + "write to; start the server with " + Arguments.name("serveArtifacts") + " (mlflow-artifacts:/ URIs)");
            }
            String runPath = artifactUri.substring(prefix.length()).replaceAll("^/+", "");
            String dir = artifactPath == null || artifactPath.isBlank() ? "" : artifactPath.replaceAll("^/+|/+$", "") + "/";
            Path src = source.toAbsolutePath().normalize();
            List<Path> files;
            try (Stream<Path> walk = Files.walk(src)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            Path parent = src.getParent();
            for (Path f : files) {
                String rel = dir + parent.relativize(f).toString().replace('\\', '/');
                URI uri = URI.create(base + "/api/2.0/mlflow-artifacts/artifacts/" + encodePath(runPath + "/" + rel));
                HttpResponse<String> r = send(HttpRequest.newBuilder(uri).header("Content-Type", "application/octet-stream")
                        .PUT(HttpRequest.BodyPublishers.ofFile(f)));
                if (r.statusCode() / 100 != 2) {
                    throw failure("artifact upload of " + rel, r);
                }
            }
        }

        private static String encodePath(String path) {
            StringBuilder sb = new StringBuilder();
            for (String part : path.split("/")) {
                if (!part.isEmpty()) {
                    sb.append(sb.length() == 0 ? "" : "/").append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
                }
            }
            return sb.toString();
        }

        @Override
        public synchronized void end(RunStatus status) {
            if (status == RunStatus.RUNNING || status == RunStatus.SCHEDULED) {
                throw new IllegalArgumentException("a run ends FINISHED, FAILED or KILLED, not " + status);
            }
            ObjectNode req = JSON.createObjectNode().put("run_id", runId).put("run_uuid", runId)
                    .put("status", status.name()).put("end_time", System.currentTimeMillis());
            try {
                post("runs/update", req);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot end the run on the MLflow server " + base + ": " + e.getMessage(), e);
            }
            ended = true;
        }

        @Override
        public synchronized boolean ended() {
            return ended;
        }
    }
}

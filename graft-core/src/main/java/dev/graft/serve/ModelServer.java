package dev.graft.serve;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.artifact.GraftModel;
import dev.graft.artifact.Json;
import dev.graft.artifact.ModelInput;
import dev.graft.artifact.ModelOutput;
import dev.graft.artifact.export.OnnxExport;
import dev.graft.data.DataException;
import dev.graft.model.Precision;
import dev.graft.util.OptionalDependency;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A {@link GraftModel} behind an HTTP JSON API on Javalin:
 * <ul>
 *   <li>{@code POST /v1/predict}: {@code {"text": ...}} or {@code {"inputs": [{...}, ...]}} (texts; {@code text} and
 *       {@code text_pair}; images as {@code image_base64}, or {@code image} paths when local files are allowed) →
 *       {@code {"outputs": [...]}}, each output as {@link ModelOutput#toJson} writes it;</li>
 *   <li>{@code GET /v1/health}, {@code GET /v1/model} (task, modality, labels, precision, manifest, provenance), {@code GET
 *       /metrics} (Prometheus text).</li>
 * </ul>
 * Inputs of concurrent requests are predicted together ({@link MicroBatcher}); a body larger than the limit is answered
 * 413, too many inputs or a malformed input 400, always as {@code {"error": {"status": ..., "message": ...}}}.
 * {@link #close} stops taking requests (503), waits for those in flight, stops the server and closes the model.
 */
public final class ModelServer implements AutoCloseable {

    private static final ObjectWriter COMPACT = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);
    private static final Set<String> PATHS = Set.of("/v1/predict", "/v1/health", "/v1/model", "/metrics");
    private static final String STARTED = "graft.start";

    private final GraftModel model;
    private final ServeOptions options;
    private final Precision precision;
    private final boolean onnxGraph;
    private final ServeMetrics metrics = new ServeMetrics();
    private final MicroBatcher batcher;
    private final Javalin app;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean accepting = true;
    private int port;

    private ModelServer(GraftModel model, ServeOptions options, Precision precision, boolean onnxGraph) {
        this.model = model;
        this.options = options;
        this.precision = precision;
        this.onnxGraph = onnxGraph;
        this.batcher = new MicroBatcher(model::predictBatch, options.maxBatchSize(), options.maxDelay(),
                Math.max(options.maxInputsPerRequest(), 64 * options.maxBatchSize()), metrics::batch);
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.jetty.defaultHost = options.host();
            config.jetty.defaultPort = options.port();
            config.http.maxRequestSize = options.maxRequestBytes();
        });
        app.before(ctx -> ctx.attribute(STARTED, System.nanoTime()));
        app.after(this::count);
        app.post("/v1/predict", this::predict);
        app.get("/v1/health", ctx -> json(ctx, accepting ? 200 : 503,
                Json.MAPPER.createObjectNode().put("status", accepting ? "ok" : "shutting down")));
        app.get("/v1/model", ctx -> json(ctx, 200, describe()));
        app.get("/metrics", ctx -> ctx.status(200).contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(metrics.render(batcher.queued())));
        app.exception(Exception.class, (e, ctx) -> error(ctx, 500, "internal error: " + e));
        app.error(404, ctx -> error(ctx, 404, "no such endpoint: " + ctx.method() + " " + ctx.path()
                + " (endpoints: POST /v1/predict, GET /v1/health, GET /v1/model, GET /metrics)"));
        app.error(405, ctx -> error(ctx, 405, "method " + ctx.method() + " is not allowed on " + ctx.path()));
    }

    /**
     * Starts serving {@code model} in the options' precision (by default the model's {@link GraftModel#servingPrecision
     * serving precision}, where it has one, else its own) after one warm-up prediction; the server owns the model from
     * now on ({@link #close}, or a failure to start, closes it).
     *
     * @throws IllegalStateException    when the port cannot be bound
     * @throws IllegalArgumentException for a precision the model cannot predict in
     */
    public static ModelServer start(GraftModel model, ServeOptions options) {
        return start(model, options, false);
    }

    /**
     * Loads the model directory (or exported {@code .onnx} file) {@code model} and serves it as {@link #start(GraftModel,
     * ServeOptions)} does; a text model whose encoder runs on libtorch and that predicts in fp32 is served as one graph
     * on ONNX Runtime built in memory and checked against the model as an export is ({@link OnnxExport#servingModel}),
     * unless {@link ServeOptions#onnxGraph()} is off: one text a call was answered in 12–13 ms against 25–27 ms (p50,
     * one client on loopback, the 2-core AMX machine).
     */
    public static ModelServer start(Path model, ServeOptions options) {
        OptionalDependency.require("serving models over HTTP", OptionalDependency.JAVALIN);
        ServingModel served = ServingModel.load(model, options.precision(), options.onnxGraph());
        return start(served.model(), options.withPrecision(served.precision().key()), served.onnxGraph());
    }

    private static ModelServer start(GraftModel model, ServeOptions options, boolean onnxGraph) {
        OptionalDependency.require("serving models over HTTP", OptionalDependency.JAVALIN);
        ModelServer s;
        try {
            Precision precision = ServingModel.choosePrecision(model, options.precision());
            warmUp(model);
            s = new ModelServer(model, options, precision, onnxGraph);
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
        try {
            s.app.start();
        } catch (RuntimeException e) {
            s.batcher.close();
            model.close();
            throw new IllegalStateException("Cannot listen on " + options.host() + ":" + options.port() + ": "
                    + e.getMessage() + ". Choose another port (" + dev.graft.util.Arguments.name("port") + ").", e);
        }
        s.port = s.app.port();
        for (Connector c : s.app.jettyServer().server().getConnectors()) {
            if (c instanceof ServerConnector sc) {
                sc.setIdleTimeout(options.idleTimeout().toMillis()); // a client that stops sending is dropped
            }
        }
        return s;
    }

    /** The precision the server predicts in. */
    public Precision precision() {
        return precision;
    }

    /** The model the server predicts with (for {@link #start(Path, ServeOptions)}: possibly its in-memory graph). */
    public GraftModel model() {
        return model;
    }

    /** Whether the server predicts through an in-memory ONNX graph of the model ({@link #start(Path, ServeOptions)}). */
    public boolean onnxGraph() {
        return onnxGraph;
    }

    /**
     * Predicts one made-up input before the first request, so that the encoder, its native libraries and their
     * threads are set up by then: the first request is not slow, and nothing is first opened while the JVM shuts down.
     */
    private static void warmUp(GraftModel model) {
        ModelInput input = switch (model.inputKind()) {
            case TEXT -> new ModelInput.Text("warm up");
            case TEXT_PAIR -> new ModelInput.TextPair("warm up", "warm up");
            case IMAGE -> new ModelInput.ImageBytes(blankPng(), "warm-up.png");
            case QUESTION -> new ModelInput.Question("What warms up?", "The server warms up.");
        };
        model.predictBatch(List.of(input));
    }

    private static byte[] blankPng() {
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_RGB),
                    "png", png);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return png.toByteArray();
    }

    /** The port the server listens (or listened) on. */
    public int port() {
        return port;
    }

    /** The server's base address, e.g. {@code http://127.0.0.1:8080}. */
    public URI uri() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return URI.create("http://" + host + ":" + port());
    }

    /** The server's counters. */
    public ServeMetrics metrics() {
        return metrics;
    }

    /** Waits until {@link #close} has finished. */
    public void awaitClose() throws InterruptedException {
        stopped.await();
    }

    /**
     * Stops taking requests (new ones are answered 503), waits up to the drain timeout for those in flight, stops the
     * HTTP server and the batcher and closes the model. Safe to call more than once and from a shutdown hook.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            accepting = false;
            long deadline = System.nanoTime() + options.drainTimeout().toNanos();
            while (metrics.inflight().get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            app.stop();
            batcher.close(options.drainTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            model.close();
            stopped.countDown();
        }
    }

    private void predict(Context ctx) throws IOException {
        metrics.inflight().incrementAndGet();
        try {
            if (!accepting) {
                errorNow(ctx, 503, "the server is shutting down");
                return;
            }
            byte[] body = body(ctx);
            PredictRequest request = PredictRequest.parse(body, model.inputKind(), options.maxInputsPerRequest(),
                    options.allowLocalFiles());
            List<CompletableFuture<ModelOutput>> futures = batcher.submit(request.inputs());
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                    .get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            ObjectNode out = Json.MAPPER.createObjectNode();
            ArrayNode outputs = out.putArray("outputs");
            for (CompletableFuture<ModelOutput> f : futures) {
                outputs.add(f.join().toJson(request.topK()));
            }
            respondNow(ctx, 200, out);
        } catch (PredictRequest.Invalid e) {
            errorNow(ctx, e.status, e.getMessage());
        } catch (RejectedExecutionException e) {
            errorNow(ctx, 503, e.getMessage() + "; try again later");
        } catch (TimeoutException e) {
            errorNow(ctx, 503, "no prediction within " + options.requestTimeout().toSeconds() + " s; try again later");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof DataException || cause instanceof IllegalArgumentException) {
                errorNow(ctx, 400, "an input cannot be predicted: " + cause.getMessage());
            } else {
                errorNow(ctx, 500, "prediction failed: " + cause);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            errorNow(ctx, 503, "interrupted");
        } finally {
            metrics.inflight().decrementAndGet();
        }
    }

    /** The request body, at most {@link ServeOptions#maxRequestBytes()} bytes; more is refused (413) before reading it all. */
    private byte[] body(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        int limit = options.maxRequestBytes();
        if (declared > limit) {
            throw new PredictRequest.Invalid(413, "the request body is " + declared + " bytes; this server takes at most "
                    + limit + " bytes per request");
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] b = in.readNBytes(limit + 1);
            if (b.length > limit) {
                throw new PredictRequest.Invalid(413, "the request body is larger than " + limit + " bytes, the most this"
                        + " server takes per request");
            }
            return b;
        } catch (IOException e) { // the client went away or stopped sending
            throw new PredictRequest.Invalid(400, "the request body could not be read: " + e.getMessage());
        }
    }

    private ObjectNode describe() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("task", model.taskName());
        o.put("task_kind", model.taskKind().key());
        o.put("modality", model.modality());
        o.put("input", model.inputKind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        model.labelNames().forEach(o.putArray("labels")::add);
        o.put("precision", precision.key());
        o.put("runtime", onnxGraph ? "onnxruntime (in-memory graph of the model)" : "model");
        if (model.manifest() != null) {
            o.put("strategy", model.manifest().strategy());
            o.set("manifest", Json.MAPPER.valueToTree(model.manifest()));
        }
        if (model.provenance() != null) {
            o.set("provenance", Json.MAPPER.valueToTree(model.provenance()));
        }
        ObjectNode limits = o.putObject("limits");
        limits.put("max_request_bytes", options.maxRequestBytes()).put("max_inputs_per_request", options.maxInputsPerRequest())
                .put("max_batch_size", options.maxBatchSize()).put("max_delay_ms", options.maxDelay().toMillis())
                .put("local_files", options.allowLocalFiles());
        return o;
    }

    private void count(Context ctx) {
        Long t0 = ctx.attribute(STARTED);
        double seconds = t0 == null ? 0 : (System.nanoTime() - t0) / 1e9;
        metrics.request(PATHS.contains(ctx.path()) ? ctx.path() : "other", ctx.statusCode(), seconds);
    }

    private static void error(Context ctx, int status, String message) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.putObject("error").put("status", status).put("message", message);
        json(ctx, status, o);
    }

    private static void errorNow(Context ctx, int status, String message) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.putObject("error").put("status", status).put("message", message);
        respondNow(ctx, status, o);
    }

    /**
     * Writes the whole response before the handler returns, with its length, so that a request counted in flight has
     * its answer sent once it is counted out: Javalin writes a result only after the handler, and {@link #close} stops
     * Jetty, closing every connection, as soon as no request is in flight.
     */
    private static void respondNow(Context ctx, int status, ObjectNode body) {
        try {
            byte[] bytes = COMPACT.writeValueAsBytes(body);
            jakarta.servlet.http.HttpServletResponse res = ctx.res();
            res.setStatus(status);
            res.setContentType("application/json");
            res.setContentLength(bytes.length);
            res.getOutputStream().write(bytes);
            res.flushBuffer();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // the client went away
        }
    }

    private static void json(Context ctx, int status, ObjectNode body) {
        try {
            ctx.status(status).contentType("application/json").result(COMPACT.writeValueAsString(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

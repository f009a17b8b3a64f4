package dev.graft.cli;

import dev.graft.serve.ModelServer;
import dev.graft.serve.ServeOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code graft serve}: a trained model behind an HTTP JSON API ({@link ModelServer}). */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a trained model over HTTP until stopped (Ctrl-C or SIGTERM: requests in flight are answered first).",
                "",
                "POST /v1/predict  {\"text\": \"...\"} or {\"inputs\": [{\"text\": \"...\"}, ...], \"top_k\": 2} -> {\"outputs\": [...]};"
                        + " text pairs add \"text_pair\"; images as \"image_base64\" (or \"image\": a path, with --allow-local-files).",
                "GET /v1/health, GET /v1/model (task, labels, provenance), GET /metrics (Prometheus text).",
                ""})
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory written by `graft train`.")
    Path model;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (default: ${DEFAULT-VALUE}, this"
            + " machine only; 0.0.0.0 for every interface, e.g. in a container).")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "N", description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port = ServeOptions.DEFAULT_PORT;

    @Option(names = "--max-batch-size", paramLabel = "N", description = "Most inputs predicted together (default:"
            + " ${DEFAULT-VALUE}; 1 turns micro-batching off).")
    int maxBatchSize = ServeOptions.DEFAULT_MAX_BATCH_SIZE;

    @Option(names = "--max-delay-ms", paramLabel = "MS", description = "How long the first input of a batch waits for others"
            + " (default: ${DEFAULT-VALUE}: a batch takes what is queued when the model is free, and what arrives meanwhile"
            + " forms the next).")
    int maxDelayMs = ServeOptions.DEFAULT_MAX_DELAY_MILLIS;

    @Option(names = "--max-request-bytes", paramLabel = "N", description = "Largest request body; larger ones get 413"
            + " (default: ${DEFAULT-VALUE}).")
    int maxRequestBytes = ServeOptions.DEFAULT_MAX_REQUEST_BYTES;

    @Option(names = "--max-inputs-per-request", paramLabel = "N", description = "Most inputs in one request; more get 400"
            + " (default: ${DEFAULT-VALUE}).")
    int maxInputsPerRequest = ServeOptions.DEFAULT_MAX_INPUTS;

    @Option(names = "--allow-local-files", description = "Let requests name image files on this machine (\"image\": PATH)."
            + " Off by default: anyone who can reach the port could read images the server can read.")
    boolean allowLocalFiles;

    @Option(names = "--no-onnx-graph", description = "Serve a fine-tuned or LoRA text model on libtorch as loaded. By default"
            + " one that predicts in fp32 is served as one graph on ONNX Runtime, built in memory and checked against the model"
            + " as `graft export` checks it, which answers a request about twice as soon.")
    boolean noOnnxGraph;

    @Mixin
    InferencePrecisionMixin inference;

    @Override
    public Integer call() throws Exception {
        if (maxDelayMs < 0) {
            throw new IllegalArgumentException("--max-delay-ms must be 0 or more, got " + maxDelayMs + ".");
        }
        ServeOptions options = ServeOptions.defaults().withAddress(host, port)
                .withBatching(maxBatchSize, Duration.ofMillis(maxDelayMs))
                .withLimits(maxRequestBytes, maxInputsPerRequest).withLocalFiles(allowLocalFiles).withPrecision(inference.precision)
                .withOnnxGraph(!noOnnxGraph);
        ModelServer server = ModelServer.start(model, options);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "graft-serve-shutdown"));
        inference.noteServing(server.model(), server.precision(), System.err);
        System.err.println("Serving " + model + " on " + server.uri() + " in " + server.precision().key()
                + (server.onnxGraph() ? " as an in-memory graph on ONNX Runtime" : "") + " (POST /v1/predict, GET /v1/health,"
                + " /v1/model, /metrics); batches of up to " + maxBatchSize + (maxDelayMs == 0 ? " taking what is queued" : " waiting " + maxDelayMs + " ms")
                + ". Ctrl-C stops.");
        server.awaitClose();
        return 0;
    }
}

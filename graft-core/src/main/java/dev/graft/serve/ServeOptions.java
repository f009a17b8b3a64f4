package dev.graft.serve;

import dev.graft.util.Arguments;
import java.time.Duration;

/**
 * How a {@link ModelServer} listens and batches.
 *
 * @param host                the address to bind ({@code 127.0.0.1}: this machine only)
 * @param port                the port, or 0 for any free port
 * @param maxBatchSize        the most inputs predicted together; 1 turns micro-batching off
 * @param maxDelay            how long the first input of a batch waits for others to join it
 * @param maxRequestBytes     the largest request body accepted (larger: 413)
 * @param maxInputsPerRequest the most inputs one request may hold (more: 400)
 * @param allowLocalFiles     whether an input may name an image file on the server's disk
 * @param requestTimeout      how long a request waits for its predictions (then 503)
 * @param idleTimeout         how long a connection may stay silent, also in the middle of a request body
 * @param drainTimeout        how long a shutdown waits for requests in flight
 * @param precision           {@code fp32}, {@code bf16}, {@code auto}, or {@code null}: the model's
 *                            {@link dev.graft.artifact.GraftModel#servingPrecision serving precision} where it has one,
 *                            else auto's choice ({@code auto}) or the model's own ({@code null})
 * @param onnxGraph           whether {@link ModelServer#start(java.nio.file.Path, ServeOptions)} serves a text model whose
 *                            encoder runs on libtorch as one in-memory graph on ONNX Runtime, in fp32
 */
public record ServeOptions(String host, int port, int maxBatchSize, Duration maxDelay, int maxRequestBytes,
                           int maxInputsPerRequest, boolean allowLocalFiles, Duration requestTimeout, Duration idleTimeout,
                           Duration drainTimeout, String precision, boolean onnxGraph) {

    /** The default port. */
    public static final int DEFAULT_PORT = 8080;
    /** The default {@link #maxBatchSize()}. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 32;
    /** The default {@link #maxDelay()} in milliseconds. */
    public static final int DEFAULT_MAX_DELAY_MILLIS = 0;
    /** The default {@link #maxRequestBytes()}: 8 MiB (a few base64 images). */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 8 << 20;
    /** The default {@link #maxInputsPerRequest()}. */
    public static final int DEFAULT_MAX_INPUTS = 256;

    /** Checks every setting, naming the argument to change. */
    public ServeOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException(Arguments.name("host") + " must name an address, e.g. 127.0.0.1.");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(Arguments.name("port") + " must be between 0 (any free port) and 65535, got "
                    + port + ".");
        }
        positive(maxBatchSize, "maxBatchSize");
        positive(maxRequestBytes, "maxRequestBytes");
        positive(maxInputsPerRequest, "maxInputsPerRequest");
        for (Duration d : new Duration[] {maxDelay, requestTimeout, idleTimeout, drainTimeout}) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("durations must not be negative");
            }
        }
    }

    /**
     * The defaults: loopback, port {@value #DEFAULT_PORT}, batches of up to 32 inputs, each batch taking what is queued
     * when the worker is free (no wait: with one client on the 2-core machine a request was answered in 6-7 ms against
     * 13-14 ms waiting 5 ms, and 16 clients got 95-97% of the throughput).
     */
    public static ServeOptions defaults() {
        return new ServeOptions("127.0.0.1", DEFAULT_PORT, DEFAULT_MAX_BATCH_SIZE, Duration.ofMillis(DEFAULT_MAX_DELAY_MILLIS),
                DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_INPUTS, false, Duration.ofSeconds(60), Duration.ofSeconds(30),
                Duration.ofSeconds(30), null, true);
    }

    /** A copy listening on {@code host} and {@code port}. */
    public ServeOptions withAddress(String host, int port) {
        return new ServeOptions(host, port, maxBatchSize, maxDelay, maxRequestBytes, maxInputsPerRequest, allowLocalFiles,
                requestTimeout, idleTimeout, drainTimeout, precision, onnxGraph);
    }

    /** A copy batching up to {@code size} inputs, the first waiting at most {@code delay}. */
    public ServeOptions withBatching(int size, Duration delay) {
        return new ServeOptions(host, port, size, delay, maxRequestBytes, maxInputsPerRequest, allowLocalFiles,
                requestTimeout, idleTimeout, drainTimeout, precision, onnxGraph);
    }

    /** A copy with these request limits. */
    public ServeOptions withLimits(int requestBytes, int inputsPerRequest) {
        return new ServeOptions(host, port, maxBatchSize, maxDelay, requestBytes, inputsPerRequest, allowLocalFiles,
                requestTimeout, idleTimeout, drainTimeout, precision, onnxGraph);
    }

    /** A copy that does or does not read image files named in requests. */
    public ServeOptions withLocalFiles(boolean allow) {
        return new ServeOptions(host, port, maxBatchSize, maxDelay, maxRequestBytes, maxInputsPerRequest, allow,
                requestTimeout, idleTimeout, drainTimeout, precision, onnxGraph);
    }

    /** A copy with these timeouts. */
    public ServeOptions withTimeouts(Duration request, Duration idle, Duration drain) {
        return new ServeOptions(host, port, maxBatchSize, maxDelay, maxRequestBytes, maxInputsPerRequest, allowLocalFiles,
                request, idle, drain, precision, onnxGraph);
    }

    /** A copy predicting in {@code precision}: fp32, bf16, auto or {@code null} (see {@link #precision()}). */
    public ServeOptions withPrecision(String precision) {
        return new ServeOptions(host, port, maxBatchSize, maxDelay, maxRequestBytes, maxInputsPerRequest, allowLocalFiles,
                requestTimeout, idleTimeout, drainTimeout, precision, onnxGraph);
    }

    /** A copy that does or does not serve a text model on libtorch as an in-memory ONNX graph (see {@link #onnxGraph()}). */
    public ServeOptions withOnnxGraph(boolean serveGraph) {
        return new ServeOptions(host, port, maxBatchSize, maxDelay, maxRequestBytes, maxInputsPerRequest, allowLocalFiles,
                requestTimeout, idleTimeout, drainTimeout, precision, serveGraph);
    }

    private static void positive(long value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(Arguments.name(name) + " must be at least 1, got " + value + ".");
        }
    }
}

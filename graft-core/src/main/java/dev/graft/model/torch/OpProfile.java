package dev.graft.model.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A recording of libtorch's autograd profiler (the legacy CPU profiler that DJL 0.36 reaches through
 * {@code JniUtils.startProfile}/{@code stopProfile}), cut into training steps by {@link #markStep()}.
 *
 * <p>{@link #start} switches the profiler on for the calling thread (and the autograd work it
 * starts); {@link #stop} writes the Chrome trace JSON libtorch produces and aggregates it into an
 * {@link OpTable}. A step boundary is a marker op ({@value #MARKER}, on one element) run between
 * steps: libtorch's trace has no other record of where a step ends, and training never runs this
 * op. One recording at a time per process (libtorch's profiler is process-wide state).
 */
public final class OpProfile implements AutoCloseable {

    /** The op that {@link #markStep()} runs; the aggregation cuts the trace at its calls. */
    public static final String MARKER = "aten::erfinv";

    private static final Object LOCK = new Object();
    private static boolean running;

    private final Path traceFile;
    private final NDManager manager;
    private boolean stopped;

    private OpProfile(Path traceFile) {
        this.traceFile = traceFile;
        this.manager = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch");
    }

    /**
     * Starts recording libtorch ops on this thread; the trace goes to {@code traceFile} at
     * {@link #stop()} (the file must not exist: Graft writes only files of its own).
     *
     * @throws IllegalStateException when a recording is already running
     * @throws IllegalArgumentException when {@code traceFile} exists or its folder does not
     */
    public static OpProfile start(Path traceFile) {
        Path abs = traceFile.toAbsolutePath();
        if (Files.exists(abs)) {
            throw new IllegalArgumentException("Trace file " + abs + " exists already; choose a new name");
        }
        if (abs.getParent() == null || !Files.isDirectory(abs.getParent())) {
            throw new IllegalArgumentException("Folder of trace file " + abs + " does not exist");
        }
        synchronized (LOCK) {
            if (running) {
                throw new IllegalStateException("A libtorch profile is already being recorded");
            }
            running = true;
        }
        OpProfile p = new OpProfile(abs);
        JniUtils.startProfile(false, false, false);
        return p;
    }

    /** Records a step boundary: the ops since the previous boundary (or the start) form one step. */
    public void markStep() {
        if (stopped) {
            throw new IllegalStateException("The profile is stopped");
        }
        try (NDArray one = manager.zeros(new ai.djl.ndarray.types.Shape(1)); NDArray marker = one.erfinv()) {
            marker.getShape();
        }
    }

    /**
     * Stops recording, writes the trace file and aggregates it.
     *
     * @return the per-op table of the complete steps (ops after the last {@link #markStep()} are left out)
     */
    public OpTable stop() {
        if (stopped) {
            throw new IllegalStateException("The profile is stopped");
        }
        stopped = true;
        try {
            JniUtils.stopProfile(traceFile.toString());
        } finally {
            manager.close();
            synchronized (LOCK) {
                running = false;
            }
        }
        return OpTable.read(traceFile);
    }

    /** The trace file written by {@link #stop()}. */
    public Path traceFile() {
        return traceFile;
    }

    /** Stops the recording if {@link #stop()} was not called (the trace is still written). */
    @Override
    public void close() {
        if (!stopped) {
            stop();
        }
    }
}

package dev.graft.run.auto;

import dev.graft.util.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/** The speed probe's plumbing: features computed past the embedding cache, and joined with the rest of a sample's. */
final class Probes {

    private Probes() {
    }

    /**
     * What {@code compute} returns when given an embedding-cache folder of its own: a new temporary folder, removed
     * with the files {@code compute} wrote into it, so that the probe times the backbone and never a cached file.
     */
    static float[][] uncached(Function<Path, float[][]> compute) {
        Path dir;
        try {
            dir = Files.createTempDirectory("graft-auto-probe");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make a temporary folder for the speed probe: " + e.getMessage(), e);
        }
        try {
            return compute.apply(dir);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(f);
                }
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // a temporary folder left behind is harmless; the probe's result stands
            }
        }
    }

    /**
     * A progress listener that also times its tasks, from each {@code start} (the backbone is open by then, the batches
     * begin) to its {@code done}: the probe's compute time without opening the backbone, which is a fixed cost that
     * a short probe would otherwise mistake for speed.
     */
    static final class Timed implements Progress {
        private final Progress delegate;
        private long started = -1;
        private long nanos;

        Timed(Progress delegate) {
            this.delegate = delegate;
        }

        @Override
        public void start(String task, long total) {
            started = System.nanoTime();
            delegate.start(task, total);
        }

        @Override
        public void step(long n) {
            delegate.step(n);
        }

        @Override
        public void done() {
            if (started >= 0) {
                nanos += System.nanoTime() - started;
                started = -1;
            }
            delegate.done();
        }

        @Override
        public void message(String text) {
            delegate.message(text);
        }

        /** Seconds between the starts and ends of the tasks so far (0 when none ran). */
        double seconds() {
            return nanos / 1e9;
        }
    }

    /** The rows of {@code a}, then those of {@code b}. */
    static float[][] concat(float[][] a, float[][] b) {
        float[][] out = new float[a.length + b.length][];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

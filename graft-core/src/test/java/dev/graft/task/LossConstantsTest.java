package dev.graft.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A loss's gradient does not depend on what the garbage collector did between the forward and the backward pass.
 * DJL's {@code x.mul(2f)} wraps the number in a 0-d array over a Java direct buffer and closes it at once; autograd
 * keeps that array for the backward pass ({@code mul}, {@code div}, {@code pow}, {@code maximum} and
 * {@code minimum} read it), so once the collector frees the buffer the backward reads whatever was written there since.
 * Segmentation's Dice and focal terms, the multi-label, span, token and Huber losses did that: a segmentation run's
 * metrics then changed with the collector's timing (the CLI and the Java API, same seed, parted on CI). Each loss here
 * is differentiated twice, once straight after the forward pass and once after a collection and a spray of
 * NaN-filled direct buffers over the freed memory; the gradients must match and be finite.
 */
class LossConstantsTest {

    private static final Random RANDOM = new Random(17);

    @Test
    void segmentationDiceAndFocalTerms() {
        SegmentationTask task = new SegmentationTask(List.of("bg", "fg"), new int[] {0, 255}, -1, 1.0, 2.0, 64, 16);
        long[] targets = new long[2 * 8 * 8];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = RANDOM.nextInt(3) - 1; // -1 ignored, 0 or 1
        }
        assertStable(new Shape(2, 2, 8, 8), m -> m.create(targets, new Shape(2, 8, 8)), task::loss);
    }

    @Test
    void multiLabel() {
        MultiLabelTask task = new MultiLabelTask(List.of("a", "b", "c"), null, null);
        float[] y = new float[4 * 3];
        for (int i = 0; i < y.length; i++) {
            y[i] = RANDOM.nextInt(2);
        }
        assertStable(new Shape(4, 3), m -> m.create(y, new Shape(4, 3)), task::loss);
    }

    @Test
    void huberRegression() {
        RegressionTask task = new RegressionTask("score", 0, 1, 0.5);
        float[] y = new float[16];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) RANDOM.nextGaussian() * 2;
        }
        assertStable(new Shape(16, 1), m -> m.create(y, new Shape(16, 1)), task::loss);
    }

    @Test
    void extractiveSpans() {
        SpanTask task = new SpanTask(32, 8, 16, 10, 5, false, 0);
        long[] y = {3, 5, 20, 0, 0, 32, 7, 9, 12};
        assertStable(new Shape(3, 32, 2), m -> m.create(y, new Shape(3, 3)), task::loss);
    }

    /**
     * No main source multiplies, divides, raises or clamps an array by a number through DJL's number overloads (whose
     * backward reads the freed constant); {@code dev.graft.model.Scalars} makes constants that live as long as the graph.
     */
    @Test
    void noSourceUsesDjlsNumberOverloadsWhoseBackwardReadsTheNumber() throws IOException {
        Pattern numberOp = Pattern.compile(
                "\\.(mul|div|pow|maximum|minimum)\\(\\s*(-?[0-9][0-9.eE_]*[fFdDL]?|\\((float|double|int|long)\\)[^()]*|[A-Z][A-Z0-9_]+)\\s*\\)");
        List<String> found = new ArrayList<>();
        Path root = Path.of("src/main/java");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String code = lines.get(i).strip();
                    if (!code.startsWith("*") && !code.startsWith("//") && numberOp.matcher(code).find()) {
                        found.add(root.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertTrue(found.isEmpty(), "use dev.graft.model.Scalars instead:\n" + String.join("\n", found));
    }

    private interface Targets {
        NDArray make(NDManager m);
    }

    private static void assertStable(Shape outputShape, Targets targets, BiFunction<NDArray, NDArray, NDArray> loss) {
        float[] logits = new float[(int) outputShape.size()];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) RANDOM.nextGaussian();
        }
        float[] quiet = gradient(outputShape, logits, targets, loss, false);
        for (float g : quiet) {
            assertTrue(Float.isFinite(g), "finite gradient");
        }
        for (int round = 0; round < 3; round++) {
            assertArrayEquals(quiet, gradient(outputShape, logits, targets, loss, true), 1e-6f,
                    "the gradient after a collection, round " + round);
        }
    }

    private static float[] gradient(Shape shape, float[] logits, Targets targets, BiFunction<NDArray, NDArray, NDArray> loss,
                                     boolean collectFirst) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(logits, shape).duplicate();
            x.setRequiresGradient(true);
            NDArray y = targets.make(m);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = loss.apply(x, y);
                if (collectFirst) {
                    sprayFreedMemory();
                }
                gc.backward(l);
            }
            return x.getGradient().toFloatArray();
        }
    }

    /** Collects, lets the buffers' cleaners run, then fills freshly allocated small direct buffers with NaN. */
    private static void sprayFreedMemory() {
        List<ByteBuffer> spray = new ArrayList<>();
        for (int pass = 0; pass < 3; pass++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int i = 0; i < 4000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4 + (i % 4) * 4).order(ByteOrder.nativeOrder());
                while (b.remaining() >= 4) {
                    b.putFloat(Float.NaN);
                }
                spray.add(b);
            }
        }
        assertTrue(spray.size() > 0);
    }
}

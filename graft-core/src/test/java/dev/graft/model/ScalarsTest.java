package dev.graft.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ScalarsTest {

    /**
     * The backward pass of {@code (3x + 1) / 2} must read its constants exactly even after the
     * garbage collector has run and freed memory has been reused (NaN-filled) between forward and
     * backward — the situation in which DJL's {@code mul(Number)} returned NaN gradients.
     */
    @Test
    void gradientsThroughConstantsSurviveGarbageCollectionBetweenForwardAndBackward() {
        float[] grad = gradientAfterGcPressure(x -> Scalars.div(Scalars.add(Scalars.mul(x, 3f), 1f), 2f));
        float[] expected = new float[grad.length];
        java.util.Arrays.fill(expected, 1.5f);
        assertArrayEquals(expected, grad, 0f);
    }

    static float[] gradientAfterGcPressure(UnaryOperator<NDArray> f) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(1f, 65f).reshape(8, 8);
            x.setRequiresGradient(true);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray y = f.apply(x).sum();
                NativeMemoryPressure.poison(5, 20);
                c.backward(y);
            }
            return x.getGradient().toFloatArray();
        }
    }

    /**
     * Model code must not use DJL's number overloads ({@code x.mul(0.5f)}, {@code x.div(SCALE)}) in
     * forward passes: their temporary constant lives in a Java buffer that autograd outlives.
     */
    @Test
    void modelCodeUsesNoNumberOverloadsOfMulAndDiv() throws Exception {
        Path root = Path.of(System.getProperty("graft.repo.root", "..")).resolve("graft-core/src/main/java/dev/graft/model");
        Pattern numberArg = Pattern.compile("\\.(mul|div)\\(\\s*(\\(float\\)|\\(double\\)|-?[0-9][0-9_.]*[fFdD]?\\s*\\)|[A-Z][A-Z0-9_]*\\s*\\))");
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(p);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).trim();
                    Matcher mt = numberArg.matcher(line);
                    if (!line.startsWith("*") && !line.startsWith("//") && mt.find()) {
                        offenders.add(root.relativize(p) + ":" + (i + 1) + ": " + lines.get(i).trim());
                    }
                }
            }
        }
        assertTrue(offenders.isEmpty(), "use Scalars.mul/div instead:\n" + String.join("\n", offenders));
    }
}

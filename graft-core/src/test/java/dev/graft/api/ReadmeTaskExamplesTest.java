package dev.graft.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Compiles the README's Java program for each task (multi-label, regression) and for domain adaptation and few-shot
 * classification, and runs it on the shared data it reads,
 * from the repository root, as a reader would; the run is skipped when {@code ../shared} is absent, the compilation
 * never is.
 */
class ReadmeTaskExamplesTest {

    @ParameterizedTest
    @CsvSource({
            "ReadmeMultiLabelExample, micro_f1, ../shared/data/text/goemotions_ekman/train.tsv",
            "ReadmeRegressionExample, pearson, ../shared/data/text/stsb/train.tsv",
            "ReadmeAdaptExample, target_accuracy, ../shared/data/text/amazon_multidomain/books/train.tsv",
            "ReadmeFewShotExample, accuracy, ../shared/data/text/amazon_multidomain/books/dev.tsv"})
    void readmeTaskExampleCompilesAndRuns(String className, String metric, String data, @TempDir Path work) throws Exception {
        Path root = Path.of(System.getProperty("graft.repo.root", "..")).toAbsolutePath().normalize();
        String readme = Files.readString(root.resolve("README.md"));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        String source = null;
        while (m.find() && source == null) {
            source = m.group(1).contains("public class " + className + " ") ? m.group(1) : null;
        }
        assertTrue(source != null, "README.md has no ```java block with the class " + className);
        Path file = work.resolve(className + ".java");
        Files.writeString(file, source);
        String classpath = System.getProperty("java.class.path");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", work.toString(), "-cp", classpath, file.toString()),
                "the README's " + className + " does not compile");

        assumeTrue(Files.isRegularFile(root.resolve(data)), "shared data absent: " + data);
        Path log = work.resolve("run.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", work + File.pathSeparator + classpath, className)
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), className + " did not finish in 10 minutes");
        String output = Files.readString(log);
        assertEquals(0, p.exitValue(), className + " failed:\n" + output);
        Matcher figure = Pattern.compile(metric + "\\s+(\\d\\.\\d+)").matcher(output);
        assertTrue(figure.find(), "expected the test metrics with " + metric + ":\n" + output);
        double value = Double.parseDouble(figure.group(1));
        assertTrue(value > 0.3, metric + " should show the model learnt something, got " + value + ":\n" + output);
    }
}

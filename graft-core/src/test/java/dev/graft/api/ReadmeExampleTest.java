package dev.graft.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiles the README's Java example and runs it from the repository root, as a reader would. */
class ReadmeExampleTest {

    @Test
    void readmeJavaExampleCompilesAndRuns(@TempDir Path work) throws Exception {
        Path root = Path.of(System.getProperty("graft.repo.root", "..")).toAbsolutePath().normalize();
        String readme = Files.readString(root.resolve("README.md"));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        String source = null;
        while (m.find() && source == null) {
            source = m.group(1).contains("public class ReadmeExample") ? m.group(1) : null;
        }
        assertTrue(source != null, "README.md has no ```java block with the ReadmeExample class");
        Matcher cls = Pattern.compile("public class (\\w+)").matcher(source);
        assertTrue(cls.find(), "the README example must be a complete public class");
        Path file = work.resolve(cls.group(1) + ".java");
        Files.writeString(file, source);

        String classpath = System.getProperty("java.class.path");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int compiled = javac.run(null, null, null, "-d", work.toString(), "-cp", classpath, file.toString());
        assertEquals(0, compiled, "the README example does not compile");

        Path log = work.resolve("run.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", work + File.pathSeparator + classpath, cls.group(1))
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the README example did not finish in 5 minutes");
        String output = Files.readString(log);
        assertEquals(0, p.exitValue(), "the README example failed:\n" + output);
        assertTrue(output.contains("macro avg"), "expected the test metrics table:\n" + output);
        List<String> lines = output.lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.matches("(account|billing|bug|feature_request) 0\\.\\d+"), "last line should be 'label probability': " + last);
        assertTrue(Files.isRegularFile(root.resolve("target/readme-example-model/graft-model.json")));
    }
}

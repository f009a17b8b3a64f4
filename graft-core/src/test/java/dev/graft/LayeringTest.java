package dev.graft;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Lower layers never import higher ones: the architecture the folder tree shows is the real one. */
class LayeringTest {

    /** Packages from the bottom layer up; a package may import its own layer and those before it. */
    private static final List<List<String>> LAYERS = List.of(
            List.of("util", "tensor"),
            List.of("model"),
            List.of("data"),
            List.of("metrics"),
            List.of("task"),
            List.of("training"),
            List.of("artifact"),
            List.of("strategy"),
            List.of("eval", "report", "tracking", "selection", "tuning"),
            List.of("api"));

    @Test
    void noPackageImportsAHigherLayer() throws IOException {
        Path src = Path.of("src/main/java/dev/graft");
        // imports and fully-qualified references in code (comments and Javadoc are stripped first)
        Pattern imp = Pattern.compile("\\bdev\\.graft\\.(\\w+)\\.");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(src)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String own = src.relativize(f).getName(0).toString();
                if (own.endsWith(".java")) {
                    continue;
                }
                int ownLayer = layerOf(own);
                assertTrue(ownLayer >= 0, "package dev.graft." + own + " is in no layer; add it to LAYERS");
                String code = Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "")
                        .replaceAll("(?m)^package .*$", "");
                Matcher m = imp.matcher(code);
                while (m.find()) {
                    int used = layerOf(m.group(1));
                    if (used > ownLayer) {
                        violations.add(src.relativize(f) + " uses dev.graft." + m.group(1));
                    }
                }
            }
        }
        assertTrue(violations.isEmpty(), "layering violations:\n" + String.join("\n", violations));
    }

    private static int layerOf(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(pkg)) {
                return i;
            }
        }
        return -1;
    }
}

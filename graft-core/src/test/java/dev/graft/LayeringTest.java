package dev.graft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Lower layers never import higher ones, in graft-core's packages and between the modules: the architecture the
 * folder tree shows is the real one.
 */
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
            List.of("eval", "report", "tracking", "selection", "tuning", "serve"),
            List.of("run"),
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
                String code = code(f).replaceAll("(?m)^package .*$", "");
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

    /** A module of the build and the top-level {@code dev.graft} packages of other modules it must never use. */
    private record Module(String folder, Set<String> neverUses, Set<String> mayDependOn) {
    }

    /**
     * The modules, bottom up: graft-cli and graft-spark are built on graft-core, side by side (the CLI finds the
     * spark-* commands through {@code dev.graft.api.CommandPlugin}); the library knows neither.
     */
    private static final List<Module> MODULES = List.of(
            new Module("graft-core", Set.of("cli", "bench", "spark"), Set.of()),
            new Module("graft-cli", Set.of("spark"), Set.of("graft-core")),
            new Module("graft-spark", Set.of("cli", "bench"), Set.of("graft-core")));

    /** The build's root folder: tests run in their module's folder. */
    private static Path buildRoot() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path pom = root.resolve("pom.xml");
        assertTrue(Files.isRegularFile(pom) && Files.readString(pom).contains("<artifactId>graft-parent</artifactId>"),
                "expected the graft-parent pom at " + pom + " (tests run in the module's folder)");
        return root;
    }

    @Test
    void everyModuleOfTheBuildHasItsRules() throws Exception {
        Element project = xml(buildRoot().resolve("pom.xml"));
        List<String> declared = new ArrayList<>();
        NodeList modules = project.getElementsByTagName("module");
        for (int i = 0; i < modules.getLength(); i++) {
            declared.add(modules.item(i).getTextContent().trim());
        }
        assertEquals(MODULES.stream().map(Module::folder).sorted().toList(), declared.stream().sorted().toList(),
                "the root pom's modules and LayeringTest.MODULES differ: give a new module its rules here");
    }

    @Test
    void noModuleUsesTheCodeOfAModuleItMustNotKnow() throws IOException {
        Path root = buildRoot();
        Pattern ref = Pattern.compile("\\bdev\\.graft\\.(\\w+)\\b");
        List<String> violations = new ArrayList<>();
        for (Module module : MODULES) {
            Path main = root.resolve(module.folder()).resolve("src/main");
            assertTrue(Files.isDirectory(main.resolve("java")), "module folder missing: " + main.resolve("java"));
            for (Path tree : List.of(main, root.resolve(module.folder()).resolve("src/test"))) {
                if (!Files.isDirectory(tree)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(tree)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        String where = root.relativize(f).toString();
                        // a service registered for another module's interface is a use of that module too
                        String text = f.toString().endsWith(".java") ? code(f)
                                : f.getParent().endsWith(Path.of("META-INF", "services")) ? f.getFileName() + "\n" + Files.readString(f) : "";
                        Matcher m = ref.matcher(text);
                        while (m.find()) {
                            if (module.neverUses().contains(m.group(1))) {
                                violations.add(where + " uses " + m.group());
                            }
                        }
                    }
                }
            }
        }
        assertTrue(violations.isEmpty(), "module layering violations:\n" + String.join("\n", violations));
    }

    @Test
    void modulePomsDependOnlyOnTheModulesBelowThem() throws Exception {
        Path root = buildRoot();
        for (Module module : MODULES) {
            Path pom = root.resolve(module.folder()).resolve("pom.xml");
            assertTrue(Files.isRegularFile(pom), "module pom missing: " + pom);
            NodeList dependencies = xml(pom).getElementsByTagName("dependency"); // in any scope, profile or plugin
            for (int i = 0; i < dependencies.getLength(); i++) {
                Element d = (Element) dependencies.item(i);
                String group = child(d, "groupId");
                String artifact = child(d, "artifactId");
                if (group.equals("dev.graft") || group.equals("${project.groupId}") || artifact.startsWith("graft-")) {
                    assertTrue(module.mayDependOn().contains(artifact), pom + " depends on " + group + ":" + artifact + "; "
                            + module.folder() + " may depend on " + (module.mayDependOn().isEmpty() ? "no Graft module"
                            : String.join(", ", module.mayDependOn())) + " only");
                }
            }
        }
    }

    /** The text of a Java file without its comments and Javadoc. */
    private static String code(Path javaFile) throws IOException {
        return Files.readString(javaFile).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
    }

    private static Element xml(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile()).getDocumentElement();
    }

    /** The text of {@code e}'s own child element {@code name} (not one inside its exclusions), or "". */
    private static String child(Element e, String name) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) {
                return c.getTextContent().trim();
            }
        }
        return "";
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

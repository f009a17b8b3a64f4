package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.strategy.ImageBackbone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft auto} on images: the speed probe runs on the cheapest imported backbone and is recorded, its features
 * are reused by that backbone's ranking, and a model comes out inside the limit. Two imported copies of the same
 * seeded network make the reuse checkable: the ranking that joined the probe's features with the rest of the sample
 * must score exactly as the one that embedded the whole sample at once.
 */
@ExtendWith(PrivateGraftHome.class)
class AutoImageCliTest {

    @TempDir
    Path dir;

    private static void copy(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void theProbeIsRecordedAndItsFeaturesServeTheRanking() throws Exception {
        Path train = TinyImages.colours(dir, "train", 60, 1);
        Path backbone = TinyImages.backbone(dir);
        copy(backbone, ImageBackbone.importedModels().resolve("tiny-a"));
        copy(backbone, ImageBackbone.importedModels().resolve("tiny-b"));
        Path out = dir.resolve("out");
        long t0 = System.nanoTime();
        CliHarness.Result r = CliHarness.run("auto", "--train", train.toString(), "--out", out.toString(), "--time-limit", "4m",
                "--max-trials", "0", "--seed", "3");
        double wall = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, r.code(), r::toString);
        assertTrue(wall <= 1.1 * 240, "wall " + wall);
        assertTrue(r.out().contains("Planned at speed factor"), r.out());
        assertTrue(r.err().contains("speed probe: embedding 32 training examples with tiny-a"), r.err());

        JsonNode journal = new ObjectMapper().readTree(out.resolve("auto-journal.json").toFile());
        JsonNode calibration = journal.get("calibration");
        assertEquals("tiny-a", calibration.get("backbone").asText(), journal::toString);
        assertEquals(32, calibration.get("examples").asInt());
        double factor = calibration.get("factor").asDouble();
        double halfSteps = 2 * Math.log(factor) / Math.log(2);
        assertEquals(Math.rint(halfSteps), halfSteps, 1e-9, "a power of sqrt 2: " + factor);

        Map<String, JsonNode> byId = new HashMap<>();
        journal.get("candidates").forEach(c -> byId.put(c.get("id").asText(), c));
        JsonNode a = byId.get("rank:tiny-a");
        JsonNode b = byId.get("rank:tiny-b");
        assertEquals("DONE", a.get("status").asText(), journal::toString);
        assertEquals("DONE", b.get("status").asText(), journal::toString);
        assertEquals(b.get("score").asDouble(), a.get("score").asDouble(), 1e-6,
                "the probe's features joined with the rest score as the whole sample embedded at once");
        assertTrue(byId.values().stream().anyMatch(c -> c.get("id").asText().startsWith("fe:") && "DONE".equals(c.get("status").asText())),
                journal::toString);
        assertTrue(Files.isDirectory(out.resolve("model")));
    }
}

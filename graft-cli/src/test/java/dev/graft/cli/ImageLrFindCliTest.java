package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft lr-find} on images, as on text: the head on frozen features and the fine-tuned CNN each sweep the rate
 * over real training steps (the loss is finite and moves), the suggestion lies inside the sweep, the same seed gives
 * the same curve, and a strategy images cannot use is refused.
 */
@ExtendWith(PrivateGraftHome.class)
class ImageLrFindCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void sweepsFrozenAndFineTunedImageModels() throws Exception {
        Path train = TinyImages.colours(dir, "train", 48, 1);
        Path model = TinyImages.backbone(dir);
        String[] common = {"lr-find", "--train", train.toString(), "--model", model.toString(), "--steps", "12",
                "--start", "1e-5", "--end", "1", "--batch-size", "8", "--seed", "4", "--json"};

        for (String strategy : new String[] {"feature-extraction", "fine-tune"}) {
            CliHarness.Result r = CliHarness.run(concat(common, "--strategy", strategy));
            assertEquals(0, r.code(), r::toString);
            JsonNode o = JSON.readTree(r.out());
            assertEquals(strategy, o.get("strategy").asText());
            JsonNode losses = o.get("losses");
            assertTrue(losses.size() >= 6, r::toString);
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (JsonNode l : losses) {
                assertTrue(Double.isFinite(l.asDouble()), r::toString);
                min = Math.min(min, l.asDouble());
                max = Math.max(max, l.asDouble());
            }
            assertTrue(max - min > 1e-4, "the loss must respond to the rate: " + losses);
            double s = o.get("suggestion").asDouble();
            assertTrue(s >= 1e-5 && s <= 1, "suggestion " + s);

            CliHarness.Result again = CliHarness.run(concat(common, "--strategy", strategy));
            assertEquals(r.out(), again.out(), "same seed, same sweep");
        }

        CliHarness.Result lora = CliHarness.run(concat(common, "--strategy", "lora"));
        assertNotEquals(0, lora.code());
        assertTrue(lora.err().contains("lora"), lora::toString);
    }

    private static String[] concat(String[] common, String... more) {
        String[] all = java.util.Arrays.copyOf(common, common.length + more.length);
        System.arraycopy(more, 0, all, common.length, more.length);
        return all;
    }
}

package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.strategy.FineTuneConfig;
import dev.graft.strategy.ImageTransfer;
import dev.graft.training.LrSchedule;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code --schedule} and {@code --warmup} mean the same for images as for text: what is given applies, what is not
 * keeps the strategy's own schedule (linear with 10% warm-up for text, one-cycle with a 25% rise for CNNs).
 */
class ScheduleOptionsTest {

    private static TrainCommand parsed(String... options) {
        TrainCommand cmd = new TrainCommand();
        String[] args = new String[options.length + 6];
        System.arraycopy(new String[] {"--train", "data", "--out", "model", "--strategy", "fine-tune"}, 0, args, 0, 6);
        System.arraycopy(options, 0, args, 6, options.length);
        new CommandLine(cmd).parseArgs(args);
        return cmd;
    }

    private static LrSchedule image(String... options) {
        return parsed(options).options.request().imageFineTuneConfig().training().schedule();
    }

    private static LrSchedule text(String... options) {
        return parsed(options).options.fineTuneConfig().training().schedule();
    }

    @Test
    void imagesKeepTheCnnRecipeUnlessTold() {
        assertEquals(ImageTransfer.cnnDefaults().training().schedule(), image());
        assertEquals(LrSchedule.oneCycle(0.25), image());
        assertEquals(LrSchedule.warmupLinear(0.1), image("--schedule", "linear"), "an explicit linear schedule is linear");
        assertEquals(LrSchedule.oneCycle(0.3), image("--warmup", "0.3"), "a warm-up alone keeps one-cycle");
        assertEquals(LrSchedule.oneCycle(0.25), image("--schedule", "onecycle"));
        assertEquals(LrSchedule.warmupCosine(0.05), image("--schedule", "cosine", "--warmup", "0.05"));
        assertEquals(LrSchedule.constant(), image("--schedule", "constant"));
    }

    @Test
    void textSchedulesAreAsBefore() {
        assertEquals(FineTuneConfig.defaults().training().schedule(), text());
        assertEquals(LrSchedule.warmupLinear(0.1), text());
        assertEquals(LrSchedule.warmupLinear(0.3), text("--warmup", "0.3"));
        assertEquals(LrSchedule.warmupCosine(0.1), text("--schedule", "cosine"));
        assertEquals(LrSchedule.oneCycle(0.1), text("--schedule", "onecycle"));
        assertEquals(LrSchedule.oneCycle(0.25), text("--schedule", "onecycle", "--warmup", "0"));
        assertEquals(LrSchedule.constant(), text("--schedule", "constant", "--warmup", "0.2"));
        FineTuneConfig c = parsed("--schedule", "cosine", "--warmup", "0.2").options.fineTuneConfig();
        assertEquals("cosine", c.describe().get("schedule"));
        assertEquals(0.2, c.describe().get("warmup"));
    }
}

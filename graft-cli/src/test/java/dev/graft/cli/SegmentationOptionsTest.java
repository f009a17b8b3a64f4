package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.strategy.segmentation.SegmentationConfig;
import dev.graft.training.FreezeSchedule;
import dev.graft.training.LrSchedule;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code graft train --task segmentation}: the flags reach the run's settings. */
class SegmentationOptionsTest {

    private static TrainCommand parsed(String... options) {
        TrainCommand cmd = new TrainCommand();
        String[] args = new String[options.length + 6];
        System.arraycopy(new String[] {"--train", "data", "--out", "model", "--task", "segmentation"}, 0, args, 0, 6);
        System.arraycopy(options, 0, args, 6, options.length);
        new CommandLine(cmd).parseArgs(args);
        return cmd;
    }

    private static SegmentationConfig config(String... options) {
        TrainCommand c = parsed(options);
        return dev.graft.run.SegmentationTrainingRun.config(SegmentationCli.request(c));
    }

    @Test
    void featureExtractionFreezesTheEncoderAndFineTuneUnfreezesAfterTheDecoderEpoch() {
        TrainCommand c = parsed("--strategy", "feature-extraction");
        assertTrue(SegmentationCli.requested(c.options));
        SegmentationConfig frozen = config("--strategy", "feature-extraction");
        assertTrue(frozen.frozenEncoder());
        assertEquals(FreezeSchedule.headOnly(), frozen.training().freeze());
        SegmentationConfig ft = config("--strategy", "fine-tune", "--lr-backbone", "3e-4", "--layer-decay", "0.5", "--gradual");
        assertFalse(ft.frozenEncoder());
        assertEquals(3e-4, ft.training().backboneLr());
        assertEquals(0.5, ft.training().layerDecay());
        assertTrue(ft.training().freeze().gradual());
        assertEquals(1, ft.training().freeze().headEpochs());
        assertFalse(ft.trainBatchNorm(), "the encoder's BatchNorm keeps its statistics by default");
        assertTrue(config("--strategy", "fine-tune", "--train-bn").trainBatchNorm());
    }

    @Test
    void cropsLossScheduleAndAugmentationComeFromTheirFlags() {
        SegmentationConfig c = config("--strategy", "fine-tune", "--crop", "96", "--crops-per-epoch", "10", "--tile-overlap", "16",
                "--dice-weight", "0", "--focal-gamma", "2", "--augment", "none", "--epochs", "3", "--batch-size", "2",
                "--schedule", "linear", "--seed", "7");
        assertEquals(96, c.crop());
        assertEquals(10, c.cropsPerEpoch());
        assertEquals(16, c.overlap());
        assertEquals(0.0, c.diceWeight());
        assertEquals(2.0, c.focalGamma());
        assertFalse(c.augmentation().flips());
        assertEquals(3, c.training().training().epochs());
        assertEquals(2, c.training().training().batchSize());
        assertEquals(7, c.training().training().seed());
        assertEquals(LrSchedule.warmupLinear(0.1), c.training().training().schedule());
        assertEquals("mean_iou", c.training().training().monitor().key());
        assertEquals(LrSchedule.oneCycle(0.25), config("--strategy", "fine-tune").training().training().schedule());
        assertEquals(dev.graft.model.vision.seg.DecoderKind.UNET, c.decoder());
        assertEquals(0.0, c.augmentation().elastic());
        SegmentationConfig light = config("--decoder", "lraspp", "--elastic", "4");
        assertEquals(dev.graft.model.vision.seg.DecoderKind.LRASPP, light.decoder());
        assertEquals(4.0, light.augmentation().elastic());
    }

    @Test
    void badValuesAreRefusedNamingTheFlag() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config("--crop", "100"));
        assertTrue(e.getMessage().contains("crop") && e.getMessage().contains("32"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> config("--augment", "wild"));
        IllegalArgumentException d = assertThrows(IllegalArgumentException.class, () -> config("--decoder", "fpn"));
        assertTrue(d.getMessage().contains("decoder") && d.getMessage().contains("lraspp"), d.getMessage());
        assertThrows(IllegalArgumentException.class, () -> config("--elastic", "-2"));
    }
}

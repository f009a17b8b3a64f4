package dev.graft.strategy.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.artifact.ImageSegmenter;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.data.image.masks.MaskClasses;
import dev.graft.data.image.masks.SegmentationDataReader;
import dev.graft.data.image.masks.SegmentationDataset;
import dev.graft.strategy.ImageBackbone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains briefly on the ISBI 2012 membranes (skipped without ../shared) and checks the saved model scores the same. */
class SegmentationTrainingTest {

    @TempDir
    Path tmp;

    static Path shared() {
        String root = System.getProperty("graft.repo.root", ".");
        return Stream.of(Path.of(root).resolve("../shared"), Path.of("../shared"), Path.of("../../shared"))
                .filter(p -> Files.isDirectory(p.resolve("data/images/em_membrane"))).findFirst().orElse(null);
    }

    @Test
    void trainsSavesAndLoadsAModelThatScoresTheSame() throws Exception {
        Path shared = shared();
        assumeTrue(shared != null && Files.isRegularFile(shared.resolve("models/mobilenetv2-12-dequantized-fp32.onnx")),
                "../shared em_membrane data or MobileNetV2 not present");
        ImageBackbone.importOnnx(shared.resolve("models/mobilenetv2-12-dequantized-fp32.onnx"), tmp.resolve("mnv2"), "mobilenetv2",
                "Apache-2.0", PreprocessorConfig.imagenet());
        ImageBackbone backbone = ImageBackbone.open(tmp.resolve("mnv2"));
        SegmentationDataset all = SegmentationDataReader.read(shared.resolve("data/images/em_membrane"), MaskClasses.binary(-1), false);
        assertEquals(30, all.size());
        SegmentationDataset.Split split = all.split(1.0 / 6, 1.0 / 6, 42);
        SegmentationDataset.Split small = new SegmentationDataset.Split(split.train(), split.val().subset(new int[] {0}, "v"), null);
        SegmentationConfig base = SegmentationConfig.defaults(true).withCrops(128, 8, 32);
        SegmentationConfig config = base.withTraining(base.training().withTraining(base.training().training().withEpochs(1).withBatchSize(4)));
        SegmentationOutcome outcome = SegmentationTraining.train(backbone, small, config, List.of());
        double dice = outcome.val().overall().foregroundDice();
        assertTrue(dice > 0 && dice <= 1, "foreground Dice " + dice);
        Path dir = tmp.resolve("model");
        int w = small.val().mask(0).width();
        int h = small.val().mask(0).height();
        float[] before;
        try (ImageSegmenter model = outcome.model()) {
            before = model.probabilities(small.val().pixels(0), w, h);
            model.save(dir, SegmentationTraining.provenance(outcome, config, backbone), outcome.metrics(), staging -> { });
        }
        try (ImageSegmenter loaded = ImageSegmenter.load(dir)) {
            float[] after = loaded.probabilities(small.val().pixels(0), w, h);
            long nan = 0;
            for (int i = 0; i < before.length; i++) {
                nan += Float.isNaN(before[i]) || Float.isNaN(after[i]) ? 1 : 0;
            }
            assertEquals(0, nan, "NaN probabilities (uninitialised channel padding in the CPU kernels?)");
            double maxDiff = 0;
            for (int i = 0; i < before.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(before[i] - after[i]));
            }
            assertTrue(maxDiff < 1e-4, "saved and loaded model differ by up to " + maxDiff);
            ImageSegmenter.Scores again = loaded.score(small.val());
            assertEquals(outcome.val().overall().foregroundDice(), again.overall().foregroundDice(), 1e-4);
            assertEquals("feature-extraction", loaded.strategy());
            assertEquals(Map.of("bg", 0), Map.of("bg", loaded.task().classValues()[0]));
        }
    }
}

package dev.graft.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.data.image.masks.LabelMask;
import dev.graft.data.image.masks.MaskTargets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SegmentationTaskTest {

    private static MaskTargets one(LabelMask m) {
        return new MaskTargets() {
            public int size() {
                return 1;
            }

            public LabelMask mask(int i) {
                return m;
            }

            public int numClasses() {
                return 2;
            }
        };
    }

    /** Logits of 2 classes at 3 pixels (1×3 image); the third pixel is ignored. */
    @Test
    void crossEntropyAndDiceByHandWithIgnoredPixels() {
        float[] l0 = {2f, 0f, 5f};
        float[] l1 = {0f, 1f, -5f};
        int[] gold = {0, 1, LabelMask.IGNORE};
        try (NDManager nd = NDManager.newBaseManager()) {
            float[] flat = new float[6];
            System.arraycopy(l0, 0, flat, 0, 3);
            System.arraycopy(l1, 0, flat, 3, 3);
            NDArray logits = nd.create(flat, new Shape(1, 2, 1, 3));
            Targets.Masks t = new Targets.Masks(one(new LabelMask(3, 1, gold)));
            SegmentationTask ce = new SegmentationTask(List.of("bg", "fg"), new int[] {0, 255}, -1, 0, 0, 64, 16);
            NDArray y = ce.batchTargets(nd, t, new int[] {0});
            double p00 = Math.exp(2) / (Math.exp(2) + 1);   // P(bg) at pixel 0
            double p11 = Math.exp(1) / (Math.exp(1) + 1);   // P(fg) at pixel 1
            double expectedCe = -(Math.log(p00) + Math.log(p11)) / 2;
            assertEquals(expectedCe, ce.loss(logits, y).getFloat(), 1e-5);
            // Dice per class over counted pixels: bg: p = (p00, 1-p11), y = (1, 0); fg: p = (1-p00, p11), y = (0, 1)
            double diceBg = (2 * p00 + 1) / (p00 + (1 - p11) + 1 + 1);
            double diceFg = (2 * p11 + 1) / ((1 - p00) + p11 + 1 + 1);
            SegmentationTask both = new SegmentationTask(List.of("bg", "fg"), new int[] {0, 255}, -1, 0.5, 0, 64, 16);
            assertEquals(expectedCe + 0.5 * (1 - (diceBg + diceFg) / 2), both.loss(logits, y).getFloat(), 1e-5);
            SegmentationTask focal = new SegmentationTask(List.of("bg", "fg"), new int[] {0, 255}, -1, 0, 2, 64, 16);
            double expectedFocal = -(Math.pow(1 - p00, 2) * Math.log(p00) + Math.pow(1 - p11, 2) * Math.log(p11)) / 2;
            assertEquals(expectedFocal, focal.loss(logits, y).getFloat(), 1e-5);
            // validation loss and scores read the activated probabilities, channel-major
            float[][] act = {ce.activate(logits).toFloatArray()};
            float[] plain = ce.activate(flat);
            for (int i = 0; i < flat.length; i++) {
                assertEquals(act[0][i], plain[i], 1e-6, "engine-free softmax, output " + i);
            }
            assertEquals(expectedCe, ce.validationLoss(act, t), 1e-5);
            assertEquals(1.0, ce.score(act, t).pixelAccuracy(), 1e-12);
        }
    }

    @Test
    void settingsRestoreTheTask() {
        SegmentationTask t = new SegmentationTask(List.of("bg", "fg"), new int[] {0, 255}, 128, 1, 2, 256, 64);
        SegmentationTask r = (SegmentationTask) Tasks.restore(dev.graft.data.TaskKind.SEGMENTATION, t.outputNames(),
                new java.util.LinkedHashMap<>(t.settings()));
        assertEquals(t.settings(), r.settings());
        assertEquals(Map.of("bg", 0.75, "fg", 0.25), t.decode(new float[] {0.9f, 0.8f, 0.6f, 0.1f, 0.1f, 0.2f, 0.4f, 0.9f}).scores()
                .entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }
}

package dev.graft.strategy.segmentation;

import dev.graft.artifact.ImageSegmenter;
import dev.graft.data.image.masks.SegmentationDataset;
import dev.graft.training.FitResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a segmentation run produced.
 *
 * @param model   the trained model (best epoch by the monitored validation figure)
 * @param fit     the training history
 * @param split   the data it was trained, validated and tested on
 * @param val     the kept model's scores on the validation images
 * @param test    its scores on the test images, or {@code null} without a test split
 * @param seconds wall time of training and scoring
 */
public record SegmentationOutcome(ImageSegmenter model, FitResult fit, SegmentationDataset.Split split,
                                  ImageSegmenter.Scores val, ImageSegmenter.Scores test, double seconds) {

    /**
     * The figures written to {@code metrics.json}: validation and test metrics with their per-class tables, and the
     * fit's {@link FitResult#summary}.
     */
    public Map<String, Object> metrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("validation", val.overall().toMap());
        if (test != null) {
            m.put("test", test.overall().toMap());
        }
        m.putAll(fit.summary());
        m.put("train_seconds", fit.seconds());
        return m;
    }
}

package dev.graft.strategy;

import ai.djl.Device;
import dev.graft.data.image.ImageDataset;
import dev.graft.model.text.TextModelSpec;
import dev.graft.util.Progress;
import java.util.ArrayList;
import java.util.List;

/**
 * Frozen pretrained features for the strategies that work on fixed vectors (few-shot prototypes,
 * domain adaptation): text through the {@link EmbeddingCache} (the encoder is opened only on a
 * cache miss), images through {@link ImageTransfer#frozenFeatures}. The same vectors feature
 * extraction trains its head on, so a head trained on them runs unchanged in a saved model.
 */
public final class FrozenFeatures {

    private FrozenFeatures() {
    }

    /** Sentence vectors of each list of texts, in order, from the cache where possible. */
    public static List<float[][]> texts(TextModelSpec backbone, List<List<String>> sets, FeatureExtractionConfig config,
                                        Progress progress) {
        EmbeddingCache cache = config.embeddingCache();
        List<float[][]> out = new ArrayList<>();
        try (LazyEncoder encoder = config.frozenEncoder(backbone, Device.cpu())) {
            for (List<String> texts : sets) {
                out.add(cache.embed(backbone, encoder, texts, progress));
            }
        }
        return out;
    }

    /** Pooled CNN features of each image set, in order, from the cache where possible. */
    public static List<float[][]> images(ImageBackbone backbone, List<ImageDataset> sets, FeatureExtractionConfig config, int workers,
                                         Progress progress) {
        return ImageTransfer.frozenFeatures(backbone, sets, config, workers, progress);
    }
}

package dev.graft.cli;

import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageSplits;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.strategy.ImageBackbone;
import java.io.PrintStream;

/** Image data and backbones as {@code graft rank} and {@code graft compare} read them (the same rules as {@code graft train}). */
final class ImageInputs {

    private ImageInputs() {
    }

    /** Threads for image work: --threads, else at most 2. */
    static int threads(TrainingOptions o) {
        return o.threads != null ? o.threads : Math.min(2, Runtime.getRuntime().availableProcessors());
    }

    /** Reads and verifies the splits (unreadable images skipped and reported). */
    static ImageSplits splits(TrainingOptions o, PrintStream err) {
        int threads = threads(o);
        ImageDataset train = ImageDataReader.read(o.train);
        if (o.maxTrain != null) {
            train = train.subsample(o.maxTrain, o.seed);
        }
        train = verified(train, threads, err);
        ImageDataset val = o.val == null ? null : verified(ImageDataReader.read(o.val), threads, err);
        ImageDataset test = o.test == null ? null : verified(ImageDataReader.read(o.test), threads, err);
        return ImageSplits.of(train, val, test, o.valFraction, o.testFraction, o.seed);
    }

    /**
     * A backbone by name ({@code NAME-random}: its random-initialised variant), with the crop size
     * {@code imageSize} when given.
     */
    static ImageBackbone backbone(String name, Integer imageSize) {
        boolean random = name.endsWith(ImageBackbone.RANDOM_SUFFIX);
        ImageBackbone b = ImageTraining.resolveModel(random ? name.substring(0, name.length() - ImageBackbone.RANDOM_SUFFIX.length()) : name);
        b = resized(b, imageSize);
        return random ? b.randomInit() : b;
    }

    /** {@code b} with crop size {@code imageSize} (shorter side resized to size·256/224 first), or unchanged when null. */
    static ImageBackbone resized(ImageBackbone b, Integer imageSize) {
        if (imageSize == null) {
            return b;
        }
        var p = b.preprocessing();
        var q = new PreprocessorConfig((int) Math.round(imageSize * 256.0 / 224), imageSize, imageSize, p.rescaleFactor(), p.doNormalize(),
                p.mean(), p.std());
        return new ImageBackbone(b.id(), b.directory(), b.sha256(), b.license(), b.source(), q);
    }

    private static ImageDataset verified(ImageDataset d, int threads, PrintStream err) {
        ImageDataset v = d.verify(threads, false);
        v.skippedNote().ifPresent(err::println);
        return v;
    }
}

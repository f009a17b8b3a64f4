package dev.graft.run;

import dev.graft.data.TaskKind;
import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageSplits;
import dev.graft.strategy.ImageBackbone;
import java.io.IOException;
import dev.graft.util.Arguments;
import java.util.function.Consumer;
import java.nio.file.Files;
import java.nio.file.Path;

/** Image data and backbones as {@code graft rank} and {@code graft compare} read them (the same rules as {@code graft train}). */
/**
 * Image data and backbones as a run reads them: splits of verified images (unreadable ones skipped and reported),
 * backbones by name with an optional crop size, and the check that a model is not written inside its own data.
 */
public final class ImageInputs {

    private ImageInputs() {
    }

    /**
     * Reads and verifies the splits (unreadable images skipped and reported) of a classification: ranking and comparing
     * score classifiers.
     *
     * @throws IllegalArgumentException when the data options name another task
     */
    public static ImageSplits splits(TrainingRequest o, Consumer<String> err) {
        TaskKind task = o.data.targets().task();
        if (task != TaskKind.CLASSIFICATION) {
            throw new IllegalArgumentException(Arguments.name("task") + " " + task.key() + ": ranking and comparing image backbones"
                    + " scores classifiers; train a " + task.key() + " model with " + Arguments.name("Graft.train") + ".");
        }
        int threads = o.imageThreads();
        ImageDataset train = ImageDataReader.read(o.trainFile);
        if (o.maxTrain != null) {
            train = train.subsample(o.maxTrain, o.seed);
        }
        train = verified(train, threads, false, err);
        ImageDataset val = o.valFile == null ? null : verified(ImageDataReader.read(o.valFile), threads, false, err);
        ImageDataset test = o.testFile == null ? null : verified(ImageDataReader.read(o.testFile), threads, false, err);
        return ImageSplits.of(train, val, test, o.valFraction, o.testFraction, o.seed);
    }

    /**
     * A backbone by name ({@code NAME-random}: its random-initialised variant), with the crop size
     * {@code imageSize} when given.
     */
    public static ImageBackbone backbone(String name, Integer imageSize) {
        boolean random = name.endsWith(ImageBackbone.RANDOM_SUFFIX);
        ImageBackbone b = ImageBackbone.resolve(random ? name.substring(0, name.length() - ImageBackbone.RANDOM_SUFFIX.length()) : name);
        b = resized(b, imageSize);
        return random ? b.randomInit() : b;
    }

    /**
     * {@code b} with crop size {@code imageSize} (shorter side resized to size·256/224 first), or unchanged when null;
     * a size the backbones cannot take is refused naming the image size.
     */
    public static ImageBackbone resized(ImageBackbone b, Integer imageSize) {
        if (imageSize == null) {
            return b;
        }
        try {
            return b.withImageSize(imageSize);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(Arguments.name("imageSize") + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses an output directory inside one of the image folders read: the saved model would be read back as a
     * class (its plots are images) by the next run on that folder.
     */
    public static void refuseOutputInsideData(Path out, Path... data) {
        Path o = real(out);
        for (Path d : data) {
            if (d != null && Files.isDirectory(d) && o.startsWith(real(d))) {
                throw new IllegalArgumentException(Arguments.name("output") + " " + out + " lies inside the image folder " + d
                        + " that this run reads: the saved model would be read as a class by the next run on it. Choose an "
                        + Arguments.name("output") + " outside " + d + ".");
            }
        }
    }

    /** {@code p} with symbolic links resolved as far as it exists (the rest appended), absolute and normalised. */
    private static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(abs));
        } catch (IOException e) {
            return abs;
        }
    }

    /** {@code d} with unreadable images skipped (each noted on {@code err}), or refused when {@code strict}. */
    static ImageDataset verified(ImageDataset d, int threads, boolean strict, Consumer<String> err) {
        ImageDataset v = d.verify(threads, strict);
        v.notices().forEach(err);
        return v;
    }
}

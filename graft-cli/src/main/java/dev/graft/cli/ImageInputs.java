package dev.graft.cli;

import dev.graft.data.TaskKind;
import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageSplits;
import dev.graft.strategy.ImageBackbone;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Image data and backbones as {@code graft rank} and {@code graft compare} read them (the same rules as {@code graft train}). */
final class ImageInputs {

    private ImageInputs() {
    }

    /** Threads for image work: --threads, else at most 2. */
    static int threads(TrainingOptions o) {
        return o.threads != null ? o.threads : Math.min(2, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Reads and verifies the splits (unreadable images skipped and reported) of a classification: ranking and comparing
     * score classifiers.
     *
     * @throws IllegalArgumentException when {@code --task} names another task
     */
    static ImageSplits splits(TrainingOptions o, PrintStream err) {
        TaskKind task = o.data.targets().task();
        if (task != TaskKind.CLASSIFICATION) {
            throw new IllegalArgumentException("--task " + task.key() + ": ranking and comparing image backbones scores"
                    + " classifiers; train a " + task.key() + " model with graft train.");
        }
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

    /**
     * {@code b} with crop size {@code imageSize} (shorter side resized to size·256/224 first), or unchanged when null;
     * a size the backbones cannot take is refused naming {@code --image-size}.
     */
    static ImageBackbone resized(ImageBackbone b, Integer imageSize) {
        if (imageSize == null) {
            return b;
        }
        try {
            return b.withImageSize(imageSize);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--image-size: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses an output directory inside one of the image folders read: the saved model would be read back as a
     * class (its plots are images) by the next run on that folder.
     */
    static void refuseOutputInsideData(Path out, Path... data) {
        Path o = real(out);
        for (Path d : data) {
            if (d != null && Files.isDirectory(d) && o.startsWith(real(d))) {
                throw new IllegalArgumentException("--out " + out + " lies inside the image folder " + d + " that this run reads:"
                        + " the saved model would be read as a class by the next run on it. Choose an --out outside " + d + ".");
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

    private static ImageDataset verified(ImageDataset d, int threads, PrintStream err) {
        ImageDataset v = d.verify(threads, false);
        v.notices().forEach(err::println);
        return v;
    }
}

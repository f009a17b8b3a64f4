package dev.graft.run;

import dev.graft.data.BoundedLineReader;
import dev.graft.data.DataException;
import dev.graft.util.Excerpt;
import dev.graft.data.DataOptions;
import dev.graft.data.Splits;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageDataset;
import dev.graft.strategy.ImageBackbone;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reading data for the runs that work on frozen features (few-shot, domain adaptation), text or images; notes on skipped
 * rows and unreadable images go to {@code notes}.
 */
public final class FrozenData {

    /** The label given to examples whose label is unknown or deliberately not read. */
    public static final String UNLABELLED = "?";

    private FrozenData() {
    }

    /** Whether {@code path} holds images (a folder of class folders, or a CSV of image paths). */
    public static boolean isImages(Path path) {
        return ImageDataReader.isImageData(path);
    }

    /** The image backbone named {@code model}; the text default {@code minilm} means {@code mobilenetv2} for images. */
    public static ImageBackbone imageModel(String model) {
        return ImageBackbone.resolve(TrainingRequest.DEFAULT_TEXT_MODEL.equals(model) ? TrainingRequest.DEFAULT_IMAGE_MODEL : model);
    }

    /** A labelled text file, optionally subsampled (stratified, seeded). */
    public static TextDataset labelledText(Path file, DataOptions options, Integer max, long seed, Consumer<String> notes) {
        TextDataset d = TextDataReader.read(file, options);
        TrainingRun.skippedNote(d).ifPresent(notes);
        return max == null ? d : Splits.subsample(d, max, seed);
    }

    /**
     * Texts whose labels must not be used: a labelled file (its label column is ignored: every
     * example is relabelled {@value #UNLABELLED} before anything else happens, subsampling included),
     * or, when the file has no label column, one text per non-blank line.
     */
    public static TextDataset unlabelledText(Path file, DataOptions options, Integer max, long seed) {
        TextDataset d;
        try {
            TextDataset read = TextDataReader.read(file, options);
            d = read.derive(read.name(), read.examples().stream().map(e -> new TextExample(e.text(), UNLABELLED, e.line())).toList());
        } catch (DataException e) {
            d = lines(file, options.maxLineBytes(), e);
        }
        return max == null ? d : Splits.subsample(d, max, seed);
    }

    /** A labelled text file, or one text per non-blank line (labelled {@value #UNLABELLED}) when it has no label column. */
    public static TextDataset maybeLabelledText(Path file, DataOptions options) {
        try {
            return TextDataReader.read(file, options);
        } catch (DataException e) {
            return lines(file, options.maxLineBytes(), e);
        }
    }

    /** Images with their folder labels, verified (unreadable ones skipped with a note), optionally subsampled. */
    public static ImageDataset images(Path path, Integer max, long seed, int threads, Consumer<String> notes) {
        return images(ImageDataReader.read(path), max, seed, threads, notes);
    }

    /** Images whose labels must not be used: relabelled {@value #UNLABELLED} before the (uniform) subsample. */
    public static ImageDataset unlabelledImages(Path path, Integer max, long seed, int threads, Consumer<String> notes) {
        ImageDataset d = ImageDataReader.read(path);
        d = d.withExamples(d.examples().stream().map(e -> new dev.graft.data.image.ImageExample(e.file(), UNLABELLED)).toList());
        return images(d, max, seed, threads, notes);
    }

    private static ImageDataset images(ImageDataset d, Integer max, long seed, int threads, Consumer<String> notes) {
        if (max != null) {
            d = d.subsample(max, seed);
        }
        return ImageInputs.verified(d, threads, false, notes);
    }

    private static TextDataset lines(Path file, int maxLineBytes, DataException cause) {
        if (!Files.isRegularFile(file)) {
            throw cause;
        }
        List<TextExample> out = new ArrayList<>();
        try (BoundedLineReader in = new BoundedLineReader(Files.newInputStream(file), file.toString(), maxLineBytes)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    out.add(new TextExample(line, UNLABELLED, in.lineNumber()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new DataException(file + " has no texts: it is not a readable data file (" + Excerpt.of(cause.getMessage())
                    + ") and has no non-blank lines. Give a CSV/TSV/JSONL file with a text column, or one text per line.");
        }
        return TextDataset.of(file.getFileName().toString(), out);
    }
}

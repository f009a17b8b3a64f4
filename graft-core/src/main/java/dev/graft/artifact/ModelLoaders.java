package dev.graft.artifact;

import dev.graft.artifact.export.ExportedModel;
import dev.graft.data.TaskKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one registry of model loaders that {@link GraftModel#load} consults, in order: segmentation models, image models,
 * token classifiers, question answerers, text models (single texts and pairs), exported ONNX graphs (a {@code .onnx}
 * file, {@link dev.graft.artifact.export.ExportedModel}), then any registered later. A new kind of model adds its loader
 * here or calls {@link #register}.
 */
public final class ModelLoaders {

    private static final List<ModelLoader> LOADERS = new CopyOnWriteArrayList<>(List.of(
            loader(m -> m.taskKind() == TaskKind.SEGMENTATION, ImageSegmenter::load),
            loader(m -> m.task().startsWith(ImageClassifier.MODALITY + "-"), ImageClassifier::load),
            loader(m -> m.taskKind() == TaskKind.TOKEN_CLASSIFICATION, TokenClassifier::load),
            loader(m -> m.taskKind() == TaskKind.QUESTION_ANSWERING, QuestionAnswerer::load),
            loader(m -> m.task().startsWith("text-"), TextClassifier::load),
            exportedGraphs()));

    private ModelLoaders() {
    }

    /** Adds a loader, consulted after those already registered. */
    public static void register(ModelLoader loader) {
        LOADERS.add(java.util.Objects.requireNonNull(loader, "loader"));
    }

    /**
     * Loads {@code dir} with the first loader that accepts its manifest.
     *
     * @throws IllegalArgumentException naming the directory when it is no Graft model, is damaged, or no loader takes it
     */
    static GraftModel load(Path dir) {
        if (Files.isRegularFile(dir)) {
            for (ModelLoader l : LOADERS) {
                if (l.acceptsFile(dir)) {
                    return l.load(dir);
                }
            }
            throw new IllegalArgumentException(dir + " is a file, not a Graft model: pass the output directory of "
                    + dev.graft.util.Arguments.name("Graft.train") + " or a .onnx file written by "
                    + dev.graft.util.Arguments.name("OnnxExport.export") + ".");
        }
        Path manifestFile = dir.resolve(ModelDirectory.MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new IllegalArgumentException(dir + " is not a Graft model directory (no " + ModelDirectory.MANIFEST
                    + "). Pass the output directory of `graft train`.");
        }
        ModelManifest m;
        try {
            m = Json.read(manifestFile, ModelManifest.class).checked(manifestFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read model " + dir + ": " + e.getMessage(), e);
        }
        for (ModelLoader l : LOADERS) {
            if (l.accepts(m)) {
                return l.load(dir);
            }
        }
        throw new IllegalArgumentException(dir + " holds a '" + m.task() + "' model, which this Graft cannot load (it"
                + " loads text and image classification, multi-label and regression models, text token classifiers, question answerers"
                + " and image segmenters)."
                + " It may have been written by a newer Graft.");
    }

    /** Files written by {@code graft export --format onnx}, predicted on ONNX Runtime alone. */
    private static ModelLoader exportedGraphs() {
        return new ModelLoader() {
            @Override
            public boolean accepts(ModelManifest manifest) {
                return false;
            }

            @Override
            public boolean acceptsFile(Path file) {
                return ExportedModel.isOnnxFile(file);
            }

            @Override
            public GraftModel load(Path file) {
                return ExportedModel.load(file);
            }
        };
    }

    private static ModelLoader loader(java.util.function.Predicate<ModelManifest> accepts,
                                      java.util.function.Function<Path, ? extends GraftModel> load) {
        return new ModelLoader() {
            @Override
            public boolean accepts(ModelManifest manifest) {
                return accepts.test(manifest);
            }

            @Override
            public GraftModel load(Path dir) {
                return load.apply(dir);
            }
        };
    }
}

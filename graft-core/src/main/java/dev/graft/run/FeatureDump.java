package dev.graft.run;

import dev.graft.data.DatasetSplits;
import dev.graft.data.LabelMap;
import dev.graft.data.TaskKind;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageExample;
import dev.graft.data.image.ImageSplits;
import dev.graft.model.text.TextModelSpec;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.ImageBackbone;
import dev.graft.strategy.ImageTransfer;
import dev.graft.data.image.ImageTta;
import dev.graft.tensor.io.NumpyArchive;
import dev.graft.tensor.io.OnExisting;
import dev.graft.util.Arguments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code graft features}: the frozen features a feature-extraction head is trained on, written to a NumPy {@code .npz}
 * archive with their labels, for a classifier of one's own (scikit-learn) on exactly Graft's inputs. The splits are the
 * ones {@code graft train} makes from the same request (files, seed, fractions), the features come from the same
 * {@code EmbeddingCache} and extractor (text: the model's or the requested pooling; images: the backbone's pooled
 * features, averaged over the views of the requested {@link ImageTta}, none by default), so a dump after a training run costs no backbone pass.
 *
 * <p>Arrays: {@code train_x} {@code [n, d]} float32 and {@code train_y} {@code [n]} int32 class indices, the same for
 * {@code val} and, when there is a test split, {@code test}; {@code labels} (the class names, index order),
 * {@code model}, {@code pooling} and {@code precision} (one string each: {@code fp32}, or {@code bf16} for a text encoder's
 * bfloat16 pass, which {@code precision auto} chooses where the CPU has AMX). Classification only: other tasks' targets are not class indices.
 */
public final class FeatureDump {

    /**
     * What was written.
     *
     * @param file      the archive
     * @param rows      rows per split, in order (train, val, test)
     * @param dimension feature width
     * @param backbone  the backbone's id
     * @param pooling   the pooling (text) or the test-time augmentation ({@link ImageTta#key()}, images)
     * @param seconds   seconds spent obtaining the features (cache reads included)
     */
    public record Result(Path file, Map<String, Integer> rows, int dimension, String backbone, String pooling, double seconds) {
    }

    private FeatureDump() {
    }

    /**
     * Writes the features of {@code request}'s splits to {@code out} (a new file: an existing one is never replaced).
     *
     * @throws IllegalArgumentException when {@code out} exists or its folder does not, or the task is not classification
     */
    public static Result write(TrainingRequest request, Path out, RunListener listener) throws IOException {
        checkTarget(out);
        if (ImageDataReader.isImageData(request.trainFile)) {
            return images(request, out, listener);
        }
        return text(request, out, listener);
    }

    private static Result text(TrainingRequest r, Path out, RunListener l) throws IOException {
        TrainingRun.checkSplitSettings(r, true);
        if (r.tta != null) {
            throw new IllegalArgumentException(Arguments.name("tta") + " applies to images; text features are pooled as "
                    + Arguments.name("pooling") + " says.");
        }
        checkTask(r.data.targets().task());
        DatasetSplits splits = TrainingRun.readSplits(r, l);
        TrainingRun.describe(splits, l);
        TextModelSpec backbone = r.withPooling(TrainingRun.resolveTextModel(r.model, l));
        FeatureExtractionConfig config = r.featureExtractionConfig();
        TrainingRun.noteAutoPrecision(r, config.describe(), l);
        FeatureExtraction fe = new FeatureExtraction(config);
        LabelMap labels = splits.labelMap();
        List<TextDataset> sets = new ArrayList<>(List.of(splits.train(), splits.val()));
        splits.test().ifPresent(sets::add);
        long t0 = System.nanoTime();
        List<float[][]> features = new ArrayList<>();
        for (TextDataset d : sets) {
            features.add(fe.embeddings(backbone, d, l.progress()));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<int[]> y = sets.stream().map(d -> d.examples().stream().map(TextExample::label).mapToInt(labels::indexOf).toArray())
                .toList();
        return save(out, features, y, labels, backbone.id(), backbone.pooling().key(), config.frozenPrecision().key(), seconds);
    }

    private static Result images(TrainingRequest r, Path out, RunListener l) throws IOException {
        TrainingRun.refusePoolingForImages(r);
        checkTask(r.data.targets().task());
        String name = r.model == null || TrainingRequest.DEFAULT_TEXT_MODEL.equals(r.model) ? TrainingRequest.DEFAULT_IMAGE_MODEL : r.model;
        ImageSplits splits = ImageInputs.splits(r, l::message);
        ImageBackbone backbone = ImageInputs.backbone(name, r.imageSize);
        FeatureExtractionConfig config = r.imageFeatureExtractionConfig();
        List<ImageDataset> sets = new ArrayList<>(List.of(splits.train(), splits.val()));
        splits.test().ifPresent(sets::add);
        long t0 = System.nanoTime();
        ImageTta tta = ImageTta.parse(r.tta);
        List<float[][]> features = ImageTransfer.frozenFeatures(backbone, sets, config, tta, Math.max(1, r.imageThreads()), l.progress());
        double seconds = (System.nanoTime() - t0) / 1e9;
        LabelMap labels = splits.labelMap();
        List<int[]> y = sets.stream().map(d -> d.examples().stream().map(ImageExample::label).mapToInt(labels::indexOf).toArray())
                .toList();
        return save(out, features, y, labels, backbone.id(), tta.key(), "fp32", seconds);
    }

    private static Result save(Path out, List<float[][]> features, List<int[]> y, LabelMap labels, String model, String pooling,
                               String precision, double seconds) throws IOException {
        String[] names = {"train", "val", "test"};
        NumpyArchive npz = new NumpyArchive();
        Map<String, Integer> rows = new LinkedHashMap<>();
        int dim = 0;
        for (int i = 0; i < features.size(); i++) {
            float[][] x = features.get(i);
            dim = Math.max(dim, x.length == 0 ? 0 : x[0].length);
            npz.floats(names[i] + "_x", x).ints(names[i] + "_y", y.get(i));
            rows.put(names[i], x.length);
        }
        npz.strings("labels", labels.labels()).strings("model", List.of(model)).strings("pooling", List.of(pooling))
                .strings("precision", List.of(precision));
        npz.write(out, OnExisting.FAIL);
        return new Result(out, rows, dim, model, pooling, seconds);
    }

    private static void checkTarget(Path out) {
        if (out == null || !out.getFileName().toString().endsWith(".npz")) {
            throw new IllegalArgumentException(Arguments.name("output") + " " + out + ": the features are written as a NumPy"
                    + " archive; name a new file ending in .npz.");
        }
        if (Files.exists(out)) {
            throw new IllegalArgumentException(Arguments.name("output") + " " + out + " exists; Graft does not replace a file it"
                    + " has not written. Name a new file or delete that one.");
        }
        Path parent = Optional.ofNullable(out.toAbsolutePath().getParent()).orElse(Path.of("."));
        if (!Files.isDirectory(parent)) {
            throw new IllegalArgumentException(Arguments.name("output") + " " + out + ": folder " + parent + " does not exist;"
                    + " create it first.");
        }
    }

    private static void checkTask(TaskKind task) {
        if (task != TaskKind.CLASSIFICATION) {
            throw new IllegalArgumentException(Arguments.name("task") + " " + task.key() + ": the feature dump writes class"
                    + " indices as labels and covers classification data only.");
        }
    }
}

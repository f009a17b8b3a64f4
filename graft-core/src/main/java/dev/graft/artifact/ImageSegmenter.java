package dev.graft.artifact;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.data.TaskKind;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.data.image.RgbImage;
import dev.graft.data.image.masks.SegmentationSamples;
import dev.graft.metrics.SegmentationMetrics;
import dev.graft.model.ArrayCopies;
import dev.graft.model.vision.MultiScaleEncoder;
import dev.graft.model.vision.VisionBackbone;
import dev.graft.model.vision.VisionBackbones;
import dev.graft.model.vision.seg.DecoderKind;
import dev.graft.model.vision.seg.SegmentationNet;
import dev.graft.model.vision.seg.TiledInference;
import dev.graft.task.SegmentationTask;
import dev.graft.task.Task;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.io.AtomicFiles;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.tensor.safetensors.SafeTensorsFile;
import dev.graft.util.FileChecksums;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained segmentation model: a {@link SegmentationNet} (MobileNetV2, ResNet or EfficientNet encoder, U-Net or LR-ASPP
 * decoder), its
 * {@link SegmentationTask} (classes, their mask values, the tile size of sliding-window inference) and the
 * preprocessing of its encoder. Saved as a Graft model directory (manifest task {@value #TASK}): the encoder as a
 * backbone folder ({@code backbone/}), the decoder's weights and BatchNorm statistics in {@value #DECODER_FILE},
 * {@code preprocessor_config.json}, provenance and metrics. As a {@link GraftModel} it reads images and gives
 * {@link ModelOutput.Mask}s.
 */
public final class ImageSegmenter extends DirectoryModel {

    /** The manifest task of a segmentation model. */
    public static final String TASK = "image-segmentation";
    /** The decoder's weights inside a model directory. */
    public static final String DECODER_FILE = "decoder.safetensors";
    /** Metadata key of {@value #DECODER_FILE} naming the decoder's kind. */
    public static final String DECODER_KEY = "graft.decoder";
    static final String BACKBONE_DIR = "backbone";

    private final SegmentationNet net;
    private final SegmentationTask task;
    private final PreprocessorConfig preprocessing;
    private final String strategy;
    private final Map<String, String> backboneInfo;
    private final NDManager manager;

    /**
     * @param net           the network (its parameters live in {@code manager})
     * @param backboneInfo  id and licence of the pretrained encoder
     * @param manager       owns the network's arrays; closed with this model
     */
    public ImageSegmenter(SegmentationNet net, SegmentationTask task, PreprocessorConfig preprocessing, String strategy,
                          Map<String, String> backboneInfo, NDManager manager) {
        if (net.classes() != task.outputWidth()) {
            throw new IllegalArgumentException("the network has " + net.classes() + " classes, the task " + task.outputWidth());
        }
        this.net = net;
        this.task = task;
        this.preprocessing = preprocessing;
        this.strategy = strategy;
        this.backboneInfo = Map.copyOf(backboneInfo);
        this.manager = manager;
    }

    /** The network. */
    public SegmentationNet net() {
        return net;
    }

    /** The task. */
    public SegmentationTask task() {
        return task;
    }

    /** The preprocessing of the encoder. */
    public PreprocessorConfig preprocessing() {
        return preprocessing;
    }

    /** The strategy that trained it. */
    public String strategy() {
        return strategy;
    }

    /**
     * Class probabilities {@code [classes, H, W]} (flattened) of an image given as 0..255 pixels {@code [3, H, W]}:
     * normalised, then run whole or in overlapping tiles ({@link TiledInference}) of the task's tile size.
     */
    public float[] probabilities(float[] pixels, int width, int height) {
        return probabilities(pixels, width, height, new TiledInference(task.tile(), task.overlap()));
    }

    /** As {@link #probabilities(float[], int, int)}, with the given tiling. */
    public float[] probabilities(float[] pixels, int width, int height, TiledInference tiles) {
        float[] x = SegmentationSamples.normalise(pixels.clone(), preprocessing);
        return tiles.probabilities(x, width, height, task.outputWidth(),
                in -> net.logits(new ParameterStore(in.getManager(), false), in, false).softmax(1), manager);
    }

    /** The most probable class of every pixel of {@code image}, row-major. */
    public int[] predict(RgbImage image) {
        return SegmentationTask.argmax(probabilities(SegmentationSamples.planar(image.rgb(), image.width(), image.height()),
                image.width(), image.height()), task.outputWidth());
    }

    /**
     * Scores every image of {@code data} against its mask.
     *
     * @return the pooled metrics and each image's own
     */
    public Scores score(SegmentationSamples data) {
        SegmentationMetrics all = new SegmentationMetrics(task.outputNames());
        List<SegmentationMetrics> each = new ArrayList<>();
        List<int[]> predictions = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            var gold = data.mask(i);
            int[] pred = SegmentationTask.argmax(probabilities(data.pixels(i), gold.width(), gold.height()), task.outputWidth());
            all.add(gold.classes(), pred);
            each.add(new SegmentationMetrics(task.outputNames()).add(gold.classes(), pred));
            predictions.add(pred);
        }
        return new Scores(all, each, predictions);
    }

    /**
     * What {@link #score} measured.
     *
     * @param overall     over every pixel of every image
     * @param perImage    each image on its own, in order
     * @param predictions each image's predicted classes, row-major
     */
    public record Scores(SegmentationMetrics overall, List<SegmentationMetrics> perImage, List<int[]> predictions) {
    }

    /** Saves atomically through {@link ModelDirectory}; {@code extras} may add files (a report) to the staging folder. */
    public boolean save(Path dir, Provenance provenance, Map<String, Object> metrics, ModelDirectory.Writer extras) throws IOException {
        return ModelDirectory.write(dir, staging -> {
            extras.write(staging);
            Path bb = Files.createDirectory(staging.resolve(BACKBONE_DIR));
            Map<String, String> info = new LinkedHashMap<>();
            info.put("id", backboneInfo.getOrDefault("id", net.encoder().architecture()));
            info.put("license", backboneInfo.getOrDefault("license", "unknown"));
            String sha = VisionBackbones.save(net.encoder(), bb, info);
            preprocessing.write(bb.resolve(PreprocessorConfig.FILE));
            AtomicFiles.writeString(staging.resolve(PreprocessorConfig.FILE), preprocessing.toJson());
            List<TensorData> weights = new ArrayList<>();
            Map<String, Parameter> decoder = new LinkedHashMap<>(net.decoder().namedParameters());
            decoder.putAll(net.decoder().namedBuffers());
            decoder.forEach((n, p) -> weights.add(new TensorData(n, p.getArray().getShape().getShape(), p.getArray().toFloatArray())));
            SafeTensors.write(staging.resolve(DECODER_FILE), weights, Map.of("format", "pt", DECODER_KEY, net.decoderKind().key()));
            AtomicFiles.writeString(staging.resolve(TextClassifier.PROVENANCE_FILE), Json.MAPPER.writeValueAsString(provenance));
            AtomicFiles.writeString(staging.resolve(TextClassifier.METRICS_FILE), Json.MAPPER.writeValueAsString(metrics));
            List<Integer> skips = net.encoder().featureMapChannels();
            ModelManifest manifest = ModelManifest.of(TASK, strategy,
                    new ModelManifest.Backbone(info.get("id"), sha, 0, "none", info.get("license"), BACKBONE_DIR),
                    new ModelManifest.Head(skips.get(skips.size() - 1), task.outputWidth(), 0, 0, DECODER_FILE),
                    task.outputNames(), null, ModelManifest.TaskSettings.of(task));
            AtomicFiles.writeString(staging.resolve(ModelDirectory.MANIFEST), Json.MAPPER.writeValueAsString(manifest));
        });
    }

    /** Whether {@code dir} holds a Graft segmentation model (manifest task {@value #TASK}). */
    public static boolean isSegmentationModel(Path dir) {
        Path m = dir.resolve(ModelDirectory.MANIFEST);
        try {
            return Files.isRegularFile(m) && TASK.equals(dev.graft.model.ModelFileLimits.readJson(m, Json.MAPPER).path("task").asText());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Loads a directory written by {@link #save}: the encoder's checksum and every decoder tensor's name and shape are
     * verified.
     *
     * @throws IllegalArgumentException naming the file when the directory is not a segmentation model or is damaged
     */
    public static ImageSegmenter load(Path dir) {
        Path manifestFile = dir.resolve(ModelDirectory.MANIFEST);
        if (!isSegmentationModel(dir)) {
            throw new IllegalArgumentException(dir + " is not a Graft segmentation model (no " + ModelDirectory.MANIFEST
                    + " with task " + TASK + "). Pass the output folder of `graft train --task segmentation`.");
        }
        try {
            ModelManifest m = Json.read(manifestFile, ModelManifest.class).checked(manifestFile);
            if (m.taskKind() != TaskKind.SEGMENTATION) {
                throw new IllegalArgumentException(manifestFile + " names task " + TASK + " but its task settings are of a "
                        + m.taskKind().key() + " model: the model directory is damaged. Retrain.");
            }
            Task task = m.task(manifestFile);
            Path bb = ModelDirectory.resolveInside(dir, m.backbone().directory());
            String actual = FileChecksums.sha256(bb.resolve(VisionBackbones.SAFETENSORS));
            if (!actual.equals(m.backbone().sha256())) {
                throw new IllegalArgumentException("Encoder " + bb.resolve(VisionBackbones.SAFETENSORS) + " has SHA-256 " + actual
                        + " but the manifest records " + m.backbone().sha256() + ": the file was changed or corrupted. Restore it or retrain.");
            }
            PreprocessorConfig pre = PreprocessorConfig.read(dir.resolve(PreprocessorConfig.FILE));
            NDManager manager = NDManager.newBaseManager(Device.cpu());
            try {
                VisionBackbone encoder = VisionBackbones.load(bb, manager);
                if (!(encoder instanceof MultiScaleEncoder multiScale)) {
                    throw new IllegalArgumentException(bb + " holds a " + encoder.architecture() + ", which gives no feature"
                            + " maps for a segmentation decoder. The model directory is damaged.");
                }
                SegmentationNet net = new SegmentationNet(multiScale, task.outputWidth(), decoderKind(dir.resolve(DECODER_FILE)));
                net.initializeDecoder(manager);
                loadDecoder(net, dir.resolve(DECODER_FILE));
                ImageSegmenter segmenter = new ImageSegmenter(net, (SegmentationTask) task, pre, m.strategy(),
                        Map.of("id", m.backbone().id(), "license", m.backbone().license()), manager);
                segmenter.loadedFrom(dir);
                return segmenter;
            } catch (RuntimeException e) {
                manager.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read model " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The decoder kind recorded in the decoder file's metadata (models written before it was recorded: U-Net). */
    private static DecoderKind decoderKind(Path file) throws IOException {
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            String key = f.metadata().get(DECODER_KEY);
            try {
                return key == null ? DecoderKind.UNET : DecoderKind.parse(key);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": metadata " + DECODER_KEY + " names an unknown decoder '" + key
                        + "': the model directory is damaged or from a newer Graft. Retrain.", e);
            }
        }
    }

    private static void loadDecoder(SegmentationNet net, Path file) throws IOException {
        Map<String, Parameter> targets = new LinkedHashMap<>(net.decoder().namedParameters());
        targets.putAll(net.decoder().namedBuffers());
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            if (f.names().size() != targets.size()) {
                throw new IllegalArgumentException(file + " holds " + f.names().size() + " tensors, the decoder has "
                        + targets.size() + ": the model directory is damaged. Retrain.");
            }
            for (Map.Entry<String, Parameter> e : targets.entrySet()) {
                if (!f.names().contains(e.getKey())) {
                    throw new IllegalArgumentException(file + " lacks tensor '" + e.getKey() + "': the model directory is damaged. Retrain.");
                }
                TensorData t = f.tensor(e.getKey());
                if (!new Shape(t.shape()).equals(e.getValue().getArray().getShape())) {
                    throw new IllegalArgumentException(file + ": tensor '" + e.getKey() + "' is " + new Shape(t.shape())
                            + ", the decoder expects " + e.getValue().getArray().getShape() + ". Retrain.");
                }
                ArrayCopies.copyInto(e.getValue().getArray(), t.data());
            }
        }
    }

    // --- GraftModel: the one predictor interface (image files and bytes in, masks out) ---

    @Override
    public InputKind inputKind() {
        return InputKind.IMAGE;
    }

    /** The mask of each image ({@link #predict}), with each class's pixel count. */
    @Override
    public List<ModelOutput> predictBatch(List<ModelInput> inputs) {
        List<ModelOutput> out = new ArrayList<>(inputs.size());
        for (ModelInput in : inputs) {
            ModelInput image = ModelInput.expect(inputs, in, InputKind.IMAGE);
            RgbImage rgb = image instanceof ModelInput.ImageFile f ? dev.graft.data.image.ImageDecoder.decode(f.file())
                    : dev.graft.data.image.ImageDecoder.decode(((ModelInput.ImageBytes) image).bytes(),
                            Path.of(((ModelInput.ImageBytes) image).name()));
            out.add(ModelOutput.Mask.of(rgb.width(), rgb.height(), predict(rgb), task.outputNames(), task.classValues()));
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}

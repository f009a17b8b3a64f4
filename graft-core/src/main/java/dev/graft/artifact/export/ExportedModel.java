package dev.graft.artifact.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.artifact.GraftModel;
import dev.graft.artifact.InputKind;
import dev.graft.artifact.Json;
import dev.graft.artifact.ModelInput;
import dev.graft.artifact.ModelManifest;
import dev.graft.artifact.ModelOutput;
import dev.graft.artifact.Provenance;
import dev.graft.data.TaskKind;
import dev.graft.data.image.Augmentation;
import dev.graft.data.image.ImageDecoder;
import dev.graft.data.image.ImagePipeline;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.data.image.RgbImage;
import dev.graft.task.Task;
import dev.graft.task.Tasks;
import dev.graft.tensor.onnx.OnnxModelFile;
import dev.graft.tensor.onnx.OnnxModelInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code .onnx} file written by {@code graft export --format onnx} as a {@link GraftModel}: labels, task settings and
 * preprocessing come from the graph's {@code graft.*} metadata, a text model's tokenizer from the
 * {@code NAME.tokenizer.json} beside it, and predictions run on ONNX Runtime alone (no libtorch). An image model's
 * images are decoded, resized, cropped and normalised as the metadata says, as Graft's image pipeline does in training.
 */
public final class ExportedModel implements GraftModel {

    private final Task task;
    private final InputKind inputKind;
    private final ExportedTextModel text;
    private final ExportedImageModel image;
    private final ImagePipeline pipeline;
    private ModelManifest manifest;
    private Provenance provenance;

    private ExportedModel(Task task, InputKind inputKind, ExportedTextModel text, ExportedImageModel image, ImagePipeline pipeline) {
        this.task = task;
        this.inputKind = inputKind;
        this.text = text;
        this.image = image;
        this.pipeline = pipeline;
    }

    /** Whether {@code file} is a {@code .onnx} file (written by Graft's export or not: {@link #load} says which). */
    public static boolean isOnnxFile(Path file) {
        return Files.isRegularFile(file) && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    /**
     * Opens an exported graph with ONNX Runtime.
     *
     * @throws IllegalArgumentException naming the file when it was not written by Graft's export, its metadata is damaged,
     *                                  or the tokenizer beside it is missing
     */
    public static ExportedModel load(Path file) {
        byte[] bytes;
        Map<String, String> meta;
        try {
            bytes = OnnxModelFile.read(file).bytes();
            meta = OnnxModelInfo.of(bytes).metadata();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read ONNX model " + file + ": " + e.getMessage(), e);
        }
        if (!meta.containsKey(OnnxExport.MARKER)) {
            throw new IllegalArgumentException(file + " is an ONNX graph without Graft's metadata (" + OnnxExport.MARKER
                    + "); Graft predicts with graphs written by `graft export --format onnx`, which carry labels and preprocessing.");
        }
        return open(bytes, meta, file, name -> sibling(file, name));
    }

    /**
     * A text model's graph that {@link OnnxExport#servingModel} built in memory from the model directory {@code dir},
     * reading {@code tokenizer}; it reports the directory's manifest and provenance.
     */
    static ExportedModel inMemory(byte[] graph, Path dir, Path tokenizer, ModelManifest manifest, Provenance provenance) {
        Map<String, String> meta;
        try {
            meta = OnnxModelInfo.of(graph).metadata();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the graph built from " + dir + ": " + e.getMessage(), e);
        }
        ExportedModel m = open(graph, meta, dir, name -> tokenizer);
        m.manifest = manifest;
        m.provenance = provenance;
        return m;
    }

    /** The text graph's runner ({@code null} for an image model). */
    ExportedTextModel textModel() {
        return text;
    }

    /** The model a graph with Graft's metadata holds; {@code file} names it in messages, {@code tokenizers} finds a tokenizer. */
    private static ExportedModel open(byte[] bytes, Map<String, String> meta, Path file,
                                      java.util.function.Function<String, Path> tokenizers) {
        JsonNode pre = json(file, meta, "graft.preprocessing");
        Task task;
        try {
            List<String> labels = List.of(Json.MAPPER.readValue(required(file, meta, "graft.labels"), String[].class));
            @SuppressWarnings("unchecked")
            Map<String, Object> settings = Json.MAPPER.readValue(required(file, meta, "graft.task_settings"), Map.class);
            task = Tasks.restore(TaskKind.parse(required(file, meta, "graft.task")), labels, settings);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + ": the task metadata (graft.task, graft.labels, graft.task_settings) is"
                    + " damaged: " + e.getMessage() + ". Export the model again.", e);
        }
        int threads = Runtime.getRuntime().availableProcessors();
        if (pre.has("tokenizer")) {
            Path tokenizer = tokenizers.apply(pre.get("tokenizer").asText());
            if (!Files.isRegularFile(tokenizer)) {
                throw new IllegalArgumentException(file + " needs its tokenizer " + tokenizer + " (written beside it by the"
                        + " export); copy it next to the .onnx file.");
            }
            boolean pairs = pre.path("input").asText().startsWith("text-pair");
            return new ExportedModel(task, pairs ? InputKind.TEXT_PAIR : InputKind.TEXT,
                    ExportedTextModel.open(bytes, tokenizer, pre.path("max_length").asInt(512), threads), null, null);
        }
        PreprocessorConfig config;
        try {
            JsonNode crop = pre.get("center_crop");
            config = new PreprocessorConfig(pre.get("resize_shortest_edge").asInt(), crop.get(0).asInt(), crop.get(1).asInt(),
                    pre.get("rescale_factor").asDouble(), pre.get("normalize").asBoolean(),
                    Json.MAPPER.treeToValue(pre.get("mean"), float[].class), Json.MAPPER.treeToValue(pre.get("std"), float[].class));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + ": the image preprocessing metadata (graft.preprocessing) is damaged or"
                    + " incomplete: " + e + ". Export the model again.", e);
        }
        return new ExportedModel(task, InputKind.IMAGE, null, ExportedImageModel.open(bytes, threads),
                new ImagePipeline(config, Augmentation.none()));
    }

    /** The tokenizer named in the metadata, beside {@code file}; a name with a folder in it is refused. */
    private static Path sibling(Path file, String name) {
        Path p = Path.of(name);
        if (name.isBlank() || p.getNameCount() != 1 || !p.getFileName().toString().equals(name) || name.equals("..")) {
            throw new IllegalArgumentException(file + ": the tokenizer named in its metadata ('" + name + "') is not a file name"
                    + " beside the graph; export the model again.");
        }
        return file.toAbsolutePath().resolveSibling(name);
    }

    private static String required(Path file, Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) {
            throw new IllegalArgumentException(file + " lacks the metadata entry " + key + "; export the model again.");
        }
        return v;
    }

    private static JsonNode json(Path file, Map<String, String> meta, String key) {
        try {
            return Json.MAPPER.readTree(required(file, meta, key));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": the metadata entry " + key + " is not JSON (" + e.getMessage()
                    + "); export the model again.", e);
        }
    }

    @Override
    public String modality() {
        return image != null ? "image" : "text";
    }

    @Override
    public Task task() {
        return task;
    }

    @Override
    public InputKind inputKind() {
        return inputKind;
    }

    /**
     * {@code null} for an exported file, which has no model directory (its provenance is in the graph's metadata); for a
     * graph built in memory to serve a model directory, that directory's.
     */
    @Override
    public ModelManifest manifest() {
        return manifest;
    }

    /** {@code null} for an exported file; see {@link #manifest()}. */
    @Override
    public Provenance provenance() {
        return provenance;
    }

    /** The graph's outputs (probabilities, scores or value) for each input, in order. */
    public float[][] outputs(List<ModelInput> inputs) {
        if (inputs.isEmpty()) {
            return new float[0][];
        }
        switch (inputKind) {
            case TEXT:
                return text.outputs(ModelInput.texts(inputs));
            case TEXT_PAIR:
                List<String> first = new ArrayList<>(inputs.size());
                List<String> second = new ArrayList<>(inputs.size());
                for (ModelInput in : inputs) {
                    ModelInput.TextPair p = (ModelInput.TextPair) ModelInput.expect(inputs, in, InputKind.TEXT_PAIR);
                    first.add(p.text());
                    second.add(p.textPair());
                }
                return text.outputs(first, second);
            default:
                int size = pipeline.outputSize();
                float[] flat = new float[inputs.size() * size];
                for (int i = 0; i < inputs.size(); i++) {
                    ModelInput in = ModelInput.expect(inputs, inputs.get(i), InputKind.IMAGE);
                    RgbImage decoded = in instanceof ModelInput.ImageFile f ? ImageDecoder.decode(f.file())
                            : ImageDecoder.decode(((ModelInput.ImageBytes) in).bytes(), Path.of(((ModelInput.ImageBytes) in).name()));
                    System.arraycopy(pipeline.evaluate(decoded), 0, flat, i * size, size);
                }
                PreprocessorConfig c = pipeline.config();
                return image.outputs(flat, inputs.size(), c.outputHeight(), c.outputWidth());
        }
    }

    @Override
    public List<ModelOutput> predictBatch(List<ModelInput> inputs) {
        return ModelOutput.of(java.util.Arrays.stream(outputs(inputs)).map(task::decode).toList(), task.kind());
    }

    @Override
    public void close() {
        if (text != null) {
            text.close();
        }
        if (image != null) {
            image.close();
        }
    }
}

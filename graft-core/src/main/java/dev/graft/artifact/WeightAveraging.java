package dev.graft.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.graft.data.TaskKind;
import dev.graft.model.ModelFileLimits;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.io.AtomicFiles;
import dev.graft.tensor.io.OwnedDirectory;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.tensor.safetensors.SafeTensorsFile;
import dev.graft.tensor.safetensors.TensorInfo;
import dev.graft.util.Arguments;
import dev.graft.util.Hashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Averages the weights of saved models trained from the same backbone for the same task (checkpoint averaging, the
 * "model soup" of Wortsman et al. 2022): a new model directory whose every weight — the encoder's
 * {@code backbone/model.safetensors} and the head's {@code head.safetensors} — is the (optionally weighted) mean of the
 * ingredients' weights.
 *
 * <p>The ingredients must be the same model but for their weights, and this is checked file by file before anything is
 * written: the same files; every {@code .safetensors} file with the same tensor names, shapes and metadata (the head's
 * labels); every JSON file (manifest, {@code backbone.json}, {@code config.json}, tokenizer, preprocessing) the same
 * tree once the checksums of the averaged weight files are set aside — so the task, labels, backbone id, pooling, head
 * shape and task settings agree; every other file (a frozen backbone's {@code model.onnx}) byte for byte the same, and
 * copied. A mismatch is refused naming both directories, the file and the tensor or JSON field that differs. The run's
 * records of an ingredient ({@code metrics.json}, {@code report.html}, {@code plots/}) are not carried over; the
 * provenance is the first ingredient's with {@code averaged_from} and {@code averaging_weights} among its settings.
 *
 * <p>Covered: text and image models of single-label classification, multi-label classification and regression, fine-tuned
 * (encoder and head averaged) or feature extraction on the same frozen backbone (heads averaged). LoRA or adapter
 * models are refused (the mean of low-rank factors is not the mean of the updates they make; merge LoRA first).
 * Every tensor Graft saves is float32; a tensor of another type is refused. The output goes through
 * {@link ModelDirectory#write}, so nothing Graft did not write is overwritten.
 */
public final class WeightAveraging {

    /** The provenance setting listing the averaged model directories. */
    public static final String AVERAGED_FROM = "averaged_from";
    /** The provenance setting listing each ingredient's weight (normalised to sum to one). */
    public static final String AVERAGING_WEIGHTS = "averaging_weights";

    /** Files of an ingredient's run, not of its model: left out of the average. */
    private static final Set<String> RUN_RECORDS = Set.of(OwnedDirectory.MARKER, TextClassifier.METRICS_FILE,
            TextClassifier.PROVENANCE_FILE, "report.html");
    private static final String PLOTS = "plots";
    private static final String WEIGHTS_SUFFIX = ".safetensors";
    private static final String JSON_SUFFIX = ".json";
    /** A placeholder for the checksum of an averaged file inside a JSON file, while the ingredients are compared. */
    private static final String CHECKSUM_OF = "\u0000sha256-of:";

    /**
     * What was written.
     *
     * @param directory  the averaged model
     * @param sources    the ingredients, in the order given
     * @param weights    each ingredient's weight, normalised to sum to one
     * @param tensors    tensors averaged
     * @param parameters values averaged (the sum of the tensors' sizes)
     */
    public record Averaged(Path directory, List<Path> sources, List<Double> weights, int tensors, long parameters) {
        /** Copies the lists. */
        public Averaged {
            sources = List.copyOf(sources);
            weights = List.copyOf(weights);
        }
    }

    private WeightAveraging() {
    }

    /** The uniform mean of {@code models} written to {@code target}; see {@link #average(List, List, Path)}. */
    public static Averaged average(List<Path> models, Path target) {
        return average(models, null, target);
    }

    /**
     * Writes to {@code target} the model whose weights are the weighted mean of {@code models}' weights.
     *
     * @param models  two or more model directories (the same directory may be named twice, which weighs it double)
     * @param weights one non-negative weight per model, not all zero (normalised to sum to one), or {@code null} for
     *                the plain mean
     * @param target  the new model directory: absent, empty, or a Graft model (replaced)
     * @throws IllegalArgumentException naming the directory, file and tensor or field when the models differ in
     *                                  anything but their weights, or an argument is out of range
     */
    public static Averaged average(List<Path> models, List<Double> weights, Path target) {
        if (models == null || models.size() < 2) {
            throw new IllegalArgumentException("Averaging needs two or more models (" + Arguments.name("model") + "), got "
                    + (models == null ? 0 : models.size()) + ".");
        }
        double[] w = normalised(weights, models.size());
        for (Path m : models) {
            if (m.toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException(Arguments.name("output") + " " + target + " is one of the models being averaged;"
                        + " write the average to another directory.");
            }
        }
        ModelDirectory.checkWritable(target);
        try {
            Plan plan = plan(models);
            int[] counts = new int[1];
            long[] values = new long[1];
            ModelDirectory.write(target, staging -> {
                Map<String, String> averagedSums = new HashMap<>(); // placeholder -> checksum of the written average
                for (Path rel : plan.files()) {
                    String name = rel.toString();
                    Path out = staging.resolve(name);
                    Files.createDirectories(out.getParent());
                    if (name.endsWith(WEIGHTS_SUFFIX)) {
                        long[] n = averageWeights(models, rel, w, out);
                        counts[0] += (int) n[0];
                        values[0] += n[1];
                        averagedSums.put(CHECKSUM_OF + name, Hashes.sha256(out));
                    } else if (!plan.rewritten().containsKey(name)) {
                        Files.copy(models.get(0).resolve(name), out);
                    }
                }
                for (Map.Entry<String, JsonNode> e : plan.rewritten().entrySet()) { // after the weights, whose checksums they record
                    JsonNode tree = e.getValue().deepCopy();
                    replace(tree, averagedSums);
                    AtomicFiles.writeString(staging.resolve(e.getKey()), Json.MAPPER.writeValueAsString(tree));
                }
                writeProvenance(models, w, staging.resolve(TextClassifier.PROVENANCE_FILE));
            });
            List<Double> normalised = new ArrayList<>();
            for (double x : w) {
                normalised.add(x);
            }
            return new Averaged(target, models, normalised, counts[0], values[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot average " + models + " into " + target + ": " + e.getMessage(), e);
        }
    }

    private static double[] normalised(List<Double> weights, int n) {
        double[] w = new double[n];
        if (weights == null) {
            Arrays.fill(w, 1.0 / n);
            return w;
        }
        if (weights.size() != n) {
            throw new IllegalArgumentException(Arguments.name("weights") + " gives " + weights.size() + " weights for " + n
                    + " models; give one per model.");
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            Double x = weights.get(i);
            if (x == null || !Double.isFinite(x) || x < 0) {
                throw new IllegalArgumentException(Arguments.name("weights") + " must be finite and non-negative; weight "
                        + (i + 1) + " is " + x + ".");
            }
            w[i] = x;
            sum += x;
        }
        if (sum <= 0) {
            throw new IllegalArgumentException(Arguments.name("weights") + " are all zero; give at least one positive weight.");
        }
        for (int i = 0; i < n; i++) {
            w[i] /= sum;
        }
        return w;
    }

    // ---- the checks before anything is written

    /**
     * What to write, after checking every file of every model.
     *
     * @param files     the model files every model has, relative, sorted
     * @param rewritten JSON files that record the checksum of an averaged file, as trees with placeholders for them
     */
    private record Plan(List<Path> files, Map<String, JsonNode> rewritten) {
    }

    /** Checks that the models differ in their weights only; what to write. */
    private static Plan plan(List<Path> models) throws IOException {
        Set<Path> first = null;
        for (Path m : models) {
            checkModel(m);
            Set<Path> files = modelFiles(m);
            if (first == null) {
                first = files;
                continue;
            }
            for (Path f : first) {
                if (!files.contains(f)) {
                    throw mismatch(models.get(0), m, f + " is in the first but not in the second");
                }
            }
            for (Path f : files) {
                if (!first.contains(f)) {
                    throw mismatch(models.get(0), m, f + " is in the second but not in the first");
                }
            }
        }
        List<Path> files = new ArrayList<>(first);
        for (Path rel : files) {
            if (rel.toString().endsWith(WEIGHTS_SUFFIX)) {
                checkTensors(models, rel);
            }
        }
        Map<String, Map<String, String>> sums = sourceChecksums(models, files);
        Map<String, JsonNode> rewritten = new LinkedHashMap<>();
        for (Path rel : files) {
            String name = rel.toString();
            if (name.endsWith(JSON_SUFFIX)) {
                JsonNode tree = comparedJson(models, name, sums);
                if (tree != null) {
                    rewritten.put(name, tree);
                }
            } else if (!name.endsWith(WEIGHTS_SUFFIX)) {
                requireSameBytes(models, rel);
            }
        }
        return new Plan(files, rewritten);
    }

    private static void checkModel(Path m) {
        if (!ModelDirectory.isModel(m)) {
            throw new IllegalArgumentException(m + " is not a Graft model directory (no " + ModelDirectory.MANIFEST
                    + "). Pass the " + Arguments.name("output") + " directories of " + Arguments.name("Graft.train") + ".");
        }
        SavedModel saved = SavedModel.read(m);
        ModelManifest manifest = saved.manifest();
        TaskKind kind = manifest.taskKind();
        boolean covered = (kind == TaskKind.CLASSIFICATION || kind == TaskKind.MULTI_LABEL || kind == TaskKind.REGRESSION)
                && (manifest.task().equals(ModelManifest.taskName("text", kind))
                || manifest.task().equals(ModelManifest.taskName(ImageClassifier.MODALITY, kind)));
        if (!covered) {
            throw new IllegalArgumentException(m + " holds a " + manifest.task() + " model; averaging covers text and image"
                    + " classification, multi-label and regression models.");
        }
        if (Files.exists(m.resolve(PeftManifest.FILE))) {
            throw new IllegalArgumentException(m + " holds " + manifest.strategy() + " weights (" + PeftManifest.FILE + "): the mean"
                    + " of low-rank factors is not the mean of the updates they make. Merge LoRA into the encoder first"
                    + " (" + Arguments.name("LoraMerge.merge") + "), or average fine-tuned models.");
        }
    }

    /** Every regular file of a model but its run's records, relative to it; links are refused. */
    private static Set<Path> modelFiles(Path m) throws IOException {
        Set<Path> out = new TreeSet<>();
        try (var walk = Files.walk(m)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path rel = m.relativize(p);
                if (rel.toString().isEmpty() || RUN_RECORDS.contains(rel.toString()) || rel.startsWith(PLOTS)) {
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    throw new IllegalArgumentException(p + " is a symbolic link; a Graft model directory holds none. Pass the"
                            + " directory Graft wrote.");
                }
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(rel);
                }
            }
        }
        return out;
    }

    /** Same tensor names, shapes, float types and metadata in {@code rel} of every model. */
    private static void checkTensors(List<Path> models, Path rel) throws IOException {
        Path firstFile = models.get(0).resolve(rel.toString());
        Map<String, TensorInfo> first;
        Map<String, String> firstMeta;
        try (SafeTensorsFile st = SafeTensors.open(firstFile)) {
            first = infos(st);
            firstMeta = st.metadata();
        }
        for (TensorInfo info : first.values()) {
            if (!info.dtype().convertibleToFloat()) {
                throw new IllegalArgumentException(firstFile + ": tensor '" + info.name() + "' has dtype " + info.dtype()
                        + "; averaging reads float tensors only (Graft saves float32).");
            }
        }
        for (Path m : models.subList(1, models.size())) {
            try (SafeTensorsFile st = SafeTensors.open(m.resolve(rel.toString()))) {
                Map<String, TensorInfo> other = infos(st);
                for (TensorInfo a : first.values()) {
                    TensorInfo b = other.get(a.name());
                    if (b == null) {
                        throw mismatch(models.get(0), m, rel + ": tensor '" + a.name() + "' is missing from the second");
                    }
                    if (!Arrays.equals(a.shape(), b.shape())) {
                        throw mismatch(models.get(0), m, rel + ": tensor '" + a.name() + "' has shape " + Arrays.toString(a.shape())
                                + " in the first and " + Arrays.toString(b.shape()) + " in the second");
                    }
                    if (!b.dtype().convertibleToFloat()) {
                        throw mismatch(models.get(0), m, rel + ": tensor '" + a.name() + "' has dtype " + b.dtype() + " in the second");
                    }
                }
                for (String name : other.keySet()) {
                    if (!first.containsKey(name)) {
                        throw mismatch(models.get(0), m, rel + ": tensor '" + name + "' is in the second only");
                    }
                }
                if (!firstMeta.equals(st.metadata())) {
                    throw mismatch(models.get(0), m, rel + ": the metadata differ (" + firstMeta + " vs " + st.metadata() + ")");
                }
            }
        }
    }

    private static Map<String, TensorInfo> infos(SafeTensorsFile st) {
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        for (TensorInfo i : st.infos()) {
            out.put(i.name(), i);
        }
        return out;
    }

    private static void requireSameBytes(List<Path> models, Path rel) throws IOException {
        String first = Hashes.sha256(models.get(0).resolve(rel.toString()));
        for (Path m : models.subList(1, models.size())) {
            if (!first.equals(Hashes.sha256(m.resolve(rel.toString())))) {
                throw mismatch(models.get(0), m, rel + " differs (averaging reads weights from .safetensors files; every other"
                        + " file must be the same)");
            }
        }
    }

    private static IllegalArgumentException mismatch(Path a, Path b, String what) {
        return new IllegalArgumentException("Cannot average " + b + " with " + a + ": " + what + ". Average models fine-tuned"
                + " from the same backbone for the same task and labels.");
    }

    // ---- writing

    /** Writes the weighted mean of {@code rel} of every model to {@code out}; the tensor and value counts. */
    private static long[] averageWeights(List<Path> models, Path rel, double[] w, Path out) throws IOException {
        List<SafeTensorsFile> open = new ArrayList<>();
        try {
            for (Path m : models) {
                open.add(SafeTensors.open(m.resolve(rel.toString())));
            }
            List<TensorData> mean = new ArrayList<>();
            long values = 0;
            for (TensorInfo info : open.get(0).infos()) {
                double[] sum = null;
                for (int i = 0; i < open.size(); i++) {
                    float[] x = open.get(i).tensor(info.name()).data();
                    if (sum == null) {
                        sum = new double[x.length];
                    }
                    for (int k = 0; k < x.length; k++) {
                        sum[k] += w[i] * x[k];
                    }
                }
                float[] avg = new float[sum.length];
                for (int k = 0; k < avg.length; k++) {
                    avg[k] = (float) sum[k];
                }
                mean.add(new TensorData(info.name(), info.shape(), avg));
                values += avg.length;
            }
            SafeTensors.write(out, mean, open.get(0).metadata());
            return new long[] {mean.size(), values};
        } finally {
            for (SafeTensorsFile f : open) {
                f.close();
            }
        }
    }

    /** The checksum of each averaged file of each model (a JSON file may record it). */
    private static Map<String, Map<String, String>> sourceChecksums(List<Path> models, List<Path> files) throws IOException {
        Map<String, Map<String, String>> out = new HashMap<>();
        for (Path m : models) {
            Map<String, String> sums = new HashMap<>();
            for (Path rel : files) {
                if (rel.toString().endsWith(WEIGHTS_SUFFIX)) {
                    sums.put(Hashes.sha256(m.resolve(rel.toString())), CHECKSUM_OF + rel);
                }
            }
            out.put(m.toString(), sums);
        }
        return out;
    }

    /**
     * Compares JSON file {@code name} of every model with the checksums of averaged files replaced by placeholders:
     * null when it records none and may be copied as it is, else the tree with the placeholders.
     */
    private static JsonNode comparedJson(List<Path> models, String name, Map<String, Map<String, String>> sums) throws IOException {
        Path firstFile = models.get(0).resolve(name);
        String firstSum = Hashes.sha256(firstFile);
        boolean sameBytes = true;
        for (Path m : models.subList(1, models.size())) {
            sameBytes &= firstSum.equals(Hashes.sha256(m.resolve(name)));
        }
        if (sameBytes) { // copied as it is unless it records the checksum of a file that is averaged
            String text = Files.readString(firstFile, java.nio.charset.StandardCharsets.UTF_8);
            if (sums.get(models.get(0).toString()).keySet().stream().noneMatch(text::contains)) {
                return null;
            }
        }
        JsonNode first = null;
        boolean recordsChecksums = false;
        for (Path m : models) {
            JsonNode tree = ModelFileLimits.readJson(m.resolve(name), Json.MAPPER);
            boolean replaced = replace(tree, sums.get(m.toString()));
            if (first == null) {
                first = tree;
                recordsChecksums = replaced;
                continue;
            }
            String where = firstDifference(first, tree, "");
            if (where != null) {
                throw mismatch(models.get(0), m, name + " differs at " + where);
            }
        }
        return recordsChecksums ? first : null;
    }

    /** Replaces, in place, every string value that is a key of {@code values}; whether any was. */
    private static boolean replace(JsonNode node, Map<String, String> values) {
        boolean any = false;
        if (node instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isTextual() && values.containsKey(e.getValue().asText())) {
                    e.setValue(TextNode.valueOf(values.get(e.getValue().asText())));
                    any = true;
                } else {
                    any |= replace(e.getValue(), values);
                }
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i).isTextual() && values.containsKey(a.get(i).asText())) {
                    a.set(i, TextNode.valueOf(values.get(a.get(i).asText())));
                    any = true;
                } else {
                    any |= replace(a.get(i), values);
                }
            }
        }
        return any;
    }

    /** The JSON pointer of the first place {@code a} and {@code b} differ, with both values; null when equal. */
    private static String firstDifference(JsonNode a, JsonNode b, String at) {
        if (a.equals(b)) {
            return null;
        }
        if (a.isObject() && b.isObject()) {
            Set<String> keys = new TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                JsonNode x = a.get(k);
                JsonNode y = b.get(k);
                if (x == null || y == null) {
                    return at + "/" + k + " (" + (x == null ? "absent" : shown(x)) + " vs " + (y == null ? "absent" : shown(y)) + ")";
                }
                String d = firstDifference(x, y, at + "/" + k);
                if (d != null) {
                    return d;
                }
            }
        }
        if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                String d = firstDifference(a.get(i), b.get(i), at + "/" + i);
                if (d != null) {
                    return d;
                }
            }
        }
        return (at.isEmpty() ? "/" : at) + " (" + shown(a) + " vs " + shown(b) + ")";
    }

    private static String shown(JsonNode n) {
        String s = n.toString().replace(CHECKSUM_OF, "checksum of ");
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /** The first model's provenance, with the averaged directories and their weights among its settings. */
    private static void writeProvenance(List<Path> models, double[] w, Path out) throws IOException {
        Path p = models.get(0).resolve(TextClassifier.PROVENANCE_FILE);
        Provenance first = Files.isRegularFile(p) ? Json.read(p, Provenance.class) : null;
        Map<String, Object> settings = new LinkedHashMap<>(first != null && first.settings() != null ? first.settings() : Map.of());
        settings.put(AVERAGED_FROM, models.stream().map(m -> m.toAbsolutePath().normalize().toString()).toList());
        settings.put(AVERAGING_WEIGHTS, Arrays.stream(w).boxed().toList());
        Provenance averaged = first == null
                ? new Provenance(Instant.now().toString(), SavedModel.read(models.get(0)).manifest().strategy(), 0, settings,
                        Map.of(), Map.of(), Versions.all(), Map.of(), List.of())
                : new Provenance(Instant.now().toString(), first.strategy(), first.seed(), settings, first.data(), first.backbone(),
                        first.versions(), Map.of(), first.commandLine());
        AtomicFiles.writeString(out, Json.MAPPER.writeValueAsString(averaged));
    }
}

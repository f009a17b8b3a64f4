package dev.graft.artifact;

import dev.graft.data.TaskKind;
import dev.graft.model.CpuFeatures;
import dev.graft.model.Precision;
import dev.graft.task.Task;
import dev.graft.util.Arguments;
import java.nio.file.Path;
import java.util.List;

/**
 * Any trained Graft model, whatever it reads and predicts: one way to load a model directory ({@link #load}), to say
 * what the model is (modality, task, labels, provenance) and to predict ({@link #predictBatch}). Text classifiers,
 * image models and token classifiers implement it; a new kind of model registers one {@link ModelLoader} with
 * {@link ModelLoaders}.
 *
 * <p>A model is not safe for concurrent predictions unless its type says so; a server calls it from one thread.
 */
public interface GraftModel extends AutoCloseable {

    /**
     * Loads the model directory {@code dir} with the loader its manifest's task calls for, or a {@code .onnx} file written by
     * {@code graft export --format onnx} (run on ONNX Runtime alone).
     *
     * @throws IllegalArgumentException naming the directory when it is no Graft model, is damaged, or holds a kind of
     *                                  model this Graft cannot load
     */
    static GraftModel load(Path dir) {
        return ModelLoaders.load(dir);
    }

    /** What the model reads: {@code text} (single texts, text pairs, questions) or {@code image}; from {@link #inputKind()}. */
    default String modality() {
        return inputKind().modality();
    }

    /** What the model predicts, with its labels and decision settings. */
    Task task();

    /** The manifest's task name, e.g. {@code text-classification} or {@code image-regression}. */
    default String taskName() {
        return ModelManifest.taskName(modality(), task().kind());
    }

    /** The task's kind. */
    default TaskKind taskKind() {
        return task().kind();
    }

    /** The names of the model's outputs: classes, labels, tags, or the regression target. */
    default List<String> labelNames() {
        return task().outputNames();
    }

    /** The kind of {@link ModelInput} that {@link #predictBatch} takes. */
    InputKind inputKind();

    /** The manifest of the directory the model was loaded from, or {@code null} for a model not loaded from one. */
    ModelManifest manifest();

    /** The provenance of the directory the model was loaded from, or {@code null} when there is none. */
    Provenance provenance();

    /**
     * Predicts each input, in order.
     *
     * @throws IllegalArgumentException naming the input when one is not of {@link #inputKind()}
     * @throws dev.graft.data.DataException when an input cannot be read (an image that does not decode)
     */
    List<ModelOutput> predictBatch(List<ModelInput> inputs);

    /**
     * Whether this model's predictions can run in {@code precision}: fp32 always; bf16 where the model's encoder can run on
     * libtorch with bfloat16 products (text classifiers).
     */
    default boolean predictsIn(Precision precision) {
        return precision == Precision.FP32;
    }

    /**
     * Runs the predictions that follow in {@code precision}: fp32, in which the model was scored, or bf16 (bfloat16
     * products on libtorch; faster where the CPU has AVX512_BF16 or AMX, with outputs within bfloat16's precision).
     *
     * @throws IllegalArgumentException naming the argument when this model cannot ({@link #predictsIn})
     */
    default void predictIn(Precision precision) {
        if (!predictsIn(precision)) {
            throw new IllegalArgumentException(Arguments.name("precision") + " " + precision.key() + " applies to text"
                    + " classifiers; this " + taskName() + " model predicts in fp32.");
        }
    }

    /** The precision {@code auto} chooses for this model's predictions on {@code cpu}: fp32 unless a model knows better. */
    default Precision autoPrecision(CpuFeatures cpu) {
        return Precision.FP32;
    }

    /** The precision the model's predictions run in now. */
    default Precision precision() {
        return Precision.FP32;
    }

    /**
     * The precision a server on {@code cpu} predicts in when not told, where it differs from the one the model was loaded
     * to predict in because a server predicts a few inputs at a time and another answers them much sooner; empty (the
     * default) keeps the model's own.
     */
    default java.util.Optional<Precision> servingPrecision(CpuFeatures cpu) {
        return java.util.Optional.empty();
    }

    /**
     * {@link #predictIn(Precision)} for a setting: {@code fp32}, {@code bf16}, or {@code auto} ({@link #autoPrecision} on
     * this machine's CPU).
     *
     * @return the precision the predictions run in
     * @throws IllegalArgumentException for an unknown setting, or bf16 by name for a model that cannot
     */
    default Precision predictIn(String setting) {
        Precision p = Precision.parse(setting, CpuFeatures.current());
        if (Precision.isAuto(setting)) {
            p = autoPrecision(CpuFeatures.current());
        }
        predictIn(p);
        return p;
    }

    /** Releases the model's native memory. */
    @Override
    void close();
}

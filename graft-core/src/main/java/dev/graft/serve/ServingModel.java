package dev.graft.serve;

import dev.graft.artifact.GraftModel;
import dev.graft.artifact.export.ExportedModel;
import dev.graft.artifact.export.OnnxExport;
import dev.graft.model.CpuFeatures;
import dev.graft.model.Precision;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A model loaded to answer a few inputs a call, as {@code graft serve} loads it, for Java code that predicts in its own
 * process without HTTP: the precision is the model's serving precision unless one is asked for ({@link
 * GraftModel#servingPrecision}: fp32 for a head on an ONNX encoder), and a text model whose encoder runs on libtorch
 * (fine-tuned, LoRA) and predicts in fp32 becomes one graph on ONNX Runtime built in memory and checked against the model
 * ({@link OnnxExport#servingModel}): one text a call is answered about three times as soon as by the loaded model.
 * {@link GraftModel#load} stays the choice for files and large batches, where libtorch's bf16 products pay.
 *
 * @param model     the model to predict with; closing this record closes it
 * @param precision the precision it predicts in
 * @param onnxGraph whether {@code model} is a graph built here from the model directory
 */
public record ServingModel(GraftModel model, Precision precision, boolean onnxGraph) implements AutoCloseable {

    /** Checks the fields. */
    public ServingModel {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(precision, "precision");
    }

    /** {@link #load(Path, String, boolean)} with the serving precision and the graph. */
    public static ServingModel load(Path model) {
        return load(model, null, true);
    }

    /**
     * Loads the model directory (or exported {@code .onnx} file) {@code model}.
     *
     * @param precision fp32, bf16 or auto; null: the model's serving precision where it has one, else its own
     * @param onnxGraph whether a text model on libtorch predicting in fp32 is turned into a graph on ONNX Runtime
     * @throws IllegalArgumentException naming the directory when it is no Graft model, or naming the precision when the
     *                                  model cannot predict in it
     */
    public static ServingModel load(Path model, String precision, boolean onnxGraph) {
        GraftModel loaded = GraftModel.load(model);
        try {
            Precision chosen = choosePrecision(loaded, precision);
            GraftModel served = onnxGraph && chosen == Precision.FP32 ? OnnxExport.servingModel(model, loaded) : loaded;
            // a graph built here (not the exported file it may have been given, nor the model loaded again)
            return new ServingModel(served, chosen, served != loaded && served instanceof ExportedModel);
        } catch (RuntimeException | Error e) {
            loaded.close();
            throw e;
        }
    }

    /**
     * Sets {@code model} to predict in {@code setting} when one is named; else in its serving precision where it has
     * one; else in auto's precision for "auto", or its own for null.
     */
    static Precision choosePrecision(GraftModel model, String setting) {
        if (setting != null && !Precision.isAuto(setting)) {
            return model.predictIn(setting);
        }
        Optional<Precision> serving = model.servingPrecision(CpuFeatures.current());
        if (serving.isPresent()) {
            model.predictIn(serving.get());
            return serving.get();
        }
        return setting != null ? model.predictIn(setting) : model.precision();
    }

    /** Closes the model. */
    @Override
    public void close() {
        model.close();
    }
}
